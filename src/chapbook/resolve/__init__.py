"""Stage 2: the resolve passes, each a small function over the parsed book (run in order
by :func:`.passes.resolve_book`).

Run in this order because each needs the one before: parse the Markdown; check boxes and give
headings ids; check images and number figures; check formulas and number equations; number
tables and find malformed ones; warn of what pandoc would read and chapbook prints as typed;
check raw HTML; resolve glossary terms; resolve cross-references (``@fig:record``), which
are citations in form; format the real citations (in reading order, so footnote numbering
and shortened notes come out right); and
last, characters the fonts cannot print.
"""
