"""Pages that look right: a few pages of the mini booklet rendered to images and compared
with committed references within a tolerance, as WeasyPrint's own tests compare pixels.

A change in the layouts that moves text, changes a margin or drops a rule changes the
image and fails here; one that only nudges anti-aliasing does not. After a deliberate
change of the design, look at the new pages and write new references with
``CHAPBOOK_UPDATE_REFERENCES=1 pytest tests/test_page_images.py``.

The images are poppler's (pdftoppm, already needed for the tests) in grayscale PGM, kept
gzipped: Pillow is not a dependency, and a PGM is a header and the pixels.
"""

from __future__ import annotations

import gzip
import os
import subprocess
from pathlib import Path

import pytest

REFERENCES = Path(__file__).parent / "references"
#: Pages of the mini booklet: the title page, the contents, a chapter's first page.
PAGES = (1, 3, 5)
DPI = 40
#: Mean difference per pixel (of 255) and share of pixels changed by more than a quarter
#: of the scale that a page may show against its reference.
MEAN_TOLERANCE = 1.5
CHANGED_TOLERANCE = 0.004


def page_image(pdf: Path, page: int) -> tuple[int, int, bytes]:
    data = subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), "-f", str(page), "-l",
                           str(page), str(pdf)], capture_output=True, check=True).stdout
    return parse_pgm(data)


def parse_pgm(data: bytes) -> tuple[int, int, bytes]:
    """(width, height, pixels) of a binary PGM (P5) of 8-bit gray."""
    fields: list[bytes] = []
    position = 0
    while len(fields) < 4:
        while data[position:position + 1].isspace():
            position += 1
        if data[position:position + 1] == b"#":
            position = data.index(b"\n", position)
            continue
        end = position
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    assert fields[0] == b"P5" and fields[3] == b"255"
    width, height = int(fields[1]), int(fields[2])
    pixels = data[position + 1:position + 1 + width * height]
    return width, height, pixels


def difference(one: bytes, other: bytes) -> tuple[float, float]:
    """Mean difference per pixel, and the share of pixels that changed by more than 64."""
    diffs = [abs(a - b) for a, b in zip(one, other, strict=True)]
    return sum(diffs) / len(diffs), sum(d > 64 for d in diffs) / len(diffs)


@pytest.mark.parametrize("page", PAGES)
def test_page_looks_like_its_reference(mini_build, page):
    _, result = mini_build
    width, height, pixels = page_image(result.outputs[0], page)
    reference = REFERENCES / f"mini-page-{page}.pgm.gz"
    if os.environ.get("CHAPBOOK_UPDATE_REFERENCES") == "1":
        header = f"P5\n{width} {height}\n255\n".encode()
        reference.write_bytes(gzip.compress(header + pixels, mtime=0))
    expected = parse_pgm(gzip.decompress(reference.read_bytes()))
    assert (width, height) == expected[:2]
    mean, changed = difference(pixels, expected[2])
    assert mean <= MEAN_TOLERANCE and changed <= CHANGED_TOLERANCE, (
        f"page {page} differs from its reference: mean {mean:.2f}, {changed:.2%} of pixels")


def test_a_moved_line_is_more_than_the_tolerance():
    """The tolerance is not so loose that a page whose text moved still passes."""
    width, height = 100, 100
    page = bytearray([255] * width * height)
    for row in range(40, 44):  # a line of text: a dark band
        page[row * width + 10:row * width + 90] = bytes([0] * 80)
    moved = bytearray([255] * width * height)
    for row in range(46, 50):
        moved[row * width + 10:row * width + 90] = bytes([0] * 80)
    mean, changed = difference(bytes(page), bytes(moved))
    assert mean > MEAN_TOLERANCE or changed > CHANGED_TOLERANCE
    assert difference(bytes(page), bytes(page)) == (0.0, 0.0)
