"""The figures pass: check every image, draw charts, and number figures.

Images must be files inside the project (a booklet that silently prints a broken-image box
is worse than one that does not build), must have alt text (the tagged PDF reads it aloud),
and a ``.yaml`` image is a chart drawn from data at build time.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it.token import Token

from ..charts import render_chart
from ..diagnostics import Diagnostics
from ..files import Refused, inside
from ..markdown.containers import box_name
from ..markdown.walk import block_line
from ..model import Book, Fragment

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
CHART_SUFFIXES = {".yaml", ".yml"}
#: Larger images are refused: a phone photo at full size makes a slow, huge PDF.
MAX_IMAGE_BYTES = 15_000_000
#: Larger images are refused by pixel count (from the header) before anything decodes them:
#: a small PNG can unpack to gigabytes. 40 million is 300 dpi on an A3 sheet.
MAX_IMAGE_PIXELS = 40_000_000


def image_problem(path: Path) -> str | None:
    """Why a raster or SVG image cannot be printed (corrupt, or too many pixels), or None.

    Only the header is read (Pillow does not decode the pixels on open), so a 20000 x 20000
    "decompression bomb" is refused in microseconds instead of filling the memory.
    """
    if path.suffix.lower() == ".svg":
        import xml.etree.ElementTree as ElementTree

        try:
            ElementTree.parse(path)
        except (ElementTree.ParseError, OSError, ValueError) as exc:
            return f"is not a valid SVG file ({exc})"
        return None
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return (f"is {width} x {height} pixels, over the limit of "
                            f"{MAX_IMAGE_PIXELS // 1_000_000} million")
                image.verify()
    except Image.DecompressionBombError:
        return f"has far too many pixels (over {MAX_IMAGE_PIXELS:,})"
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        return f"is damaged or not really an image ({type(exc).__name__})"
    return None


def _only_image(inline: Token) -> Token | None:
    children = [c for c in inline.children or [] if not (
        c.type == "text" and not c.content.strip()) and c.type != "softbreak"]
    return children[0] if len(children) == 1 and children[0].type == "image" else None


def check_image(image: Token, fragment: Fragment, line: int, root: Path,
                diagnostics: Diagnostics) -> None:
    src = str(image.attrs.get("src", ""))
    alt = "".join(c.content for c in image.children or []).strip()
    image.meta["alt"] = alt
    if not alt:
        diagnostics.error(fragment.file, line, f"the image '{src}' has no alt text",
                          hint="describe what it shows between the brackets: ![A bar chart of "
                          "...](path) — it is read aloud to readers who cannot see it")
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or src.startswith("/"):
        diagnostics.error(fragment.file, line,
                          f"the image '{src}' is not a file in the project",
                          hint="copy the image into the project (e.g. chapters/figures/) and "
                          "use a relative path; chapbook never fetches from the network")
        return
    base = (root / fragment.file).parent
    try:
        # the project's rule for paths (files.py): a name the file system can hold, inside
        # the project once links are followed
        path = inside(base / unquote(parts.path), root)
    except Refused as exc:
        if "outside" in str(exc):
            diagnostics.error(fragment.file, line, f"the image '{src}' is outside the project",
                              hint="keep images inside the booklet's folder")
        else:
            diagnostics.error(fragment.file, line, f"the image '{src}' is refused: {exc}",
                              hint=exc.hint)
        return
    shown = path.relative_to(root.resolve()).as_posix()
    if not path.is_file():
        diagnostics.error(fragment.file, line, f"image not found: {shown}",
                          hint=f"the path is taken relative to {Path(fragment.file).parent}/")
        return
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES | CHART_SUFFIXES:
        diagnostics.error(fragment.file, line, f"'{shown}' is not an image chapbook can print",
                          hint="use PNG, JPEG, SVG or a .yaml chart")
        return
    if path.stat().st_size > MAX_IMAGE_BYTES:
        diagnostics.error(fragment.file, line,
                          f"the image {shown} is over {MAX_IMAGE_BYTES // 1_000_000} MB",
                          hint="scale it down to print size (about 2000 pixels wide is plenty)")
        return
    if suffix not in CHART_SUFFIXES:
        problem = image_problem(path)
        if problem:
            diagnostics.error(fragment.file, line, f"the image {shown} {problem}",
                              hint="open it in an image editor and save it again as PNG or "
                              "JPEG, at print size (about 2000 pixels wide is plenty)")
            return
    if suffix in CHART_SUFFIXES:
        svg = render_chart(path, shown, diagnostics, root=root, alt=alt)
        if svg is not None:
            image.meta["svg"] = svg
        return
    image.meta["path"] = path


def resolve_figures(book: Book, diagnostics: Diagnostics) -> None:
    number = 0
    root = book.root
    for fragment in [c.body for c in book.chapters]:
        in_figure = 0
        figure_open: Token | None = None
        caption_paragraphs: list[Token] = []
        for i, token in enumerate(fragment.tokens):
            if box_name(token) == "figure":
                in_figure += 1
                number += 1
                figure_open = token
                token.meta["figure_number"] = number
                caption_paragraphs = []
                continue
            if token.type == "container_figure_close":
                in_figure -= 1
                if figure_open is not None and not figure_open.meta.get("has_image"):
                    diagnostics.error(fragment.file, block_line(fragment, figure_open),
                                      "the figure box has no image",
                                      hint="put ![alt text](path) as its first paragraph")
                if caption_paragraphs:
                    caption_paragraphs[0].meta["caption_start"] = True
                    caption_paragraphs[0].meta["figure_number"] = number
                    fragment.tokens[i - 1].meta["caption_end"] = True
                elif figure_open is not None:
                    diagnostics.warning(fragment.file, block_line(fragment, figure_open),
                                        "the figure has no caption",
                                        hint="add a paragraph after the image saying what it "
                                        "shows, and one starting 'Source:'")
                figure_open = None
                continue
            if token.type == "inline":
                for child in token.children or []:
                    if child.type == "image":
                        check_image(child, fragment, block_line(fragment, token), root,
                                    diagnostics)
            if token.type != "paragraph_open":
                continue
            image = _only_image(fragment.tokens[i + 1])
            if in_figure and figure_open is not None:
                if image is not None and not figure_open.meta.get("has_image"):
                    figure_open.meta["has_image"] = True
                    token.meta["figure_image"] = True
                    fragment.tokens[i + 2].meta["figure_image"] = True
                else:
                    caption_paragraphs.append(token)
                    if fragment.tokens[i + 1].content.startswith("Source:"):
                        token.attrSet("class", "figure-source")
            elif image is not None:
                number += 1
                token.meta["standalone_figure"] = number
                image.meta["figure_number"] = number
                fragment.tokens[i + 2].meta["standalone_figure"] = number
