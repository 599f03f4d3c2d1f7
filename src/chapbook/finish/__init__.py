"""Finishing steps applied to built PDFs before they go to a printer."""
