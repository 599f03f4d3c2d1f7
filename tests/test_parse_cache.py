"""The watcher keeps each fragment's parse for the next build (resolve/structure.py): a
book read from kept parses must come out exactly as one parsed afresh, and an edit must be
parsed again."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from chapbook.diagnostics import Diagnostics
from chapbook.pipeline import BuildOptions, prepare
from chapbook.render.html import BookRenderer
from chapbook.render.markdown_html import RenderOptions
from chapbook.resolve import structure

REPO = Path(__file__).resolve().parents[1]  # the booklet itself


def _made(root: Path) -> tuple[list[str], list[str]]:
    """The booklet's diagnostics and its HTML in both editions."""
    diagnostics = Diagnostics()
    book = prepare(root, BuildOptions(), diagnostics)
    html = [BookRenderer(book, RenderOptions(teacher=teacher), book.config.style,
                         Diagnostics()).render_document(("front", "body", "back"),
                                                        placeholder_toc=True)
            for teacher in (False, True)]
    return [d.format() for d in diagnostics.sorted()], html


@pytest.mark.parametrize("which", ["booklet", "mini"])
def test_a_book_from_kept_parses_is_the_book_parsed_afresh(which, mini_project, monkeypatch,
                                                          tmp_path):
    root = REPO if which == "booklet" else mini_project
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # nothing kept on disk
    _as_a_new_process(monkeypatch)
    fresh = _made(root)
    structure.keep_parses()
    filling = _made(root)
    parsed: list[str] = []
    real_parse = structure.parse_fragment
    monkeypatch.setattr(structure, "parse_fragment",
                        lambda fragment, language: (parsed.append(fragment.text),
                                                    real_parse(fragment, language)))
    kept = _made(root)
    assert parsed == [], "an unchanged fragment was parsed again"
    assert fresh == filling == kept
    assert fresh[1][0] != fresh[1][1]  # the editions differ, so both were compared


def test_an_edited_fragment_is_parsed_again_and_its_old_parse_dropped(mini_project,
                                                                      monkeypatch):
    _as_a_new_process(monkeypatch)
    structure.keep_parses()
    _made(mini_project)
    chapter = mini_project / "chapters/01-first.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("[@siegelbaum1988]", "[@nosuchkey]", 1), encoding="utf-8")
    parsed: list[str] = []
    real_parse = structure.parse_fragment
    monkeypatch.setattr(structure, "parse_fragment",
                        lambda fragment, language: (parsed.append(fragment.text),
                                                    real_parse(fragment, language)))
    diagnostics, _ = _made(mini_project)
    assert len(parsed) == 1 and "[@nosuchkey]" in parsed[0]
    assert any("nosuchkey" in line for line in diagnostics)
    kept = structure._kept
    assert kept is not None
    old = parsed[0].replace("[@nosuchkey]", "[@siegelbaum1988]", 1)
    assert ("en", parsed[0]) in kept and ("en", old) not in kept, "the old parse was kept"


def test_the_sites_of_a_fragment_are_walked_once_per_parse():
    """Six passes read a fragment's inline sites: they are found once, and found again when
    the fragment is parsed again (an edit, or a parse taken from the kept ones)."""
    from chapbook.markdown.walk import inline_sites
    from chapbook.model import Fragment

    fragment = Fragment("chapters/x.md", 3, "A *first* line,\nand [@key, p. 2] on the second.")
    structure.parse_fragment(fragment, "en")
    sites = inline_sites(fragment)
    assert inline_sites(fragment) is sites
    citation = next(site for site in sites if site.token.type == "citation")
    assert (citation.line, citation.column) == (4, 5)
    fragment.text = "Now [@key] comes first."
    structure.parse_fragment(fragment, "en")
    again = inline_sites(fragment)
    assert again is not sites
    citation = next(site for site in again if site.token.type == "citation")
    assert (citation.line, citation.column) == (3, 5)


