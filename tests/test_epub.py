"""``chapbook build --format epub``: EPUB 3 that epubcheck passes, with the contents,
footnotes as EPUB notes, linked glossary terms and references, and the booklet's metadata.

epubcheck (the Debian package ``epubcheck``, the W3C's own checker) must be installed: the
README's test command installs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from chapbook.pipeline import BuildOptions, build

REPO = Path(__file__).resolve().parent.parent
XHTML = "{http://www.w3.org/1999/xhtml}"
OPS = "{http://www.idpf.org/2007/ops}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"


def epubcheck(path: Path) -> list[dict]:
    """epubcheck's messages about ``path`` (its JSON report), of every severity."""
    found = shutil.which("epubcheck")
    assert found, "epubcheck is not installed (apt-get install epubcheck)"
    program = os.path.realpath(found)
    # Debian's /usr/bin/epubcheck is the jar itself, run through binfmt_misc where the
    # system has it; a container often has not.
    # C1 compilation only and the serial collector: half the processor time of a check.
    command = (["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", program]
               if program.endswith(".jar") else [program])
    done = subprocess.run([*command, str(path), "--json", "-"], capture_output=True,
                          text=True, timeout=120)
    report = json.loads(done.stdout[done.stdout.index("{"):])
    return report["messages"]


def problems(messages: list[dict]) -> list[str]:
    return [f"{m['severity']} {m['ID']}: {m['message']} "
            f"{[loc.get('path') for loc in m.get('locations', [])][:2]}"
            for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING")]


def make_epub(root: Path, **options) -> Path:
    result = build(root, BuildOptions(format="epub", **options))
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    (path,) = result.outputs
    assert path.suffix == ".epub"
    return path


def read_epub(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names[0] == "mimetype"
        assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        return {name: archive.read(name) for name in names}


@pytest.mark.slow
def test_the_booklet_as_epub_passes_epubcheck(tmp_path: Path):
    """The teacher edition in the notes style: the most there is to check (model answers,
    teacher boxes, a note for every citation)."""
    path = make_epub(REPO, style="chicago-notes", edition="teacher", output=tmp_path)
    assert problems(epubcheck(path)) == []
    notes = sum(data.count(b'epub:type="footnote"') for data in read_epub(path).values())
    assert notes > 50


@pytest.mark.slow
def test_the_german_example_booklet_passes_epubcheck(tmp_path: Path):
    """Another language and an image file (an SVG figure), which becomes a file of the
    package."""
    path = make_epub(REPO / "examples" / "photosynthese", output=tmp_path)
    assert problems(epubcheck(path)) == []
    files = read_epub(path)
    assert b"<dc:language>de</dc:language>" in files["EPUB/package.opf"]
    images = [name for name in files if name.startswith("EPUB/images/")]
    assert images and all(name.encode().removeprefix(b"EPUB/") in files["EPUB/package.opf"]
                          for name in images)


def test_notes_glossary_references_contents_and_metadata(mini_project: Path):
    path = make_epub(mini_project, style="chicago-notes", edition="teacher")
    files = read_epub(path)
    assert files["mimetype"] == b"application/epub+zip"
    package = ET.fromstring(files["EPUB/package.opf"])
    metadata = package.find(f"{OPF}metadata")
    assert metadata is not None
    assert metadata.findtext(f"{DC}title") == "Mini Booklet: A fixture for the tests"
    assert metadata.findtext(f"{DC}language") == "en"
    assert [c.text for c in metadata.findall(f"{DC}creator")] == ["Ada Tester",
                                                                  "Boris Проверкин"]
    assert metadata.findtext(f"{OPF}meta[@property='dcterms:modified']") == \
        "2026-01-15T00:00:00Z"
    documents = {name: ET.fromstring(data) for name, data in files.items()
                 if name.endswith(".xhtml")}
    chapter = documents["EPUB/text/ch-01-first.xhtml"]
    assert chapter.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    # Every note (the chapter's footnote and each Chicago note) is an EPUB note, linked
    # both ways, and nothing of the print layout's inline notes is left.
    refs = [a for a in chapter.iter(f"{XHTML}a") if a.get(f"{OPS}type") == "noteref"]
    notes = [n for n in chapter.iter(f"{XHTML}aside") if n.get(f"{OPS}type") == "footnote"]
    assert len(refs) == len(notes) >= 3
    note_ids = {n.get("id") for n in notes}
    assert {(r.get("href") or "")[1:] for r in refs} == note_ids
    assert not [s for s in chapter.iter(f"{XHTML}span") if "footnote" in (s.get("class") or "")]
    footnote = next(n for n in notes if "A footnote that cites" in "".join(n.itertext()))
    assert "Davies" in "".join(footnote.itertext())
    # Glossary terms open their definition, citations their reference.
    hrefs = [a.get("href") or "" for a in chapter.iter(f"{XHTML}a")]
    assert "glossary.xhtml#gloss-norm" in hrefs
    assert any(re.fullmatch(r"references\.xhtml#ref-siegelbaum1988", h) for h in hrefs)
    glossary = documents["EPUB/text/glossary.xhtml"]
    assert glossary.find(".//*[@id='gloss-norm']") is not None
    # The model answers of the teacher edition are there.
    assert "The output expected in one shift" in "".join(chapter.itertext())
    # The contents: each chapter, its sections, and the back matter.
    nav = documents["EPUB/text/nav.xhtml"]
    toc = next(n for n in nav.iter(f"{XHTML}nav") if n.get(f"{OPS}type") == "toc")
    entries = ["".join(a.itertext()) for a in toc.iter(f"{XHTML}a")]
    assert entries[:4] == ["Mini Booklet", "Chapter 1: The First Chapter", "Alpha section",
                           "Beta section"]
    assert {"Glossary", "Bibliography"} <= set(entries)
    # The fonts its colophon names travel with it, as files the package lists.
    fonts = [name for name in files if name.startswith("EPUB/fonts/")]
    assert len(fonts) == 8
    css = files["EPUB/style.css"].decode("utf-8")
    for name in fonts:
        assert f'url("{name.removeprefix("EPUB/")}")' in css
        assert f'href="{name.removeprefix("EPUB/")}"'.encode() in files["EPUB/package.opf"]
