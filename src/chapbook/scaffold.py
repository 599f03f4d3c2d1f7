"""New booklets and new chapters: what ``chapbook init`` and ``chapbook new chapter`` write.

A new booklet must build at once, so that the first thing a writer sees is a PDF, and its
sample chapter shows each thing a study chapter is made of (a citation, a glossary term, a
box, a review question) in the form the writer will copy. Editing ``chapbook.toml`` keeps the
writer's own text and comments: only the new chapter's line is added to ``chapters``.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import yaml

from .config import CONFIG_NAME, load_config, slugify
from .diagnostics import Diagnostics, fatal
from .layout_paths import PACKAGE_LAYOUTS
from .load.chapters import CHAPTER_NAME
from .output import write_atomic

CONFIG_TEMPLATE = '''\
# The booklet's settings. Every key is described in chapbook's README; an unknown key is an
# error that lists the valid ones.
title = {title}
subtitle = ""
authors = ["Your Name"]
edition = "Draft"
date = "{year}"
language = "en"                      # a BCP 47 tag: hyphenation and quotation marks
slug = {slug}                        # the output file: build/<slug>.pdf

# chapters = ["chapters/01-....md"]  # the reading order; default: chapters/NN-*.md by name
bibliography = ["bibliography"]      # .bib files, or folders of them
glossary = "chapters/glossary.yaml"
# timeline = "chapters/timeline.yaml"

style = "chicago-author-date"        # or chicago-notes, apa, mla
paper = "a4"                         # or letter, a5
layout = "layouts"                   # your overrides of the default templates and CSS
'''

SAMPLE_CHAPTER = '''\
---
title: Working with Sources
objectives:
  - Say where each fact in a text comes from, with a [citation]{.term}.
  - Read a table, a formula and a box.
summary: >
  A study text says where its facts come from, so that a reader can check them.
questions:
  - q: Why does a study text cite its sources?
    answer: So that a reader can find and check where each fact comes from.
    lines: 4                       # ruled answer lines on the student worksheet
---

## Where a fact comes from

Every subject builds on what others found, measured or wrote. A [citation]{.term} names
the work a fact comes from, so that a reader can look it up; the list of works at the
end of the booklet gives each one in full. Keep sentences short and plain
[@strunk1959, p. 23].

{#tbl:marks}
| What you write       | What the reader sees     |
|:---------------------|:-------------------------|
| `[@strunk1959]`      | a citation and its entry |
| `[citation]{.term}`  | a glossary term          |
| `$a^2 + b^2 = c^2$`  | $a^2 + b^2 = c^2$        |
| `H~2~O`, `10^3^`     | H~2~O, 10^3^             |

Table: What a few marks in a chapter become.

::: note "How to write a chapter"
Front matter between the `---` lines holds the title, the objectives and the review
questions. Cite with `[@key]`, mark glossary terms with `[term]{.term}`, and put boxes
between `:::` lines. Run `chapbook check` after each change, or `chapbook serve` to watch
the booklet change as you save.
:::
'''

SAMPLE_GLOSSARY = '''\
# The glossary: one entry per term. Mark a use in a chapter as [citation]{.term}.
citation:
  term: citation
  forms: [citations, cite]
  definition: A short note in the text that names the work a fact or a quotation comes
    from; the work itself is listed in full at the end.
'''

SAMPLE_BIBLIOGRAPHY = '''\
@book{strunk1959,
  author = {Strunk, William and White, E. B.},
  title = {The Elements of Style},
  publisher = {Macmillan},
  address = {New York},
  year = {1959}
}
'''

LAYOUTS_README = '''\
Your overrides of chapbook's layouts go in this folder.

A file here replaces chapbook's default of the same name. Run

    chapbook layouts

to copy all the defaults (templates, stylesheets, citation styles in styles/) into this
folder, then edit the ones you want to change and delete the others. The defaults live in
the installed chapbook package, in its layouts folder:
{package_layouts}
(src/chapbook/layouts/ in chapbook's source). CSS in a file named extra.css is added after
the default stylesheet, so small changes need no copy at all.
'''

GITIGNORE = "build/\n"

CHAPTER_TEMPLATE = '''\
---
title: {title}
objectives:
  - Describe ...
questions:
  - q: A review question?
    answer: The model answer, printed only in the teacher edition.
---

Write the chapter here.
'''


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def project_files(title: str, year: str) -> dict[str, str]:
    """The files of a new booklet, by path relative to its folder."""
    return {
        CONFIG_NAME: CONFIG_TEMPLATE.format(title=_toml_string(title),
                                            slug=_toml_string(slugify(title)), year=year),
        "chapters/01-working-with-sources.md": SAMPLE_CHAPTER,
        "chapters/glossary.yaml": SAMPLE_GLOSSARY,
        "bibliography/references.bib": SAMPLE_BIBLIOGRAPHY,
        "layouts/README.txt": LAYOUTS_README.format(package_layouts=PACKAGE_LAYOUTS),
        ".gitignore": GITIGNORE,
    }


def init_project(target: Path, title: str | None = None) -> list[Path]:
    """Write a new booklet into ``target`` (created if needed); never overwrite a file."""
    import datetime as dt

    if title is None:
        title = target.resolve().name.replace("-", " ").replace("_", " ").strip().title()
        title = title or "My Booklet"
    files = project_files(title, str(dt.date.today().year))
    if (target / CONFIG_NAME).exists():
        raise fatal(f"{target}/{CONFIG_NAME}", 0, "there is already a booklet here",
                    hint="choose a new folder, e.g. 'chapbook init my-booklet'")
    if target.exists() and not target.is_dir():
        raise fatal(str(target), 0, "this is a file, not a folder",
                    hint="give the name of a new folder")
    clashes = [name for name in files if (target / name).exists()]
    if clashes:
        raise fatal(f"{target}/{clashes[0]}", 0, "the file already exists; nothing was written",
                    hint="choose a new or empty folder")
    written = []
    for name, text in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
        written.append(path)
    return written


@dataclass
class NewChapter:
    path: Path
    rel: str
    #: True when the chapter was also added to ``chapters`` in chapbook.toml.
    listed: bool


def new_chapter(root: Path, title: str) -> NewChapter:
    """Add the next numbered chapter file, and list it in chapbook.toml if it has a list."""
    title = title.strip()
    if not title:
        raise fatal("chapters", 0, "the chapter needs a title",
                    hint='chapbook new chapter "The Record Shift"')
    config = load_config(root, Diagnostics())
    names = [Path(n).name for n in config.chapters]
    folder = root / "chapters"
    if folder.is_dir():
        names += [p.name for p in folder.glob("*.md")]
    numbers = [int(m.group("num")) for m in map(CHAPTER_NAME.match, names) if m]
    number = max(numbers, default=0) + 1
    rel = f"chapters/{number:02d}-{slugify(title)}.md"
    path = root / rel
    if path.exists():
        raise fatal(rel, 0, "the file already exists")

    config_text = None
    if config.chapters:
        config_path = root / CONFIG_NAME
        original = config_path.read_bytes().decode("utf-8-sig")
        config_text = add_to_chapters_list(original, rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    front_title = title if _plain_yaml(title) else json.dumps(title, ensure_ascii=False)
    write_atomic(path, CHAPTER_TEMPLATE.format(title=front_title))
    if config_text is not None:  # the writer's own file: whole or not at all
        write_atomic(root / CONFIG_NAME, config_text)
    return NewChapter(path, rel, listed=config_text is not None)


def _plain_yaml(text: str) -> bool:
    """Whether ``title: text`` reads back as exactly this text without quotes."""
    try:
        return yaml.safe_load(f"title: {text}") == {"title": text}
    except yaml.YAMLError:
        return False


# -- editing the chapters list in chapbook.toml ----------------------------------------------

_CHAPTERS_KEY = re.compile(r"^[ \t]*chapters[ \t]*=[ \t]*", re.MULTILINE)


def _skip_string(text: str, i: int) -> int:
    """The index after the TOML string starting at ``text[i]`` (basic or literal, 1 or 3)."""
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        return len(text) if end < 0 else end + 3
    j = i + 1
    while j < len(text) and text[j] not in (quote, "\n"):
        j += 2 if quote == '"' and text[j] == "\\" else 1
    return j + 1


def add_to_chapters_list(text: str, rel: str) -> str:
    """``text`` with ``rel`` appended to its ``chapters`` array, all else left as written."""
    before = tomllib.loads(text)
    old = before.get("chapters", before.get("book", {}).get("chapters"))
    match = _CHAPTERS_KEY.search(text)
    if match is None or old is None:
        raise fatal(CONFIG_NAME, 0, "cannot find the 'chapters' setting to add the chapter to",
                    hint=f'add "{rel}" to chapters yourself')
    start = match.end()
    entry = _toml_string(rel)
    if text[start] in "\"'":  # chapters = "one.md"
        end = _skip_string(text, start)
        new = text[:start] + f"[{text[start:end]}, {entry}]" + text[end:]
    elif text[start] == "[":
        last_end = None  # just after the last element
        i = start + 1
        while i < len(text) and text[i] != "]":
            if text[i] in "\"'":
                i = _skip_string(text, i)
                last_end = i
            elif text[i] == "#":
                newline = text.find("\n", i)
                i = len(text) if newline < 0 else newline
            else:
                i += 1
        close = i
        if last_end is None:
            new = text[:start] + f"[{entry}]" + text[close + 1:]
        else:
            line_start = text.rfind("\n", 0, last_end) + 1
            line_end = text.find("\n", last_end)
            line_text = text[line_start:]
            indent = line_text[:len(line_text) - len(line_text.lstrip(" \t"))]
            if line_end < 0 or close < line_end:  # '"b.md"]': add on the same line
                new = text[:last_end] + f", {entry}" + text[last_end:]
            elif re.match(r"[ \t]*,", text[last_end:]):  # trailing comma: one more line
                new = text[:line_end + 1] + f"{indent}{entry},\n" + text[line_end + 1:]
            else:  # keep a comment after the last element on its line
                new = (text[:last_end] + "," + text[last_end:line_end] + f"\n{indent}{entry}"
                       + text[line_end:])
    else:
        raise fatal(CONFIG_NAME, text.count("\n", 0, start) + 1,
                    "'chapters' is not a list of file names",
                    hint=f'add "{rel}" to chapters yourself')
    after = tomllib.loads(new)
    listed = after.get("chapters", after.get("book", {}).get("chapters"))
    expected = ([old] if isinstance(old, str) else list(old)) + [rel]
    if listed != expected:  # never write a config that means something else
        raise fatal(CONFIG_NAME, 0, "could not add the chapter to 'chapters' safely",
                    hint=f'add "{rel}" to chapters yourself')
    return new
