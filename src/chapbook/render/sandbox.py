"""The environment layouts render in: Jinja2's sandbox, with bounded work.

A booklet's ``layouts/`` folder comes with the booklet, from a colleague or a student, and
``chapbook check`` renders it on every save. Its templates may describe pages and nothing
else: Jinja2's :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment` refuses the attribute
walks that reach Python (``cycler.__init__.__globals__``) and the changing of values, and this
module gives the templates only the filters and the one global (``range``) the layouts use.

The sandbox bounds no work, so this does, as one budget per render: the items of every
``range`` together, the size of a string or list made by ``*``, ``%`` or padding, and the
exponent of ``**``. A template that goes over any of them stops with a layout error at its
line, instead of hanging ``check`` or exhausting memory.
"""

from __future__ import annotations

import contextlib
import contextvars
import operator
import os
import posixpath
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from ..files import Refused, read_limited

#: Items all the ``range()`` calls of one render may give together: a handout's answer
#: lines need a few hundred.
MAX_RANGE_ITEMS = 100_000
#: Characters (or items) a string or list made inside a template may have.
MAX_MADE_SIZE = 1_000_000
#: The largest exponent of ``**``.
MAX_EXPONENT = 1_000

#: The filters the layouts use, and the few plain ones a restyled layout is likely to want;
#: none of them can make more text than it is given, except through the checks below.
FILTERS = ("abs", "capitalize", "count", "default", "d", "e", "escape", "first", "float",
           "groupby", "int", "join", "last", "length", "list", "lower", "max", "min",
           "replace", "reverse", "round", "safe", "sort", "string", "striptags", "sum",
           "title", "trim", "truncate", "unique", "upper")

_DICT_NAMES = frozenset(dir(dict))

#: str methods that pad a string to a width the template chooses.
_PADDING = {"center", "ljust", "rjust", "zfill", "expandtabs"}

_range_left: contextvars.ContextVar[int] = contextvars.ContextVar("range_left",
                                                                   default=MAX_RANGE_ITEMS)


class LayoutLimit(SecurityError):
    """A template went over one of the bounds above."""


def bounded_range(*args: int) -> Iterator[int]:
    """``range``, counted against the render's budget as items are taken."""
    numbers = range(*args)
    left = _range_left.get()
    if len(numbers) > left:
        raise LayoutLimit(f"range() of {len(numbers)} items: a layout may loop over at most "
                          f"{MAX_RANGE_ITEMS} items in all")
    _range_left.set(left - len(numbers))
    return iter(numbers)


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, list, tuple, bytes)) else None


class LayoutSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with the bounds of this module."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        # The layouts read chapbook's views, which are dicts: ``chapter.title`` is an item.
        # Jinja2 tries the attribute first and, as a dict has none of that name, then the
        # item, through an exception each time (four times the layouts' own time in the
        # sandbox); going to the item at once gives the same value, as long as the name is
        # not one of dict's own (``items``), which goes the usual way.
        if type(obj) is dict and attribute in obj and attribute not in _DICT_NAMES:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def call_binop(self, context: jinja2.runtime.Context, operator_: str, left: Any,
                   right: Any) -> Any:
        if operator_ == "*":
            for sized, times in ((left, right), (right, left)):
                size = _size(sized)
                if size is not None and isinstance(times, int) and size * times > MAX_MADE_SIZE:
                    raise LayoutLimit(f"a string or list of {size * times} items: over the "
                                      f"limit of {MAX_MADE_SIZE}")
        elif operator_ == "**":
            if isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
                raise LayoutLimit(f"an exponent of {right}: over the limit of {MAX_EXPONENT}")
        elif operator_ == "%" and isinstance(left, str):
            result = operator.mod(left, right) if len(left) < MAX_MADE_SIZE else None
            if result is None or len(result) > MAX_MADE_SIZE:
                raise LayoutLimit("a formatted string over the limit of "
                                  f"{MAX_MADE_SIZE} characters")
            return result
        return super().call_binop(context, operator_, left, right)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any,  # noqa: N805
             *args: Any, **kwargs: Any) -> Any:
        if (getattr(__obj, "__name__", "") in _PADDING
                and isinstance(getattr(__obj, "__self__", None), str)):
            width = args[0] if args else 0
            if isinstance(width, int) and width > MAX_MADE_SIZE:
                raise LayoutLimit(f"a string padded to {width} characters: over the limit "
                                  f"of {MAX_MADE_SIZE}")
        return super().call(__context, __obj, *args, **kwargs)


#: A template larger than this is not a page layout.
MAX_TEMPLATE_BYTES = 1_000_000


class LayoutRefused(jinja2.TemplateError):
    """A template the project's file rule refuses (files.py), at its file."""

    def __init__(self, message: str, filename: str):
        super().__init__(message)
        self.filename = self.name = filename
        self.lineno = 0


class LayoutLoader(jinja2.FileSystemLoader):
    """Jinja2's file loader, reading by the project's rule: a template (or a link to one)
    must lie inside the folder it is found in once links are followed, be a regular file
    and not too large. The first folder that holds the name is the one used, so a refused
    template in the project is an error, not a quiet fall back to the default."""

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for searchpath in self.searchpath:
            filename = posixpath.join(searchpath, *pieces)
            if os.path.lexists(filename):
                break
        else:
            paths = ", ".join(repr(p) for p in self.searchpath)
            raise jinja2.TemplateNotFound(template, f"{template!r} not found in search "
                                          f"paths: {paths}")
        try:
            contents = read_limited(Path(filename), MAX_TEMPLATE_BYTES,
                                    Path(searchpath)).decode(self.encoding)
        except Refused as exc:
            raise LayoutRefused(f"the template is refused: {exc}", filename) from None
        except UnicodeDecodeError:
            raise LayoutRefused("the template is not UTF-8 text", filename) from None
        mtime = os.path.getmtime(filename)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(filename) == mtime
            except OSError:
                return False

        return contents, os.path.normpath(filename), uptodate


class KeptTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja2's cache of compiled templates, failing safe: an entry that does not read back
    (cut short by a full disk, garbled) is dropped and the template compiled again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - any damage means: compile again
            bucket.reset()
            with contextlib.suppress(OSError):
                os.unlink(self._get_cache_filename(bucket))


def sandbox(loader: jinja2.BaseLoader, bytecode_cache: jinja2.BytecodeCache | None,
            **settings: Any) -> LayoutSandbox:
    env = LayoutSandbox(loader=loader, undefined=jinja2.StrictUndefined,
                        bytecode_cache=bytecode_cache, **settings)
    env.filters = {name: env.filters[name] for name in FILTERS}
    env.globals = {"range": bounded_range}
    return env


def render_bounded(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render with a fresh budget; a template that recurses without end (a macro that calls
    itself, a template that includes itself) is a :class:`LayoutLimit` too."""
    token = _range_left.set(MAX_RANGE_ITEMS)
    try:
        return template.render(context)
    except RecursionError as exc:
        # the traceback is kept: its frames name the template line that recursed
        raise LayoutLimit("the layout calls or includes itself without end"
                          ).with_traceback(exc.__traceback__) from None
    finally:
        _range_left.reset(token)
