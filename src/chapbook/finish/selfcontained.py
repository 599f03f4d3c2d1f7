"""The single-file HTML edition made truly self-contained: its fonts travel inside it.

The screen edition names PT Serif and PT Sans, and its colophon says it is set in them, but a
reader's machine rarely has them: without the files the page fell back to Georgia and Arial.
And a font that a project's ``layouts/extra.css`` loads with a relative ``url()`` broke as
soon as the HTML was opened from ``build/`` or sent by e-mail. So this module:

- adds an ``@font-face`` rule for every face of PT Serif and PT Sans (the same files the
  PDF uses, from the font packages), each cut down with fontTools' subsetter to the
  characters the document holds and embedded as a WOFF2 (or WOFF) data URL;
- replaces each relative ``url()`` of the project's CSS by a data URL of the file it names,
  found beside ``extra.css`` in the project's layouts folder, and only there or below the
  project's folder; one it cannot find is a warning, and the link is left as it was.

Subsetting the eight faces takes a noticeable moment, so each subset is kept for the
process by the face's file and the characters asked for: a watcher rebuilding the HTML on
every save subsets again only when a save brings a character not seen before.
"""

from __future__ import annotations

import base64
import functools
import io
import mimetypes
import re
from pathlib import Path

from ..diagnostics import Diagnostics
from ..resolve.fonts import FAMILIES, font_files, text_font_coverage

_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<target>[^'")]+)(?P=quote)\s*\)""")
_FONT_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf",
               ".otf": "font/otf"}


def font_flavor() -> str | None:
    """WOFF2 if fontTools can write it (it needs brotli), else WOFF (zlib)."""
    try:
        import brotli  # noqa: F401
    except ImportError:
        return "woff"
    return "woff2"


@functools.lru_cache(maxsize=32)
def subset_font(path: Path, characters: str, flavor: str | None) -> bytes:
    """The font at ``path`` cut down to ``characters`` (and what they need: ligatures,
    kerning), in ``flavor``."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = flavor
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def font_subsets(text: str) -> list[tuple[str, int | str, str, bytes, str]]:
    """Each face of the booklet's fonts cut down to the characters of ``text`` it is used
    for, as (family, CSS weight, style, data, flavor). PT Serif and PT Sans get every
    character; the symbol fallback (a variable font, every weight in one file) only those
    PT lacks, and is left out when there are none: it is large, and most booklets need
    none of it."""
    characters = set(text) | set(" 0123456789")
    flavor = font_flavor() or "woff"
    faces = font_files()
    covered = text_font_coverage()
    lacking = "".join(sorted(c for c in characters if ord(c) not in covered and c.strip()))
    subsets: list[tuple[str, int | str, str, bytes, str]] = []
    for family, weight, style, path in faces:
        wanted = "".join(sorted(characters)) if family in FAMILIES else lacking
        if not wanted:
            continue
        subsets.append((family, weight or "200 900", style,
                        subset_font(path, wanted, flavor), flavor))
    return subsets


def embedded_font_faces(text: str) -> str:
    """``@font-face`` rules for the booklet's fonts, each a data URL of a subset holding
    the characters of ``text`` (font_subsets)."""
    rules = []
    for family, weight, style, data, flavor in font_subsets(text):
        encoded = base64.b64encode(data).decode("ascii")
        rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                     f"font-style: {style}; font-display: swap; "
                     f'src: url("data:font/{flavor};base64,{encoded}") format("{flavor}"); }}')
    return "\n".join(rules)


def inline_urls(css: str, base: Path, root: Path, diagnostics: Diagnostics,
                source: str) -> str:
    """Every relative ``url()`` of ``css`` as a data URL of the file it names under
    ``base``; ``source`` is the file named in a warning."""
    resolved_root = root.resolve()

    def replace(match: re.Match[str]) -> str:
        target = match["target"].strip()
        if re.match(r"^(?:[a-z][\w+.-]*:|#|/)", target, re.IGNORECASE):
            return match[0]  # data:, http:, an absolute path or a fragment: not a file here
        path = (base / target.split("#")[0].split("?")[0]).resolve()
        if not path.is_relative_to(resolved_root) or not path.is_file():
            diagnostics.warning(
                source, css.count("\n", 0, match.start()) + 1,
                f"'{target}' is not a file in the project, so the HTML cannot carry it",
                hint=f"put the file in {base.relative_to(root).as_posix() or '.'}/ and name "
                "it relative to extra.css")
            return match[0]
        mime = _FONT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] \
            or "application/octet-stream"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'url("data:{mime};base64,{data}")'

    return _URL.sub(replace, css)


def self_contained_css(screen_css: str, extra_css: str, text: str, layouts: Path,
                       root: Path, diagnostics: Diagnostics) -> str:
    """The screen stylesheet with the booklet's fonts embedded, and ``extra_css`` (the
    project's layouts/extra.css) with its files embedded."""
    css = embedded_font_faces(text) + "\n" + screen_css
    if extra_css:
        source = (layouts / "extra.css").relative_to(root).as_posix() \
            if layouts.resolve().is_relative_to(root.resolve()) else "extra.css"
        css += "\n" + inline_urls(extra_css, layouts, root, diagnostics, source)
    return css