@pytest.mark.parametrize("which", ["booklet", "mini"])
def test_html_shared_between_editions_is_the_html_each_makes_alone(which, mini_project):
    """A check renders the book three times (both editions, print and screen) and shares
    the fragments that come out the same in all three: each document must be the one its
    renderer makes on its own."""
    root = REPO if which == "booklet" else mini_project
    book = prepare(root, BuildOptions(), Diagnostics())
    shared: dict[tuple[int, bool | None, str | None], str] = {}
    kinds = [RenderOptions(teacher=False), RenderOptions(teacher=True),
             RenderOptions(medium="screen")]
    together = [BookRenderer(book, options, book.config.style, Diagnostics(), shared)
                .render_document(("front", "body", "back"), placeholder_toc=True)
                for options in kinds]
    alone = [BookRenderer(book, options, book.config.style, Diagnostics())
             .render_document(("front", "body", "back"), placeholder_toc=True)
             for options in kinds]
    assert shared, "nothing was shared"
    assert together == alone
    assert together[0] != together[1] != together[2]


def _as_a_new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """No watcher's parses."""
    monkeypatch.setattr(structure, "_kept", None)


def _counted_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of every fragment parsed from now on."""
    parsed: list[str] = []
    real_parse = structure.parse_fragment
    monkeypatch.setattr(structure, "parse_fragment",
                        lambda fragment, language: (parsed.append(fragment.text),
                                                    real_parse(fragment, language)))
    return parsed


def test_a_kept_parse_is_read_back_by_calling_the_token_class(monkeypatch):
    """A kept parse is pickled as a call of the token class for each token (not with its
    slots as state), and comes back equal, field by field."""
    from markdown_it.token import Token

    from chapbook.markdown.parser import markdown_parser
    from chapbook.resolve.structure import pickled_parse

    text = (REPO / "chapters/05-resistance.md").read_text(encoding="utf-8")
    env: dict = {}
    tokens = markdown_parser("en").parse(text, env)
    assert any(token.children for token in tokens) and env.get("footnotes")
    count = len(tokens) + sum(len(token.children or []) for token in tokens)
    made: list[Token] = []
    post_init = Token.__post_init__
    monkeypatch.setattr(Token, "__post_init__", lambda self: (made.append(self),
                                                              post_init(self))[1])
    again_tokens, again_env = pickle.loads(pickled_parse(tokens, env))
    assert again_tokens == tokens and again_env == env
    assert len(made) >= count


def test_a_check_renders_a_fragment_once_for_each_edition_it_depends_on(monkeypatch):
    """A chapter whose figures are charts comes out the same for print and screen: a check
    renders it once for both (twice if it has a teacher box), not once per document."""
    from collections import Counter

    from chapbook.pipeline import check_layouts
    from chapbook.render.markdown_html import FragmentRenderer, edition_key

    book = prepare(REPO, BuildOptions(), Diagnostics())
    rendered: Counter[int] = Counter()
    real_render = FragmentRenderer.render
    monkeypatch.setattr(FragmentRenderer, "render", lambda self, fragment: (
        rendered.update([id(fragment)]), real_render(self, fragment))[1])
    check_layouts(book, book.config.style, Diagnostics())
    kinds = [RenderOptions(teacher=False), RenderOptions(teacher=True),
             RenderOptions(medium="screen")]
    # Chapters with a chart and no picture file (a picture file is a path in print and
    # embedded on screen, so a chapter holding one rightly renders once per medium).
    charted = [chapter.body for chapter in book.chapters if ("<svg" in chapter.body.text
               or any(child.type == "image" and "svg" in child.meta
                      for token in chapter.body.tokens for child in token.children or []))
               and edition_key(chapter.body, kinds[2])[1] is None]
    assert charted, "the booklet draws some chapters' figures as charts only"
    for fragment in book.fragments():
        if rendered[id(fragment)]:
            assert rendered[id(fragment)] == len({edition_key(fragment, kind)
                                                  for kind in kinds})
    assert all(rendered[id(body)] <= 2 for body in charted)
