"""Citations: pandoc's syntax in chapters, formatted by editable style files.

Public API:
  syntax      Cite, CiteItem, find_citations, match_citation
  plugin      citations_plugin (markdown-it-py)
  style       load_style, style_search_dirs, StyleError
  processor   CitationProcessor, CiteInput, RenderedCite, ProcessResult,
              check_cited_keys, report_uncited
  refs        format_reference_list
"""

from chapbook.citations.plugin import citations_plugin
from chapbook.citations.processor import (
    CitationProcessor,
    CiteInput,
    ProcessResult,
    RenderedCite,
    check_cited_keys,
    report_uncited,
)
from chapbook.citations.style import Style, StyleError, load_style, style_search_dirs
from chapbook.citations.syntax import Cite, CiteItem, find_citations, match_citation

__all__ = [
    "CitationProcessor", "Cite", "CiteInput", "CiteItem", "ProcessResult", "RenderedCite",
    "Style", "StyleError", "check_cited_keys", "citations_plugin", "find_citations",
    "load_style", "match_citation", "report_uncited", "style_search_dirs",
]
