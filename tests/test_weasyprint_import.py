"""WeasyPrint is imported without cffi's library searches, and still loads where only they
find a library; font subsets and forked workers parse no C type again (typeset/internals.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

#: Builds PDFs or runs chapbook in subprocesses: left out of `pytest -m 'not slow'`.
pytestmark = pytest.mark.slow

COUNT_SEARCHES = """
import ctypes.util
searches = []
real = ctypes.util.find_library
def counted(name):
    searches.append(name)
    return real(name)
ctypes.util.find_library = counted
"""

#: Every C type cffi parses from here on, in ``parsed``.
COUNT_C_PARSES = """
import cffi.cparser as cparser
parsed = []
real = cparser.Parser.parse_type_and_quals
def counted(self, cdecl):
    parsed.append(cdecl)
    return real(self, cdecl)
cparser.Parser.parse_type_and_quals = counted
"""


def _run(script: str) -> str:
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    return done.stdout


def test_weasyprint_is_imported_without_searching_for_libraries():
    out = _run(COUNT_SEARCHES + """
import chapbook.typeset.engine
import weasyprint.text.ffi as ffi
assert ffi.pango is not None and ffi.harfbuzz_subset is not None
print("searches", len(searches))
""")
    assert out.strip() == "searches 0"


#: A system where Pango opens only under the name a search returns.
ONLY_A_SEARCH_FINDS_PANGO = """
import cffi.api
opened = cffi.api.FFI.dlopen
def dlopen(self, name, flags=0):
    if "pango-1.0" in str(name) and not str(name).startswith("/"):
        if ctypes.util.find_library is not counted:  # the quick import's stand-in
            raise OSError("not found under that name")
    return opened(self, name, flags)
cffi.api.FFI.dlopen = dlopen
"""


def test_a_library_only_a_search_finds_is_still_loaded():
    # The quick import fails, and the usual one (with its searches) is made instead, with
    # nothing printed.
    out = _run(COUNT_SEARCHES + ONLY_A_SEARCH_FINDS_PANGO + """
import chapbook.typeset.engine
import weasyprint.text.ffi as ffi
assert ffi.pango is not None
print("searches", len(searches) > 0)
""")
    assert out.strip() == "searches True"


def test_fonts_are_subset_without_parsing_a_c_type_per_array_size():
    """WeasyPrint names each glyph list's C type with its size, which cffi parses for every
    new size; the font module's arrays are the same without that."""
    out = _run("""
import chapbook.typeset.engine
import weasyprint.pdf.fonts as fonts
from weasyprint.text.ffi import ffi
""" + COUNT_C_PARSES + """
ours = fonts.ffi
checks = []
for size in (3, 1000, 1001, 4097):
    values = list(range(7, 7 + size))
    checks.append(list(ours.new(f"hb_codepoint_t[{size}]", values)) == values)
    checks.append(list(ours.new(f"hb_codepoint_t[{size}]")) == [0] * size)
    short = list(ours.new(f"hb_codepoint_t[ {size} ]", values[:2]))
    checks.append(short == values[:2] + [0] * (size - 2))
    checks.append(ours.typeof(ours.new(f"hb_codepoint_t[{size}]", values)) is
                  ffi.typeof("hb_codepoint_t[]"))
sizes_parsed = [cdecl for cdecl in parsed if any(ch.isdigit() for ch in cdecl)]
try:
    ours.new("hb_codepoint_t[2]", [1, 2, 3])
    too_many = "accepted"
except IndexError:
    too_many = "refused"
real_refuses = "refused"
try:
    ffi.new("hb_codepoint_t[2]", [1, 2, 3])
    real_refuses = "accepted"
except IndexError:
    pass
checks.append(ours.new("unsigned int *")[0] == 0 and ours.NULL == ffi.NULL)
print(all(checks), sizes_parsed, too_many, real_refuses)
""")
    assert out.split() == ["True", "[]", "refused", "refused"]


def test_a_worker_forked_from_the_host_parses_no_c_type():
    """The host has cffi parse the C types WeasyPrint needs to lay out and write a document
    (internals.parse_c_types, from workers.get_ready), so that a worker forked from it
    parses none."""
    out = _run("""
from chapbook.typeset import workers
from chapbook.typeset.engine import shared_fonts
workers.get_ready()
""" + COUNT_C_PARSES + """
from weasyprint import CSS, HTML
config, fonts = shared_fonts()
css = CSS(string="p { font-family: 'PT Serif'; hyphens: auto; width: 6em } "
                 "b { font-family: 'PT Sans' }", font_config=config)
html = ('<html lang="en"><p>Stakhanovite <b>extraordinarily</b> <i>incomprehensibilities</i> '
        '<a href="#x" id="x">link</a> Стахановец</p></html>')
HTML(string=html).render(stylesheets=[fonts, css], font_config=config).write_pdf(
    "/dev/null", pdf_variant="pdf/ua-1")
print(parsed)
""")
    assert out.strip() == "[]"
