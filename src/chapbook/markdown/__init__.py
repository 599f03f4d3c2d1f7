"""The Markdown dialect of chapbook: CommonMark plus the rules a study booklet needs.

Like markdown-it itself, it is a chain of small rules over one token stream: pandoc citations,
glossary-term spans and named boxes each add a token type; the resolve passes fill in their
meaning and the renderer turns them into HTML.
"""
