"""Stage 1 of the pipeline: read the project's files into the book model.

Nothing here formats anything. Each loader reads one kind of file, reports what is wrong with
it as diagnostics at its file and line, and returns what could be salvaged.
"""
