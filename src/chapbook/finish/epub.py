"""EPUB 3: the screen edition's HTML as a reflowable e-book, for students who read on a
tablet or a phone.

The booklet is rendered once, as for ``--format html``; this module cuts that document into
one XHTML file per part (title page, each chapter, timeline, glossary, references), so a
reader opens each at the top of a page, and packages them as EPUB 3 (the IDPF/W3C EPUB 3.2
rules that ``epubcheck`` checks):

- a navigation document with the contents (chapters and their sections) and landmarks;
- every footnote as an EPUB note: a ``noteref`` link where the note's mark was and the note,
  an ``aside`` of type ``footnote``, at the end of its file, with a link back;
- links between the parts rewritten to the file that holds their target, so glossary terms
  open their definition and citations their reference;
- images the screen edition embeds as data URLs written as files of the package;
- the language, title, authors, date, publisher, rights, description and keywords of
  chapbook.toml in the package's metadata.

The HTML is parsed with tinyhtml5 (WeasyPrint's own HTML5 parser) and written with
ElementTree, so every file is well-formed XHTML whatever the layouts wrote.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import mimetypes
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

import tinyhtml5

from ..config import Config

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
MATHML = "http://www.w3.org/1998/Math/MathML"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
EPUB_TYPE = f"{{{OPS}}}type"

ET.register_namespace("epub", OPS)
ET.register_namespace("svg", SVG)
ET.register_namespace("xlink", XLINK)
ET.register_namespace("m", MATHML)
ET.register_namespace("dc", DC)

#: Styles added to the screen stylesheet: a reading system sets the page and the margins.
EPUB_CSS = """
body { max-width: none; margin: 0; padding: 0 0.5em; background: none; }
.chapter, .back-section { border-top: none; margin-top: 0; }
a.noteref { font-size: 0.75em; vertical-align: super; line-height: 0; text-decoration: none; }
.footnote::before, .footnote::after { content: none; }
aside.footnote { font-size: 0.85em; color: #444; }
.footnotes { border-top: 1px solid #999; margin-top: 2em; padding-top: 0.5em; }
"""


@dataclass
class Part:
    """One XHTML file of the book: its name, title, body elements and epub:type."""

    name: str
    title: str
    elements: list[ET.Element]
    kind: str = ""
    notes: list[ET.Element] = field(default_factory=list)
    has_svg: bool = False
    has_mathml: bool = False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if tag.startswith(f"{{{XHTML}}}") else tag


def _strip_xhtml(element: ET.Element) -> None:
    """XHTML elements without their namespace in the tag (the files declare it as the
    default, on the root), other namespaces (SVG) as they are."""
    for node in element.iter():
        if isinstance(node.tag, str):
            node.tag = _local(node.tag)
        for name in [n for n in node.attrib if n == "xmlns" or n.startswith(
                ("xmlns:", "{http://www.w3.org/2000/xmlns/}"))]:
            del node.attrib[name]  # an inline SVG's own declaration: ElementTree writes it


def _classes(element: ET.Element) -> list[str]:
    return (element.get("class") or "").split()


def split_parts(html: str, book_title: str) -> tuple[list[Part], dict[str, bytes], str]:
    """The screen document cut into parts; the images it embedded; its language."""
    root = tinyhtml5.parse(html)
    language = root.get("lang") or "en"
    body = root.find(f"{{{XHTML}}}body")
    assert body is not None
    _strip_xhtml(body)
    images: dict[str, bytes] = {}
    _extract_images(body, images)
    parts: list[Part] = []
    front: list[ET.Element] = []
    for element in list(body):
        classes = _classes(element)
        if element.tag == "nav" and "toc" in classes:
            continue  # the navigation document is the contents
        if element.tag == "section" and "chapter" in classes:
            heading = element.find(".//h1")
            title = "".join(heading.itertext()).strip() if heading is not None else ""
            number = element.findtext("header/p[@class='chapter-number']") or ""
            parts.append(Part(f"{element.get('id')}.xhtml",
                              f"{number.strip()}: {title}" if number.strip() else title,
                              [element], "chapter"))
        elif element.tag == "section" and "back-section" in classes:
            heading = element.find(".//h1")
            if heading is None:
                heading = element.find(".//h2")
            title = "".join(heading.itertext()).strip() if heading is not None else ""
            kind = {"glossary": "glossary", "references": "bibliography",
                    "timeline": "appendix"}.get(element.get("id") or "", "appendix")
            parts.append(Part(f"{element.get('id')}.xhtml", title, [element], kind))
        else:
            front.append(element)
    if front:
        parts.insert(0, Part("title-page.xhtml", book_title, front, "titlepage"))
    for part in parts:
        for element in part.elements:
            if part.kind:
                element.set(EPUB_TYPE, part.kind)
            part.has_svg = part.has_svg or any(
                isinstance(n.tag, str) and n.tag.startswith(f"{{{SVG}}}")
                for n in element.iter())
            part.has_mathml = part.has_mathml or any(
                isinstance(n.tag, str) and n.tag.startswith(f"{{{MATHML}}}")
                for n in element.iter())
        _notes(part)
    _relink(parts)
    return parts, images, language


def _extract_images(body: ET.Element, images: dict[str, bytes]) -> None:
    """``data:`` images as files of the package (images/figure-N.ext)."""
    for img in body.iter("img"):
        src = img.get("src") or ""
        match = re.match(r"data:([\w/+.-]+);base64,(.*)$", src, re.S)
        if not match:
            continue
        extension = mimetypes.guess_extension(match[1]) or ".bin"
        name = f"images/figure-{len(images) + 1}{extension}"
        images[name] = base64.b64decode(match[2])
        img.set("src", f"../{name}")


def _notes(part: Part) -> None:
    """Each ``span.footnote`` (a note set where its mark is, for print) as an EPUB note:
    a numbered noteref in the text, the note as an aside at the end of the file."""
    stem = part.name.removesuffix(".xhtml")
    for element in part.elements:
        for parent in list(element.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag != "span" or "footnote" not in _classes(child):
                    continue
                number = len(part.notes) + 1
                note_id, ref_id = f"{stem}-note-{number}", f"{stem}-noteref-{number}"
                ref = ET.Element("a", {"class": "noteref", "id": ref_id,
                                       "href": f"#{note_id}", EPUB_TYPE: "noteref",
                                       "role": "doc-noteref"})
                ref.text = str(number)
                ref.tail = child.tail
                parent.remove(child)
                parent.insert(index, ref)
                aside = ET.Element("aside", {"class": "footnote", "id": note_id,
                                             EPUB_TYPE: "footnote", "role": "doc-footnote"})
                paragraph = ET.SubElement(aside, "p")
                back = ET.SubElement(paragraph, "a", {"href": f"#{ref_id}"})
                back.text = f"{number}."
                back.tail = " " + (child.text or "")
                paragraph.extend(list(child))
                part.notes.append(aside)


def _relink(parts: list[Part]) -> None:
    """``href="#id"`` to ``file.xhtml#id`` where the target is in another part."""
    where: dict[str, str] = {}
    for part in parts:
        for element in [*part.elements, *part.notes]:
            for node in element.iter():
                ident = node.get("id")
                if ident:
                    where.setdefault(ident, part.name)
    for part in parts:
        for element in [*part.elements, *part.notes]:
            for node in element.iter("a"):
                href = node.get("href") or ""
                if href.startswith("#"):
                    target = where.get(href[1:])
                    if target is None:
                        node.attrib.pop("href")
                    elif target != part.name:
                        node.set("href", target + href)


def _document(part: Part, language: str, book_title: str) -> bytes:
    html = ET.Element("html", {"xmlns": XHTML, "lang": language,
                               "{http://www.w3.org/XML/1998/namespace}lang": language})
    head = ET.SubElement(html, "head")
    ET.SubElement(head, "title").text = part.title or book_title
    ET.SubElement(head, "link", {"rel": "stylesheet", "type": "text/css",
                                 "href": "../style.css"})
    body = ET.SubElement(html, "body")
    body.extend(part.elements)
    if part.notes:
        notes = ET.SubElement(body, "section", {"class": "footnotes", EPUB_TYPE: "footnotes"})
        notes.extend(part.notes)
    return _xhtml_bytes(html)


def _xhtml_bytes(root: ET.Element) -> bytes:
    text = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n' + text + "\n"
            ).encode("utf-8")


def _navigation(parts: list[Part], language: str, contents_title: str) -> bytes:
    """The EPUB navigation document: the contents (parts and their sections) and landmarks."""
    html = ET.Element("html", {"xmlns": XHTML, "lang": language,
                               "{http://www.w3.org/XML/1998/namespace}lang": language})
    head = ET.SubElement(html, "head")
    ET.SubElement(head, "title").text = contents_title
    ET.SubElement(head, "link", {"rel": "stylesheet", "type": "text/css",
                                 "href": "../style.css"})
    body = ET.SubElement(html, "body")
    toc = ET.SubElement(body, "nav", {EPUB_TYPE: "toc", "id": "toc", "class": "toc"})
    ET.SubElement(toc, "h1").text = contents_title
    ordered = ET.SubElement(toc, "ol", {"class": "toc-list"})
    for part in parts:
        item = ET.SubElement(ordered, "li")
        link = ET.SubElement(item, "a", {"href": part.name})
        link.text = part.title or part.name
        sections = [h for e in part.elements for h in e.iter("h2")
                    if h.get("id") and "end-heading" not in _classes(h)]
        if sections:
            inner = ET.SubElement(item, "ol")
            for heading in sections:
                sub = ET.SubElement(ET.SubElement(inner, "li"), "a",
                                    {"href": f"{part.name}#{heading.get('id')}"})
                sub.text = "".join(heading.itertext()).strip()
    landmarks = ET.SubElement(body, "nav", {EPUB_TYPE: "landmarks", "hidden": "hidden"})
    marks = ET.SubElement(landmarks, "ol")
    wanted = [("toc", "nav.xhtml#toc", contents_title)]
    for kind in ("chapter", "glossary", "bibliography"):
        first = next((p for p in parts if p.kind == kind), None)
        if first is not None:
            wanted.append(("bodymatter" if kind == "chapter" else kind, first.name,
                           first.title))
    for kind, href, title in wanted:
        link = ET.SubElement(ET.SubElement(marks, "li"), "a", {EPUB_TYPE: kind, "href": href})
        link.text = title
    return _xhtml_bytes(html)


def _media_type(name: str) -> str:
    for suffix, media_type in ((".woff2", "font/woff2"), (".woff", "font/woff")):
        if name.endswith(suffix):
            return media_type
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _modified(config: Config) -> str:
    """dcterms:modified, which EPUB requires: the booklet's date, so that the same sources
    give the same file; today if chapbook.toml gives none."""
    try:
        day = dt.date.fromisoformat(config.date)
    except ValueError:
        day = dt.datetime.now(dt.UTC).date()
    return f"{day.isoformat()}T00:00:00Z"


def _package(config: Config, parts: list[Part], images: dict[str, bytes], language: str,
             edition: str) -> bytes:
    identifier = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL,
                                              f"chapbook:{config.output_slug}:{edition}"))
    package = ET.Element("package", {"xmlns": OPF, "version": "3.0",
                                                "unique-identifier": "book-id",
                                                "{http://www.w3.org/XML/1998/namespace}lang":
                                                language})
    metadata = ET.SubElement(package, "metadata")

    def dc(name: str, text: str, **attributes: str) -> None:
        ET.SubElement(metadata, f"{{{DC}}}{name}", attributes).text = text

    dc("identifier", identifier, id="book-id")
    title = config.title + (f": {config.subtitle}" if config.subtitle else "")
    dc("title", title)
    dc("language", language)
    for author in config.authors:
        dc("creator", author)
    if config.date:
        dc("date", config.date)
    for name, value in (("publisher", config.publisher), ("rights", config.rights),
                        ("description", config.description)):
        if value:
            dc(name, value)
    for keyword in config.keywords:
        dc("subject", keyword)
    ET.SubElement(metadata, "meta", {"property": "dcterms:modified"}
                  ).text = _modified(config)
    manifest = ET.SubElement(package, "manifest")
    ET.SubElement(manifest, "item", {"id": "nav", "href": "text/nav.xhtml",
                                               "media-type": "application/xhtml+xml",
                                               "properties": "nav"})
    ET.SubElement(manifest, "item", {"id": "style", "href": "style.css",
                                               "media-type": "text/css"})
    for n, part in enumerate(parts, start=1):
        attributes = {"id": f"part-{n}", "href": f"text/{part.name}",
                      "media-type": "application/xhtml+xml"}
        properties = [name for name, present in (("mathml", part.has_mathml),
                                                 ("svg", part.has_svg)) if present]
        if properties:  # EPUB's manifest says which parts hold MathML or SVG
            attributes["properties"] = " ".join(properties)
        ET.SubElement(manifest, "item", attributes)
    for n, name in enumerate(images, start=1):
        ET.SubElement(manifest, "item", {
            "id": f"file-{n}", "href": name, "media-type": _media_type(name)})
    spine = ET.SubElement(package, "spine")
    ids = [f"part-{n}" for n in range(1, len(parts) + 1)]
    if ids and parts[0].kind == "titlepage":
        ids.insert(1, "nav")
    else:
        ids.insert(0, "nav")
    for ident in ids:
        ET.SubElement(spine, "itemref", {"idref": ident})
    text = ET.tostring(package, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")


CONTAINER = b"""<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""


def epub_bytes(html: str, css: str, config: Config, edition: str,
               fonts: list[tuple[str, int | str, str, bytes, str]] | None = None,
               contents_title: str = "Contents") -> bytes:
    """The EPUB file of the screen document ``html`` and its stylesheet ``css``, with
    ``fonts`` (family, weight, style, data, woff/woff2) as files of the package."""
    parts, images, language = split_parts(html, config.title)
    font_faces = []
    for family, weight, style, data, flavor in fonts or []:
        name = (f"fonts/{family.lower().replace(' ', '-')}-{str(weight).replace(' ', '-')}"
                f"-{style}.{flavor}")
        images[name] = data
        font_faces.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                          f'font-style: {style}; src: url("{name}"); }}')
    files: dict[str, bytes] = {
        "META-INF/container.xml": CONTAINER,
        "EPUB/package.opf": _package(config, parts, images, language, edition),
        "EPUB/style.css": "\n".join([*font_faces, css, EPUB_CSS]).encode("utf-8"),
        "EPUB/text/nav.xhtml": _navigation(parts, language, contents_title),
    }
    for part in parts:
        files[f"EPUB/text/{part.name}"] = _document(part, language, config.title)
    for name, data in images.items():
        files[f"EPUB/{name}"] = data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The mimetype first and stored, as EPUB's Open Container Format requires.
        archive.writestr(zipfile.ZipInfo("mimetype", date_time=(1980, 1, 1, 0, 0, 0)),
                         b"application/epub+zip", compress_type=zipfile.ZIP_STORED)
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
