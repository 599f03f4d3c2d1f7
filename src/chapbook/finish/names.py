"""What an output file is called: one rule, so that no two builds overwrite each other.

``build/<slug>.pdf`` is the booklet as chapbook.toml describes it. Every option that makes a
different booklet adds what it changed to the name, in this order:

========================  ==============================
``--edition teacher``     ``-teacher``
``--style apa``           ``-apa`` (only if chapbook.toml says another style)
``--paper a5``            ``-a5`` (only if chapbook.toml says another paper)
``--print-shop``          ``-print``
``--chapter 2``           ``-chapter-2``
========================  ==============================

So ``build --style apa`` writes ``<slug>-apa.pdf`` beside the Chicago ``<slug>.pdf``, and
``handout 3 --paper a5`` ``handouts/03-slug-a5.pdf`` beside the A4 handout. An imposed
copy adds ``-booklet`` or ``-2up`` (and the sheet, if ``--sheet`` names one) to the name of
the PDF it was made from.
"""

from __future__ import annotations

from ..config import Config


def variant_suffix(config: Config, *, teacher: bool, style: str | None, bleed: bool,
                   chapter: int | None = None) -> str:
    """The part of an output's name after the slug (or the chapter's file name)."""
    parts = []
    if teacher:
        parts.append("teacher")
    if style and style != config.style:
        parts.append(style)
    if config.paper_setting and config.paper != config.paper_setting:
        parts.append(config.paper)
    if bleed:
        parts.append("print")
    if chapter is not None:
        parts.append(f"chapter-{chapter}")
    return "".join(f"-{part}" for part in parts)
