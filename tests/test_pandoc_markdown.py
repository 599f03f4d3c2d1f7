"""pandoc's Markdown constructs read as pandoc reads them, construct by construct.

Each file of ``fixtures/pandoc_corpus`` is read by pandoc (``pandoc -t json``, from the
pypandoc-binary test dependency) and by chapbook's parser, and both are brought to one form
(``pandoc_structure.py``): the same tables (caption, alignments, cells with their row and
column spans and the blocks in them), lists (start number, style, delimiter, items), line
blocks (lines), spans and line breaks.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pypandoc
import pytest

from chapbook.markdown.parser import markdown_parser
from chapbook.resolve.tables import pipe_widths
from pandoc_structure import chapbook_blocks, pandoc_blocks

CORPUS = Path(__file__).parent / "fixtures" / "pandoc_corpus"

#: pandoc runs once per construct, as a subprocess
pytestmark = pytest.mark.slow


def pandoc_reading(text: str) -> list:
    document = json.loads(pypandoc.convert_text(text, "json", format="markdown"))
    return pandoc_blocks(document["blocks"])


def chapbook_reading(text: str) -> list:
    tokens = markdown_parser("en").parse(text, {})
    fragment = SimpleNamespace(text=text)
    for token in tokens:
        if token.type == "table_open":
            pipe_widths(fragment, token)  # type: ignore[arg-type]  # the tables pass's part
    return chapbook_blocks(tokens)


@pytest.mark.parametrize("name", sorted(p.stem for p in CORPUS.glob("*.md")))
def test_construct_reads_as_in_pandoc(name: str) -> None:
    text = (CORPUS / f"{name}.md").read_text(encoding="utf-8")
    assert chapbook_reading(text) == pandoc_reading(text)
