"""Stage 4: lay the HTML out into pages with WeasyPrint and write the PDF."""
