"""The only way WeasyPrint may read a file: inside the project, the layouts or the fonts.

Chapters, raw HTML in them, CSS and bibliography fields are written by many hands (sometimes
students). Without a sandbox, ``<img src="file:///etc/passwd">`` or an ``@import`` of a
network address would be fetched and printed. Everything else is refused and recorded, so
the build can report it as a diagnostic instead of silently leaving a hole in the page.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher

#: Largest file the typesetter will read (images, CSS); bigger ones are refused.
MAX_RESOURCE_BYTES = 20_000_000


class SandboxFetcher(URLFetcher):
    def __init__(self, allowed_roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)
        self.allowed_roots = [root.resolve() for root in allowed_roots]
        self.refused: list[tuple[str, str]] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None):  # type: ignore[override]
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            self.refused.append((url, "chapbook never fetches from the network"))
            raise ValueError(f"refused {url}: not a file in the project")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed_roots):
            self.refused.append((url, "the file is outside the project"))
            raise ValueError(f"refused {url}: outside the project")
        if path.is_file() and path.stat().st_size > MAX_RESOURCE_BYTES:
            self.refused.append((url, "the file is too large"))
            raise ValueError(f"refused {url}: too large")
        return super().fetch(path.as_uri(), headers)
