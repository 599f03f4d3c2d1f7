"""Citation styles: TOML files a teacher can copy to ``layouts/styles/`` and edit.

A style is found by name in a list of directories, the project's ``layouts/styles``
first and the package's defaults last, so a house style that copies ``apa.toml`` and
changes one line wins over the shipped one. The file format is described at the top
of each shipped style; :class:`Style` is its parsed form.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from chapbook.citations.locale import CslLocale
from chapbook.citations.names import NameFormat
from chapbook.citations.template import TemplateError, parse
from chapbook.files import Refused, read_limited

DEFAULT_STYLE_DIR = Path(__file__).resolve().parent.parent / "layouts" / "styles"
DEFAULT_STYLE = "chicago-author-date"
ALIASES = {
    "chicago": "chicago-author-date",
    "chicago-notes-bibliography": "chicago-notes",
    "chicago-nb": "chicago-notes",
    "apa7": "apa",
    "modern-language-association": "mla",
    "mla9": "mla",
    "harvard-cite-them-right": "harvard",
    "cite-them-right": "harvard",
}


def available_styles(search_dirs: list[Path] | None = None) -> list[str]:
    """The names of the style files in ``search_dirs`` (the shipped ones by default):
    a new style is a new file and nothing else."""
    dirs = search_dirs or [DEFAULT_STYLE_DIR]
    return sorted({p.stem for d in dirs if d.is_dir() for p in d.glob("*.toml")})


class StyleError(ValueError):
    """A style that cannot be found or read; the message names the file, ``path`` is it
    (None when no file was found)."""

    def __init__(self, message: str, path: Path | None = None):
        super().__init__(message)
        self.path = path


#: A style file is a page or two of settings.
_MAX_STYLE_BYTES = 1_000_000


@dataclass
class Style:
    """A parsed style file."""

    name: str
    title: str
    path: Path
    is_note_style: bool
    options: dict[str, object]
    names: dict[str, NameFormat]
    terms: dict[str, str]
    locator_labels: dict[str, tuple[str, str]]
    macros: dict[str, str]
    citation: dict[str, str]
    bibliography: dict[str, str]  # entry type -> template ("default" as fallback)
    notes: dict[str, str] = field(default_factory=dict)  # note styles: type -> first note
    type_aliases: dict[str, str] = field(default_factory=dict)
    kind_macros: dict[str, dict[str, str]] = field(default_factory=dict)  # [macros.KIND]
    required: dict[str, list[str]] = field(default_factory=dict)
    reference_title: str = "References"  # the heading of the list ("Works Cited")
    label: str = ""  # the style in a sentence ("the MLA Handbook (9th edition)")
    #: The CSL locale whose words and dates the style prints in (citations/locale.py);
    #: None for the style's own English.
    locale: CslLocale | None = None

    def macros_for(self, kind: str) -> dict[str, str]:
        """The macros, with a ``[macros.KIND]`` table's overrides for this kind of entry."""
        if kind not in self.kind_macros:
            return self.macros
        return {**self.macros, **self.kind_macros[kind]}

    def option(self, name: str, default: object = None) -> object:
        return self.options.get(name, default)

    def kind(self, entry_type: str, subtype: str = "") -> str:
        """The template name for an entry: ``article-newspaper`` before ``article``."""
        if subtype:
            specific = f"{entry_type}-{subtype.lower()}"
            specific = self.type_aliases.get(specific, specific)
            if specific in self.bibliography or specific in self.notes:
                return specific
        return self.type_aliases.get(entry_type, entry_type)

    def template_for(self, table: dict[str, str], entry_type: str, subtype: str = "") -> str:
        """The template for an entry: its subtype's (``article-newspaper``), else its own
        type's, else its alias's (a Chicago ``inproceedings`` is a chapter, with its
        own bibliography template), else ``default``."""
        kind = self.kind(entry_type, subtype)
        alias = self.type_aliases.get(entry_type, entry_type)
        for name in ((kind,) if kind != alias else ()) + (entry_type, alias):
            if name in table:
                return table[name]
        return table.get("default", "")

    def term(self, name: str) -> str:
        return self.terms.get(name, "")


_KINDS = {int: "a whole number", bool: "true or false", str: "text in quotes"}


