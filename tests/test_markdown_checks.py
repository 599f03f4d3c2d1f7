"""Tables numbered and captioned, malformed tables as errors, and warnings for what pandoc
would read as structure but chapbook prints as typed."""

from __future__ import annotations

import re
from pathlib import Path

from chapbook.diagnostics import Severity
from chapbook.pipeline import BuildOptions, build, check


def _append(root: Path, text: str) -> Path:
    chapter = root / "chapters/02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")
    return chapter


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
                if needle in line)


CAPTIONED = """
## Output {#sec:output}

As @tbl:coal shows in @sec:output.

{#tbl:coal}
| Year | Coal (Mt) |
|:-----|----------:|
| 1928 | 35.5 |
Table: Coal output, in millions of tonnes.

+-------+-------+
| a     | b     |
+=======+=======+
| 1     | 2     |
+-------+-------+

: A grid table, numbered after the first. {#tbl:grid}

See @tbl:grid.
"""


def test_captioned_tables_are_numbered_on_the_table_and_by_references(mini_project):
    _append(mini_project, CAPTIONED)
    result = build(mini_project, BuildOptions(format="html"))
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    html = result.outputs[0].read_text(encoding="utf-8")
    assert ('<caption><span class="figure-label">Table\u00a01.</span> Coal output, in millions '
            'of tonnes.</caption>') in html
    assert '<span class="figure-label">Table\u00a02.</span> A grid table' in html
    assert 'As <a class="xref" href="#tbl:coal">Table\u00a01</a> shows in <a class="xref" ' \
        'href="#sec:output">“Output”</a>' in html  # the heading's id after its title
    assert '<a class="xref" href="#tbl:grid">Table\u00a02</a>' in html
    assert '<th style="text-align:right">' in html  # alignment kept
    assert "Table: Coal" not in html


def test_a_delimiter_row_of_the_wrong_width_is_an_error_at_its_line(mini_project):
    chapter = _append(mini_project, "See @tbl:bad.\n\n{#tbl:bad}\n| a | b | c |\n"
                                    "| ---: | ---: |\n| 1 | 2 | 3 |\n")
    found = check(mini_project, BuildOptions())
    errors = [d for d in found if d.severity is Severity.ERROR]
    assert len(errors) == 1, [d.format() for d in found]  # not also "no id 'tbl:bad'"
    assert errors[0].file == "chapters/02-second.md"
    assert errors[0].line == _line_of(chapter, "| ---: | ---: |")
    assert "delimiter row has 2 columns but its header has 3" in errors[0].message


def test_an_id_on_a_paragraph_is_not_dropped_silently(mini_project):
    chapter = _append(mini_project, "{#tbl:lost}\nJust a paragraph.\n")
    errors = [d for d in check(mini_project, BuildOptions()) if d.severity is Severity.ERROR]
    assert [(d.line, "'tbl:lost'" in d.message) for d in errors] == [
        (_line_of(chapter, "Just a paragraph."), True)]


def test_a_grid_table_that_does_not_line_up_is_an_error(mini_project):
    chapter = _append(mini_project, "+---+---+\n| a | b |\n+---+--+\n")
    errors = [d for d in check(mini_project, BuildOptions()) if d.severity is Severity.ERROR]
    assert [d.line for d in errors] == [_line_of(chapter, "+---+---+")]
    assert "grid table cannot be read" in errors[0].message


UNSUPPORTED = """
## A heading

As \\cite{davies2002} shows. \\newpage

\\begin{tabular}{ll}
a & b \\\\
\\end{tabular}

`x`{=html} and [word]{style="color:red"}.

```{=latex}
\\vspace{1cm}
```
"""


