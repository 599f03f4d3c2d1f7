"""WeasyPrint is imported without cffi's library searches, and still loads where only they
find a library (typeset/libraries.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

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


#: A system where Pango opens only under the name a search returns, for WeasyPrint's FFI
#: parsed in-line (cffi's ``FFI.dlopen``) or compiled (typeset/compiled_ffi.py, whose
#: stand-in's ``dlopen`` while WeasyPrint is imported).
ONLY_A_SEARCH_FINDS_PANGO = {
    "parsed": """
import cffi.api
import chapbook.typeset.compiled_ffi as compiled
compiled._compiled = lambda source: None
opened = cffi.api.FFI.dlopen
def dlopen(self, name, flags=0):
    if "pango-1.0" in str(name) and not str(name).startswith("/"):
        if ctypes.util.find_library is not counted:  # the quick import's stand-in
            raise OSError("not found under that name")
    return opened(self, name, flags)
cffi.api.FFI.dlopen = dlopen
""",
    "compiled": """
import chapbook.typeset.compiled_ffi as compiled
opened = compiled._StandIn.dlopen
def dlopen(self, library, flags=0):
    if "pango-1.0" in str(library) and ctypes.util.find_library is not counted:
        raise OSError("not found under that name")
    return opened(self, library, flags)
compiled._StandIn.dlopen = dlopen
""",
}


@pytest.mark.parametrize("ffi_kind", sorted(ONLY_A_SEARCH_FINDS_PANGO))
def test_a_library_only_a_search_finds_is_still_loaded(ffi_kind):
    # The quick import fails, and the usual one (with its searches) is made instead, with
    # nothing printed.
    out = _run(COUNT_SEARCHES + ONLY_A_SEARCH_FINDS_PANGO[ffi_kind] + """
import chapbook.typeset.engine
import weasyprint.text.ffi as ffi
assert ffi.pango is not None
print("searches", len(searches) > 0)
""")
    assert out.strip() == "searches True"


def test_fonts_are_subset_without_parsing_a_c_type_per_array_size():
    """WeasyPrint names each glyph list's C type with its size; cffi parsed every new size
    (5 ms each, twice per font). The font module's arrays are the same without it."""
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
    (typeset/workers.py get_ready), so that a worker forked from it parses none."""
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


def test_weasyprint_is_imported_without_fonttools():
    out = _run("""
import sys
import chapbook.typeset.engine
import weasyprint.pdf.fonts
print(sorted(name for name in sys.modules if name.startswith("fontTools")))
""")
    assert out.strip() == "[]"


#: A PDF laid out with a WOFF copy of PT Serif, made by fontTools (WOFF 1 needs only zlib),
#: and written with fontTools' subsetter instead of HarfBuzz's: both go through fontTools
#: names WeasyPrint took as stand-ins (later_fonttools.py). Prints the fonts in the PDF.
WOFF_AND_FONTTOOLS_SUBSETTER = """
import io, pathlib, re, sys, tempfile
import chapbook.typeset.engine
import weasyprint, weasyprint.pdf.fonts as pdf_fonts
from chapbook.resolve.fonts import font_files
assert not [name for name in sys.modules if name.startswith("fontTools")]
pdf_fonts.harfbuzz_subset = None
folder = pathlib.Path(tempfile.mkdtemp())
serif = next(path for family, weight, style, path in font_files()
             if family == "PT Serif" and weight == 400 and style == "normal")
from fontTools.ttLib import TTFont
font = TTFont(serif)
font.flavor = "woff"
font.save(folder / "serif.woff")
html = weasyprint.HTML(string='''<style>@font-face { font-family: Woffed;
    src: url(serif.woff) format("woff") } p { font-family: Woffed }</style>
    <p>Stakhanov's shift</p>''', base_url=str(folder) + "/")
pdf = html.write_pdf(uncompressed_pdf=True)
print(sorted(set(re.findall(rb"/BaseFont /[A-Z]{6}\\+([^/\\s]+)", pdf))))
print(pdf_fonts.TTLibError.__module__, type(pdf_fonts.TTFont).__name__)
"""


def test_fonts_that_need_fonttools_still_work():
    lines = _run(WOFF_AND_FONTTOOLS_SUBSETTER).splitlines()
    assert lines[0] == "[b'Woffed']"  # laid out in the WOFF font, and embedded
    # once used, WeasyPrint holds fontTools' own names, not the stand-ins
    assert lines[1] == "fontTools.ttLib type"


#: Lays out and writes a page of the booklet's fonts; prints where WeasyPrint's FFI came
#: from, whether pycparser was imported, and the PDF's digest.
LAYOUT_WITH_THE_FFI = """
import hashlib, sys
import chapbook.typeset.engine as engine
import weasyprint.text.ffi
html = weasyprint.HTML(string='<p style="font-family: PT Serif">Стаханов, 1935: '
                       '<b>102 tonnes</b> <i>in one shift</i></p>')
config, fonts = engine.shared_fonts()
pdf = html.render(stylesheets=[fonts], font_config=config).write_pdf()
print(type(weasyprint.text.ffi.ffi).__module__, "pycparser" in sys.modules,
      hashlib.sha256(pdf).hexdigest())
"""


def test_weasyprint_declarations_are_compiled_once_and_give_the_same_pdf(tmp_path):
    import os

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}

    def run(script: str) -> list[str]:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True,
                              text=True, check=True, env=env)
        return done.stdout.split()

    parsed = run("import chapbook.typeset.compiled_ffi as c\n"
                 "c._compiled = lambda source: None\n" + LAYOUT_WITH_THE_FFI)
    assert parsed[:2] == ["cffi.api", "True"]
    first = run(LAYOUT_WITH_THE_FFI)  # compiles them, for the next process
    (compiled,) = tmp_path.glob("chapbook/ffi-*/_chapbook_ffi_*.py")
    again = run(LAYOUT_WITH_THE_FFI)
    assert again[:2] == ["_cffi_backend", "False"]  # nothing parsed
    assert first[2] == again[2] == parsed[2]  # the same PDF, byte for byte
    compiled.write_text("this is not Python(", encoding="utf-8")
    damaged = run(LAYOUT_WITH_THE_FFI)
    assert damaged[1:] == ["True", parsed[2]]  # parsed again, and the same PDF
    assert run(LAYOUT_WITH_THE_FFI)[:1] == ["_cffi_backend"]  # made again, and used
    assert "this is not Python" not in compiled.read_text(encoding="utf-8")