def style_search_dirs(project_root: Path | None = None, layout: str = "layouts") -> list[Path]:
    """The project's ``<layout>/styles`` (if any) before the package's defaults."""
    dirs: list[Path] = []
    if project_root is not None and layout:  # none when the project's was refused
        dirs.append(project_root / layout / "styles")
    dirs.append(DEFAULT_STYLE_DIR)
    return dirs


def find_style_file(name: str, search_dirs: list[Path]) -> Path:
    """The first ``NAME.toml`` in the search dirs; a path to a file is used as is."""
    candidate = Path(name)
    if candidate.suffix == ".toml" and candidate.is_file():
        return candidate
    wanted = ALIASES.get(name, name)
    for directory in search_dirs:
        path = directory / f"{wanted}.toml"
        if path.is_file():
            return path
    available = available_styles(search_dirs)
    raise StyleError(f"no citation style named '{name}'; available: {', '.join(available)}")


def load_style(name: str, search_dirs: list[Path] | None = None) -> Style:
    """Load a style by name (or path), the project's copy first."""
    path = find_style_file(name, search_dirs or [DEFAULT_STYLE_DIR])
    stat = path.stat()
    return _load_style_file(str(path), stat.st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _load_style_file(path_text: str, _mtime: int) -> Style:
    path = Path(path_text)
    try:
        # files.py's rule: a regular file, not a link out of the folder it was found in
        data = tomllib.loads(read_limited(path, _MAX_STYLE_BYTES, path.parent).decode("utf-8"))
    except RecursionError:
        raise StyleError(f"{path}: values are nested too deeply", path) from None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError, Refused) as exc:
        raise StyleError(f"{path}: cannot read style: {exc}", path) from None
    if not data:
        raise StyleError(f"{path}: the style file is empty", path)
    try:
        return _style_from(path, data)
    except StyleError:
        raise
    except (AttributeError, TypeError, ValueError) as exc:
        raise StyleError(f"{path}: a table or value of the wrong kind ({exc})", path) from None


def _style_from(path: Path, data: dict) -> Style:
    info = data.get("style", {})
    names: dict[str, NameFormat] = {}
    known = {f.name for f in fields(NameFormat)}
    for profile, settings in data.get("names", {}).items():
        unknown = set(settings) - known
        if unknown:
            raise StyleError(f"{path}: [names.{profile}] has unknown keys: "
                             f"{', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}",
                             path)
        for key, value in settings.items():
            default = getattr(NameFormat, key, None)
            if default is not None and type(value) is not type(default):
                raise StyleError(f"{path}: [names.{profile}] {key} must be "
                                 f"{_KINDS[type(default)]}, not {value!r}", path)
        names[profile] = NameFormat(**settings)
    labels = {k: (v[0], v[1]) if isinstance(v, list) else (v, v)
              for k, v in data.get("locator-labels", {}).items()}
    style = Style(
        name=path.stem,
        title=str(info.get("title", path.stem)),
        path=path,
        is_note_style=info.get("class", "in-text") == "note",
        options={k: v for k, v in info.items() if k not in ("title", "class")},
        reference_title=str(info.get("reference_title", "References")),
        label=str(info.get("label", info.get("title", path.stem))),
        names=names,
        terms={k: str(v) for k, v in data.get("terms", {}).items()},
        locator_labels=labels,
        macros={k: str(v) for k, v in data.get("macros", {}).items() if isinstance(v, str)},
        kind_macros={k: {n: str(t) for n, t in v.items()}
                     for k, v in data.get("macros", {}).items() if isinstance(v, dict)},
        citation={k: str(v) for k, v in data.get("citation", {}).items()},
        bibliography={k: str(v) for k, v in data.get("bibliography", {}).items()},
        notes={k: str(v) for k, v in data.get("notes", {}).items()},
        type_aliases={k: str(v) for k, v in data.get("types", {}).items()},
        required={k: list(v) for k, v in data.get("required", {}).items()},
    )
    tables = [("macros", style.macros), ("citation", style.citation),
              ("bibliography", style.bibliography), ("notes", style.notes)]
    tables += [(f"macros.{k}", v) for k, v in style.kind_macros.items()]
    for table_name, table in tables:
        for key, template in table.items():
            if not isinstance(template, str) or key in ("delimiter", "open", "close"):
                continue
            try:
                parse(template)
            except TemplateError as exc:
                raise StyleError(f"{path}: [{table_name}] {key}: {exc}", path) from exc
    return style
