"""The booklet's settings, read from ``chapbook.toml`` at the project root.

The file is the one place a curriculum author changes what is built, so an unknown key is an
error that lists the valid ones: a misspelt ``papersize`` silently ignored would print a whole
class set on the wrong paper.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from .diagnostics import Diagnostics, fatal, with_suggestion
from .files import Refused, check_name, output_folder, project_path, read_limited

CONFIG_NAME = "chapbook.toml"

#: Paper sizes a booklet may ask for; the layout's geometry for each is in render/html.py.
PAPERS = ("a4", "letter", "a5")
#: Where a chapter may open: ``right`` (a right-hand page, as in a bound book, with a blank
#: left page before it when needed) or ``any`` (the next page, as in a stapled booklet).
CHAPTER_OPENINGS = ("right", "any")


@dataclass
class Config:
    """Every setting a booklet can have, with the default a new booklet gets."""

    title: str = "Untitled booklet"
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)
    edition: str = ""
    date: str = ""
    language: str = "en"
    slug: str = ""
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    publisher: str = ""
    rights: str = ""
    chapters: list[str] = field(default_factory=list)
    bibliography: list[str] = field(default_factory=lambda: ["bibliography"])
    glossary: str = "chapters/glossary.yaml"
    timeline: str = ""
    style: str = "chicago-author-date"
    nocite: list[str] = field(default_factory=list)
    paper: str = "a4"
    #: ``right`` or ``any``; empty: ``any`` on A5 (a folded, stapled booklet), else ``right``.
    chapters_open: str = ""
    layout: str = "layouts"
    output: str = "build"
    #: Ruled answer lines under every review question in the booklet itself, as many as
    #: each question's ``lines`` (a question's ``booklet_lines`` overrides it).
    booklet_answer_lines: bool = False
    #: Words broken only where their hyphens say, in the booklet's language, as LaTeX's
    #: ``\\hyphenation``: ``["Sauer-stoff"]`` keeps "Sau-erstoff" off the page.
    hyphenation: list[str] = field(default_factory=list)
    #: The booklet's own wording of any fixed word (``[words]`` in chapbook.toml), over the
    #: language's locale file: ``summary = "In brief"``.
    words: dict[str, str] = field(default_factory=dict)

    root: Path = field(default=Path("."), repr=False)
    #: The paper chapbook.toml asks for, kept when ``--paper`` overrides ``paper``, so that
    #: an output's name can say it differs (finish/names.py).
    paper_setting: str = field(default="", repr=False)

    @property
    def chapter_opening(self) -> str:
        """Where chapters open: the setting, or the paper's default."""
        return self.chapters_open or ("any" if self.paper == "a5" else "right")

    @property
    def output_slug(self) -> str:
        return self.slug or slugify(self.title)

    def bibliography_files(self) -> list[Path]:
        """The .bib files of ``bibliography``: a folder stands for the .bib files in it."""
        paths: list[Path] = []
        for name in self.bibliography:
            path = self.root / name
            paths.extend(sorted(path.glob("*.bib")) if path.is_dir() else [path])
        return paths


CONFIG_KEYS = [f.name for f in fields(Config) if f.name not in ("root", "paper_setting")]

_LIST_KEYS = {"authors", "keywords", "chapters", "bibliography", "nocite", "hyphenation"}
_BOOL_KEYS = {"booklet_answer_lines"}


def slugify(text: str) -> str:
    """A file-name-safe form of a title, for the output's name.

    'The Stakhanovite Movement' -> 'the-stakhanovite-movement'.
    """
    slug = re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")
    # A long title still makes a name the file system can hold (255 bytes, with room for
    # '-teacher.pdf' and the like): cut at a word.
    while len(slug.encode("utf-8")) > _SLUG_BYTES:
        slug = slug.rsplit("-", 1)[0] if "-" in slug[1:] else slug[:-1]
    return slug or "booklet"


_SLUG_BYTES = 120


def find_project(start: Path) -> Path:
    """The booklet's folder for a command run in ``start``: ``start`` if it holds
    chapbook.toml, else the nearest folder above it that does, as git finds its repository
    from any subfolder (``chapbook check`` run in ``chapters/``). The folder found is given
    relative to ``start`` (``..``), so that what a command prints stays short. If no folder
    holds one, ``start``, and the error names it."""
    if (start / CONFIG_NAME).is_file():
        return start
    here = start.resolve()
    for up, folder in enumerate(here.parents, start=1):
        if (folder / CONFIG_NAME).is_file():
            if start.is_absolute():
                return folder
            return Path(os.path.normpath(start.joinpath(*([".."] * up))))
    return start


