"""The project's bibliography: .bib files (BibTeX and biblatex) loaded into entries.

Public API: :func:`load_bibliography`, :class:`Bibliography`, :class:`Entry`,
:class:`Name`, :class:`DateValue`.
"""

from chapbook.bibliography.loader import load_bibliography
from chapbook.bibliography.model import Bibliography, DatePart, DateValue, Entry, Name

__all__ = ["Bibliography", "DatePart", "DateValue", "Entry", "Name", "load_bibliography"]
