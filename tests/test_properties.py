"""Random input never crashes the citation parser, the term rule or the Markdown pipeline.

Whatever a writer (or a student, or a cat on the keyboard) types, chapbook produces output or
diagnostics; it never raises. The texts are built from the characters that mean something to
the parsers (brackets, ``@``, ``:::``, ``{}``, backticks, pipes, ``<``), so the search spends
its time on the interesting cases.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapbook.citations.syntax import Cite, find_citations, match_citation
from chapbook.diagnostics import Diagnostics
from chapbook.markdown.parser import markdown_parser
from chapbook.pipeline import BuildOptions, prepare
from chapbook.render.html import BookRenderer
from chapbook.render.markdown_html import RenderOptions
from conftest import FIXTURES

PIECES = [
    "[", "]", "@", "@siegelbaum1988", "@davies2002", "@{odd key}", "-@", ";", ",", " ", "\n",
    "p. ", "pp. ", "chap. ", "12", "12-15", "xiv", "see ", "{", "}", ".term", "term=",
    '"', "'", "[^1]", "[^1]: ", "(", ")", "`", "\\", "*", "_", "#", "## ", "> ", "- ", "1. ",
    ":::", "::: note", "::: figure", '"Title"', "|", "|---|", "<", ">", "<br>", "<sup>",
    "</sup>", "<script>", "<img src=x>", "&amp;", "![", "](", "figures/bars.yaml", "norm",
    "udarniki", "{#id}", "\t", "ё", "Ж", "\u00a0", "\u200b", "---", "~~", "http://x",
]
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=40).map(
    "".join)
FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.mark.slow
@FAST
@given(TEXT, st.integers(min_value=0, max_value=60))
def test_match_citation_never_raises(text, pos):
    result = match_citation(text, pos)
    if result is not None:
        cite, end = result
        assert isinstance(cite, Cite) and cite.items
        assert pos < end <= len(text)
        assert all(item.key for item in cite.items)


@FAST
@given(TEXT)
def test_find_citations_never_raises_and_spans_do_not_overlap(text):
    previous_end = 0
    for _cite, start, end in find_citations(text):
        assert previous_end <= start < end <= len(text)
        assert text[start] in "[@"
        previous_end = end


@FAST
@given(TEXT)
def test_term_rule_and_markdown_parse_never_raise(text):
    tokens = markdown_parser("en").parse(text, {})
    for token in tokens:
        for child in token.children or []:
            if child.type == "term":
                assert child.meta["text"].strip()
                assert child.markup.startswith("[")


@given(label=st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1,
                     max_size=12).filter(
    lambda s: s.strip() and not set(s) & set("[]\n\r") and not s.startswith(("^", "@"))
    and s.strip() == s), key=st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True))
@settings(max_examples=100, deadline=None)
def test_term_with_explicit_key_is_one_term_token(label, key):
    tokens = markdown_parser("en").parse(f'x [{label}]{{term="{key}"}} y', {})
    terms = [c for t in tokens for c in t.children or [] if c.type == "term"]
    assert len(terms) == 1
    assert terms[0].meta["key"] == key and terms[0].meta["text"] == label


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "mini"
    if not root.exists():
        shutil.copytree(FIXTURES / "mini", root)
    return root


@pytest.mark.slow
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(body=TEXT, objective=TEXT)
def test_load_resolve_render_never_raises(tmp_path, body, objective):
    root = _project(tmp_path)
    quoted = objective.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    (root / "chapters" / "03-random.md").write_text(
        f'---\ntitle: Random\nobjectives:\n  - "{quoted}"\n---\n\n{body}\n', encoding="utf-8")
    diagnostics = Diagnostics()
    book = prepare(root, BuildOptions(), diagnostics)
    for d in diagnostics:
        assert d.file and d.line >= 0 and d.message
    renderer = BookRenderer(book, RenderOptions(teacher=True), book.config.style, diagnostics)
    html = renderer.render_document(("body",))
    assert "<script>" not in html
    # The chapter is either in the booklet or named by a diagnostic (a control character
    # in the front matter is invalid YAML, for instance).
    assert "Random" in html or any(d.file == "chapters/03-random.md" for d in diagnostics)


FORM = st.text(alphabet="abcAB -'.ё", min_size=1, max_size=6).filter(str.strip)


@FAST
@given(st.lists(FORM, min_size=1, max_size=8, unique=True),
       st.text(alphabet="abcAB -'.ёx\n", max_size=60))
def test_the_glossary_forms_trie_finds_what_the_plain_list_of_forms_finds(forms, text):
    """The unmarked-term hint searches with the forms factored into a trie; it must find
    exactly the mentions a plain longest-first list of the forms finds."""
    import re

    from chapbook.resolve.terms import _forms_pattern

    forms = [form.casefold() for form in forms]
    plain = "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))
    expected = re.compile(rf"(?<![\w-])(?:{plain})(?![\w-])", re.IGNORECASE)
    found = _forms_pattern(tuple(dict.fromkeys(forms)))
    assert ([m.span() for m in found.finditer(text)]
            == [m.span() for m in expected.finditer(text)])