def test_check_warns_of_what_pandoc_reads_and_chapbook_prints_as_typed(mini_project):
    chapter = _append(mini_project, UNSUPPORTED)
    warnings = [d for d in check(mini_project, BuildOptions())
                if d.severity is Severity.WARNING and d.file == "chapters/02-second.md"]
    places = {(d.line, d.column, d.message.split(": ")[0]) for d in warnings}
    cite = _line_of(chapter, "\\cite{")
    assert (cite, 4, "raw LaTeX '\\cite' is printed as typed") in places
    assert (cite, 29, "raw LaTeX '\\newpage' is printed as typed") in places
    assert (_line_of(chapter, "\\begin{tabular}"), 1,
            "raw LaTeX '\\begin{tabular}' is printed as typed") in places
    raw = _line_of(chapter, "`x`{=html}")
    assert (raw, 4, "raw {=html} code is printed as code, not as that format") in places
    assert (raw, 23, "the span attribute style is not used") in places
    assert any(d.startswith("a raw {=latex} block") for _, _, d in places), places
    assert len(warnings) == 6, [d.format() for d in warnings]


def test_pandoc_divs_links_and_lone_captions(mini_project):
    _append(mini_project, "::: {.note}\nA box in pandoc's form.\n:::\n")
    result = build(mini_project, BuildOptions(format="html"))
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    assert '<aside class="box box-note box-short">\n<p class="box-title">Note</p>\n<p>A box in ' \
        in result.outputs[0].read_text(encoding="utf-8")
    chapter = _append(mini_project, "::: {.warning}\nNot a box.\n:::\n\n"
                                    "[a link](https://example.com){.external}\n\n"
                                    "Table: A caption with no table.\n")
    found = [d for d in check(mini_project, BuildOptions()) if d.file == "chapters/02-second.md"
             and d.severity >= Severity.WARNING]
    assert sorted((d.line, d.message) for d in found) == sorted([
        (_line_of(chapter, "{.warning}"), "unknown box 'warning'"),
        (_line_of(chapter, "{.external}"), "the link attributes {.external} are printed as "
         "text"),
        (_line_of(chapter, "Table: A caption"), "a table caption with no table next to it is "
         "printed as a paragraph")]), [d.format() for d in found]


def test_grid_tables_nested_without_end_stop_at_a_depth():
    from chapbook.markdown.parser import markdown_parser
    from chapbook.markdown.table_tokens import MAX_TABLE_DEPTH

    lines = ["x"]
    for _ in range(300):  # each level a grid table in the one cell of the next
        width = max(len(line) for line in lines) + 2
        lines = ["+" + "-" * width + "+", *("| " + line.ljust(width - 2) + " |"
                                           for line in lines), "+" + "-" * width + "+"]
    tokens = markdown_parser("en").parse("\n".join(lines), {})
    assert sum(token.type == "table_open" for token in tokens) == MAX_TABLE_DEPTH + 1


def test_markdown_inside_an_html_block_is_a_warning(mini_project):
    chapter = _append(mini_project, "<table>\n<tr>\n<td>This is *emphasized*</td>\n"
                                    "<td>And **strong**</td>\n</tr>\n</table>\n")
    found = [d for d in check(mini_project, BuildOptions()) if d.file == "chapters/02-second.md"
             and d.severity is Severity.WARNING]
    assert [(d.line, d.column, d.message) for d in found] == [
        (_line_of(chapter, "*emphasized*"), 13,
         "Markdown inside an HTML block is printed as typed: '*emphasized*'")]


def test_a_lead_in_keeps_with_its_list_and_a_short_last_item_with_the_one_before(mini_project):
    """The classes the layouts keep together by: a paragraph that ends in a colon before a
    list, and a list's last item of a line or less."""
    _append(mini_project, "Three figures for one shift:\n\n"
                          "- 102 tonnes, the number printed in Pravda at the time\n"
                          "- 14.5 times the norm, as the encyclopedia gives it today\n"
                          "- four times?\n\n"
                          "A paragraph with no colon.\n\n- one\n- a last item that is long "
                          + "enough to fill more than one line of the booklet's measure " * 2
                          + "\n")
    result = build(mini_project, BuildOptions(format="html"))
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    html = result.outputs[0].read_text(encoding="utf-8")
    assert '<p class="lead-in">Three figures for one shift:</p>' in html
    assert re.search(r'<li class="last-short">\s*four times\?\s*</li>', html)
    assert "<p>A paragraph with no colon.</p>" in html
    assert re.search(r"<li>\s*a last item that is long", html)  # more than a line: no class
