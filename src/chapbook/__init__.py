"""chapbook: plain-text chapters and BibTeX in, print-ready study booklets out.

The pipeline, in the order a build runs it:
load (config, chapters, bibliography, glossary) -> resolve (citations, terms,
cross-references, figures) -> render HTML (Jinja2) -> typeset (WeasyPrint) ->
finish (imposition).

Two products come out of it: the booklet (:mod:`chapbook.pipeline`) and the classroom
handouts (:mod:`chapbook.handouts`), which take the same stages for one chapter each; the
class set (:mod:`chapbook.classset`) makes both at once. The command line
(:mod:`chapbook.cli`) lists every command.
"""

__version__ = "0.1.0"
