"""chapbook: plain-text chapters and BibTeX in, print-ready study booklets out.

The pipeline, in the order a build runs it:
load (config, chapters, bibliography, glossary) -> resolve (citations, terms,
cross-references, figures) -> render HTML (Jinja2) -> typeset (WeasyPrint) ->
finish (imposition, handouts).
"""

__version__ = "0.1.0"
