"""The hyphenation patterns kept parsed in chapbook's cache (typeset/hyphenation.py): the
same hyphenation as pyphen's own parse, never a stale or a lossy copy."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyphen
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chapbook.typeset.hyphenation import kept_dictionary, load_patterns, plain_patterns

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = pyphen.LANGUAGES[pyphen.language_fallback("en")]


def _booklet_words() -> list[str]:
    text = " ".join(path.read_text(encoding="utf-8")
                    for path in sorted((ROOT / "chapters").glob("*.md")))
    return sorted(set(re.findall(r"[^\W\d_]{4,}", text)))


def test_the_kept_patterns_hyphenate_every_word_of_the_booklet_as_pyphen_does():
    parsed = pyphen.HyphDict(ENGLISH)
    kept_dictionary(ENGLISH, "hyphenation-test-en")  # parsed, and kept
    kept = kept_dictionary(ENGLISH, "hyphenation-test-en")  # read back
    assert kept is not parsed and kept.patterns == parsed.patterns
    assert kept.maxlen == parsed.maxlen
    words = _booklet_words()
    assert len(words) > 1000
    for word in words:
        assert kept.positions(word) == parsed.positions(word), word


_PARSED = pyphen.HyphDict(ENGLISH)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüéè-", min_size=1, max_size=30))
def test_any_word_is_hyphenated_as_pyphen_does(word):
    assert _kept_english().positions(word) == _PARSED.positions(word)


@functools.cache
def _kept_english() -> Any:
    """The English patterns as read back from what was kept (the first call parses them)."""
    kept_dictionary(ENGLISH, "hyphenation-test-en")
    return kept_dictionary(ENGLISH, "hyphenation-test-en")


def _python(code: str, cwd: Path) -> str:
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=cwd)
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.mark.slow
def test_the_patterns_are_read_once_per_process(tmp_path):
    """The layout host reads the booklet language's patterns before it forks its workers
    (typeset/host.py), so that none of them reads them again."""
    names = json.loads(_python(
        "import json, pyphen\n"
        "from chapbook.typeset.hyphenation import load_patterns\n"
        "load_patterns('en'); load_patterns('en-GB'); load_patterns('xx-unknown')\n"
        "print(json.dumps(sorted(p.name for p in pyphen.hdcache)))\n", tmp_path))
    assert ENGLISH.name in names
    assert len(names) == len({pyphen.LANGUAGES[pyphen.language_fallback(lang)].name
                              for lang in ("en", "en-GB")})


@pytest.mark.slow
def test_a_fresh_process_uses_the_kept_patterns_without_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(pyphen, "hdcache", {})  # as a fresh process finds it
    load_patterns("en")  # keeps them in this test's cache folder
    out = _python(
        "import pyphen\n"
        "def refuse(self, path): raise AssertionError('parsed again')\n"
        "pyphen.HyphDict.__init__ = refuse\n"
        "from chapbook.typeset.hyphenation import load_patterns\n"
        "load_patterns('en')\n"
        "print(pyphen.Pyphen(lang='en').inserted('hyphenation'))\n", tmp_path)
    assert out.strip() == pyphen.Pyphen(lang="en").inserted("hyphenation")


def test_a_changed_dictionary_is_parsed_again(tmp_path):
    dic = tmp_path / "hyph_xx.dic"
    dic.write_text("UTF-8\n1ba\n", encoding="utf-8")
    first = kept_dictionary(dic, "hyphenation-test-changed")
    assert kept_dictionary(dic, "hyphenation-test-changed").patterns == first.patterns
    dic.write_text("UTF-8\n1ba\n1ca\n", encoding="utf-8")
    assert "ca" in kept_dictionary(dic, "hyphenation-test-changed").patterns


def test_nonstandard_hyphenation_is_never_kept_lossily(tmp_path):
    """Such patterns carry data JSON would drop: they are parsed every time, as pyphen does."""
    dic = tmp_path / "hyph_yy.dic"
    dic.write_text("UTF-8\nc1k/k=k,1,1\n1ba\n", encoding="utf-8")
    parsed = pyphen.HyphDict(dic)
    assert plain_patterns(parsed) is None
    for _ in range(2):
        dictionary = kept_dictionary(dic, "hyphenation-test-alternative")
        positions = dictionary.positions("backer")
        assert positions == parsed.positions("backer")
        assert [p.data for p in positions] == [p.data for p in parsed.positions("backer")]
        assert any(p.data for p in positions)


def test_a_booklets_own_words_break_only_where_it_says(tmp_path):
    """``hyphenation = ["Sauer-stoff"]`` in chapbook.toml, as LaTeX's ``\\hyphenation``: the
    patterns' "Sau-er-stoff" gives way, even in a capitalised word, and the next build
    without the setting breaks the word as the patterns do again."""
    from weasyprint import HTML

    words = "Der ganze Sauerstoff und der Sauerstoff. " * 4
    page = "".join(f"<p style='width: {width}mm; font: 10pt serif; hyphens: auto'>{words}</p>"
                   for width in range(14, 40))
    html = f"<html lang='de'><body>{page}</body></html>"

    def breaks() -> set[str]:
        pdf = tmp_path / "p.pdf"
        HTML(string=html).write_pdf(pdf)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        return {line.split()[-1] for line in text.splitlines()
                if line.rstrip().endswith("\u2010")}

    load_patterns("de", ["Sauer-stoff"])
    try:
        assert pyphen.Pyphen(lang="de").positions("Sauerstoff") == [5]
        assert breaks() == {"Sauer\u2010"}
    finally:
        load_patterns("de")
    assert pyphen.Pyphen(lang="de").positions("Sauerstoff") != [5]
    assert "Sau\u2010" in breaks()


def test_the_books_rules_replace_a_dictionary_pyphen_parsed_before_them(monkeypatch):
    """WeasyPrint, called in the same process before chapbook loaded a language (a test's
    own layout), leaves pyphen's plain dictionary in its table: British patterns for "en",
    names broken. chapbook's patterns and rules take its place."""
    from chapbook.typeset.hyphenation import BookHyphenation

    monkeypatch.setattr(pyphen, "hdcache", {})
    path = pyphen.LANGUAGES[pyphen.language_fallback("en")]
    pyphen.Pyphen(lang="en")  # as WeasyPrint does on its first hyphenated English line
    assert not isinstance(pyphen.hdcache[path], BookHyphenation)
    load_patterns("en")
    assert isinstance(pyphen.hdcache[path], BookHyphenation)
    assert pyphen.Pyphen(lang="en").positions("Siegelbaum") == []
