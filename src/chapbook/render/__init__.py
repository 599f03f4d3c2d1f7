"""Stage 3: turn the resolved book into HTML, fragment by fragment, then through the layouts."""