def _key_line(text: str, key: str) -> int:
    """The 1-based line where ``key`` is set, for messages; tomllib keeps no positions."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def load_config(root: Path, diagnostics: Diagnostics) -> Config:
    """Read and check ``chapbook.toml``; problems go to ``diagnostics``.

    A missing or unparsable file raises :class:`ChapbookError`: there is nothing to build.
    Bad values are reported and replaced by their defaults, so one run shows every problem.
    """
    path = root / CONFIG_NAME
    if not path.is_file():
        raise fatal(
            CONFIG_NAME,
            0,
            f"no {CONFIG_NAME} in {root.resolve()}",
            hint="run chapbook in a booklet's folder, or make one with 'chapbook init DIR'",
        )
    try:
        text = read_limited(path, _MAX_CONFIG_BYTES, root).decode("utf-8-sig")
    except Refused as exc:
        raise fatal(CONFIG_NAME, 0, str(exc), hint=exc.hint) from None
    except UnicodeDecodeError as exc:
        raise fatal(
            CONFIG_NAME,
            0,
            f"the file is not UTF-8 text (byte {exc.start}; it may have been saved as "
            "Windows-1251 or another legacy encoding)",
            hint=f"convert it, e.g. 'iconv -f WINDOWS-1251 -t UTF-8 {CONFIG_NAME} > tmp && "
            f"mv tmp {CONFIG_NAME}', or choose 'Save as… UTF-8' in your editor",
        ) from None
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise fatal(CONFIG_NAME, 0, "values are nested too deeply to read",
                    hint="a setting holds a list or table, not lists within lists") from None
    except tomllib.TOMLDecodeError as exc:
        # Python 3.14 gives the position as attributes; 3.11-3.13 only inside the message,
        # "(at line 2, column 6)" or "(at end of document)".
        line = getattr(exc, "lineno", 0) or 0
        col = getattr(exc, "colno", 0) or 0
        where = re.search(r" \(at (?:line (\d+), column (\d+)|end of document)\)$", str(exc))
        if where and not line:
            line = int(where[1]) if where[1] else max(1, text.count("\n") + 1)
            col = int(where[2]) if where[2] else 0
        message = str(exc)[:where.start()] if where else str(exc)
        raise fatal(CONFIG_NAME, line, f"not valid TOML: {message}", column=col) from None

    config = Config(root=root)
    book = data.pop("book", None)
    if isinstance(book, dict):  # a [book] table is accepted as well as top-level keys
        data = {**book, **data}
    for key, value in data.items():
        line = _key_line(text, key)
        if key not in CONFIG_KEYS:
            diagnostics.error(
                CONFIG_NAME,
                line,
                with_suggestion(f"unknown setting '{key}'", key, CONFIG_KEYS),
                hint="valid settings: " + ", ".join(CONFIG_KEYS),
            )
            continue
        if key == "words":
            _check_words(value, text, line, diagnostics)
            if isinstance(value, dict):
                config.words = {k: v for k, v in value.items() if isinstance(v, str)}
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        if key in _LIST_KEYS:
            if isinstance(value, str):
                value = [value]
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                diagnostics.error(CONFIG_NAME, line, f"'{key}' must be a list of strings")
                continue
        elif key in _BOOL_KEYS:
            if not isinstance(value, bool):
                diagnostics.error(CONFIG_NAME, line, f"'{key}' must be true or false")
                continue
        elif not isinstance(value, str):
            diagnostics.error(CONFIG_NAME, line, f"'{key}' must be a string")
            continue
        setattr(config, key, value)

    _check_choices(config, text, diagnostics)
    config.paper_setting = config.paper
    _check_paths(config, text, diagnostics)
    return config


#: chapbook.toml is a page of settings; anything larger is not one.
_MAX_CONFIG_BYTES = 1_000_000

#: The settings that name files or folders, each the project's own.
_PATH_KEYS = ("chapters", "bibliography", "glossary", "timeline", "layout", "output")


def _check_paths(config: Config, text: str, diagnostics: Diagnostics) -> None:
    """Every file or folder a setting names lies inside the project (files.py's rule); the
    slug is a plain file name. A refused value is reported and replaced by its default."""
    defaults = Config()
    for key in _PATH_KEYS:
        value = getattr(config, key)
        names = value if isinstance(value, list) else [value]
        kept = []
        for name in names:
            try:
                if name:
                    project_path(config.root, name)
                    if key == "output":
                        output_folder(config.root, name)
                kept.append(name)
            except Refused as exc:
                diagnostics.error(CONFIG_NAME, _key_line(text, key),
                                  f"'{key}' = {name!r} is refused: {exc}", hint=exc.hint)
        if key == "layout" and not kept:
            # The default may be the refused folder itself (a `layouts` link out): no
            # project layouts at all, chapbook's own only (layout_paths.py).
            config.layout = ""
            continue
        setattr(config, key, kept if isinstance(value, list) else
                (kept[0] if kept else getattr(defaults, key)))
    if config.style.endswith(".toml") or "/" in config.style or "\\" in config.style:
        try:
            config.style = str(project_path(config.root, config.style))
        except Refused as exc:
            diagnostics.error(CONFIG_NAME, _key_line(text, "style"),
                              f"'style' = {config.style!r} is refused: {exc}", hint=exc.hint)
            config.style = defaults.style
    if config.slug:
        try:
            check_name(config.slug)
            if "/" in config.slug or "\\" in config.slug or config.slug.startswith("."):
                raise Refused("a slug is a file name, not a path",
                              "use letters, digits and '-' only")
            if len(config.slug.encode("utf-8")) > _SLUG_BYTES:
                raise Refused(f"the slug is longer than {_SLUG_BYTES} bytes",
                              "use a shorter slug")
        except Refused as exc:
            diagnostics.error(CONFIG_NAME, _key_line(text, "slug"),
                              f"'slug' = {config.slug!r} is refused: {exc}", hint=exc.hint)
            config.slug = ""


def _check_words(value: object, text: str, line: int, diagnostics: Diagnostics) -> None:
    from .words import word_keys

    if not isinstance(value, dict):
        diagnostics.error(CONFIG_NAME, line, "'words' must be a table of words, e.g. "
                          "[words] then summary = \"In brief\"")
        return
    keys = word_keys()
    for key, word in value.items():
        where = _key_line(text, key) or line
        if key not in keys:
            diagnostics.error(CONFIG_NAME, where,
                              with_suggestion(f"unknown word '{key}' in [words]", key, keys),
                              hint="the keys are those of src/chapbook/locales/en.toml")
        elif not isinstance(word, str):
            diagnostics.error(CONFIG_NAME, where, f"the word '{key}' must be a string")


#: A word of ``hyphenation``: letters, with a hyphen at each place it may break.
_BROKEN_WORD = re.compile(r"[^\W\d_]+(-[^\W\d_]+)+")


def _check_choices(config: Config, text: str, diagnostics: Diagnostics) -> None:
    if config.paper not in PAPERS:
        diagnostics.error(
            CONFIG_NAME,
            _key_line(text, "paper"),
            f"unknown paper size '{config.paper}'",
            hint="use one of: " + ", ".join(PAPERS),
        )
        config.paper = "a4"
    if config.chapters_open and config.chapters_open not in CHAPTER_OPENINGS:
        diagnostics.error(
            CONFIG_NAME,
            _key_line(text, "chapters_open"),
            f"unknown value '{config.chapters_open}' for chapters_open",
            hint="use 'right' (chapters open on a right-hand page) or 'any' (on the next page)",
        )
        config.chapters_open = ""
    for word in config.hyphenation:
        if not _BROKEN_WORD.fullmatch(word):
            diagnostics.error(
                CONFIG_NAME,
                _key_line(text, "hyphenation"),
                f"'{word}' in hyphenation is not a word with its breaks marked",
                hint="write the word with a hyphen where it may break, e.g. \"Sauer-stoff\"",
            )
    config.hyphenation = [word for word in config.hyphenation if _BROKEN_WORD.fullmatch(word)]
    if not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]+)*", config.language):
        diagnostics.error(
            CONFIG_NAME,
            _key_line(text, "language"),
            f"'{config.language}' is not a language tag",
            hint="use a BCP 47 tag such as 'en', 'en-GB' or 'ru'",
        )
        config.language = "en"
