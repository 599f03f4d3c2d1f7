"""One TrueType font program made of several subsets of the same font.

A booklet laid out in parts embeds, per part, a subset of each face it uses: the joined PDF
held 21 font programs for 7 faces. WeasyPrint subsets with HarfBuzz keeping every glyph at
its id in the full font (``HB_SUBSET_FLAGS_RETAIN_GIDS``), so the subsets of one face agree
on glyph ids and differ only in which glyphs have outlines. Their union is therefore the
glyph of each id taken from whichever subset has it; the parts' text, which names glyphs by
id, shows the same with the union. This module does that on the bytes of the ``glyf``,
``loca``, ``hmtx``, ``hhea``, ``maxp`` and ``head`` tables and keeps the other tables of the
largest subset as they are. fontTools could do it too, but importing and parsing with it cost
half a second a build, more than the whole join. :func:`settled` takes the build's time out
of a program.
"""

from __future__ import annotations

import struct


class NotMergeable(ValueError):
    """The programs are not TrueType subsets of one font with their glyph ids kept."""


def _tables(font: bytes) -> dict[bytes, bytes]:
    if font[:4] not in (b"\x00\x01\x00\x00", b"true"):
        raise NotMergeable("not a TrueType font")
    (count,) = struct.unpack_from(">H", font, 4)
    tables = {}
    for index in range(count):
        tag, _checksum, offset, length = struct.unpack_from(">4sLLL", font, 12 + 16 * index)
        tables[tag] = font[offset:offset + length]
    for needed in (b"glyf", b"loca", b"head", b"hhea", b"hmtx", b"maxp"):
        if needed not in tables:
            raise NotMergeable(f"no {needed.decode()} table")
    return tables


class _Subset:
    def __init__(self, font: bytes):
        self.tables = _tables(font)
        head, maxp = self.tables[b"head"], self.tables[b"maxp"]
        (self.glyph_count,) = struct.unpack_from(">H", maxp, 4)
        (long_offsets,) = struct.unpack_from(">h", head, 50)
        loca = self.tables[b"loca"]
        if long_offsets:
            self.offsets = struct.unpack_from(f">{self.glyph_count + 1}L", loca)
        else:
            self.offsets = tuple(2 * value for value in
                                 struct.unpack_from(f">{self.glyph_count + 1}H", loca))
        (metrics_count,) = struct.unpack_from(">H", self.tables[b"hhea"], 34)
        hmtx = self.tables[b"hmtx"]
        advances = struct.unpack_from(f">{2 * metrics_count}h", hmtx)
        self.advance = [advances[2 * i] & 0xFFFF for i in range(metrics_count)]
        self.bearing = [advances[2 * i + 1] for i in range(metrics_count)]
        rest = self.glyph_count - metrics_count
        if rest > 0:
            self.bearing += struct.unpack_from(f">{rest}h", hmtx, 4 * metrics_count)
            self.advance += [self.advance[-1]] * rest

    def glyph(self, gid: int) -> bytes:
        if gid >= self.glyph_count:
            return b""
        return self.tables[b"glyf"][self.offsets[gid]:self.offsets[gid + 1]]


def settled(font: bytes) -> bytes:
    """``font`` with its ``head`` table's modification date set to its creation date.

    WeasyPrint makes a static instance of a variable font with fontTools, which stamps the
    time of the build into ``head.modified``: the same sources then gave another PDF every
    second. Any other program, or one without a ``head`` table, is returned as it is.
    """
    if font[:4] not in (b"\x00\x01\x00\x00", b"true", b"OTTO") or len(font) < 12:
        return font
    (count,) = struct.unpack_from(">H", font, 4)
    for index in range(count):
        entry = 12 + 16 * index
        if entry + 16 > len(font):
            return font
        tag, _checksum_of_table, offset, length = struct.unpack_from(">4sLLL", font, entry)
        if tag != b"head":
            continue
        if length < 36 or offset + length > len(font) or \
                font[offset + 28:offset + 36] == font[offset + 20:offset + 28]:
            return font
        out = bytearray(font)
        out[offset + 28:offset + 36] = font[offset + 20:offset + 28]
        struct.pack_into(">L", out, offset + 8, 0)  # checkSumAdjustment, set below
        struct.pack_into(">L", out, entry + 4, _checksum(bytes(out[offset:offset + length])))
        struct.pack_into(">L", out, offset + 8, (0xB1B0AFBA - _checksum(bytes(out)))
                         & 0xFFFFFFFF)
        return bytes(out)
    return font


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}L", data)) & 0xFFFFFFFF


def merge_subsets(programs: list[bytes]) -> bytes:
    """One program holding every glyph any of ``programs`` holds, at the same ids."""
    if len(programs) == 1:
        return programs[0]
    subsets = [_Subset(program) for program in programs]
    base = max(subsets, key=lambda subset: subset.glyph_count)
    glyf = bytearray()
    offsets = []
    metrics = bytearray()
    for gid in range(base.glyph_count):
        source = base
        data = base.glyph(gid)
        if not data:
            for other in subsets:
                data = other.glyph(gid)
                if data:
                    source = other
                    break
        offsets.append(len(glyf))
        glyf += data + b"\0" * (-len(data) % 4)
        metrics += struct.pack(">Hh", source.advance[gid], source.bearing[gid])
    offsets.append(len(glyf))

    tables = dict(base.tables)
    tables[b"glyf"] = bytes(glyf)
    tables[b"loca"] = struct.pack(f">{len(offsets)}L", *offsets)
    tables[b"hmtx"] = bytes(metrics)
    hhea = bytearray(tables[b"hhea"])
    struct.pack_into(">H", hhea, 34, base.glyph_count)
    tables[b"hhea"] = bytes(hhea)
    maxp = bytearray(tables[b"maxp"])
    if len(maxp) >= 32:  # version 1.0: each limit is the largest of the subsets'
        for offset in range(6, 32, 2):
            largest = max(struct.unpack_from(">H", s.tables[b"maxp"], offset)[0]
                          for s in subsets if len(s.tables[b"maxp"]) >= 32)
            struct.pack_into(">H", maxp, offset, largest)
    tables[b"maxp"] = bytes(maxp)
    head = bytearray(tables[b"head"])
    struct.pack_into(">h", head, 50, 1)  # long loca offsets
    struct.pack_into(">L", head, 8, 0)  # checkSumAdjustment, set below
    tables[b"head"] = bytes(head)
    return _assemble(tables)


def _assemble(tables: dict[bytes, bytes]) -> bytes:
    """A font file of ``tables``, with its directory and checksums."""
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">LHHHH", 0x00010000, count, power * 16, power.bit_length() - 1,
                         count * 16 - power * 16)
    directory = bytearray()
    body = bytearray()
    offset = 12 + 16 * count
    head_at = 0
    for tag in tags:
        data = tables[tag]
        if tag == b"head":
            head_at = offset + len(body)
        directory += struct.pack(">4sLLL", tag, _checksum(data), offset + len(body),
                                 len(data))
        body += data + b"\0" * (-len(data) % 4)
    font = bytearray(header + directory + body)
    adjustment = (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF
    struct.pack_into(">L", font, head_at + 8, adjustment)
    return bytes(font)
