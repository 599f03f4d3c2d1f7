"""The live preview of ``chapbook serve``: the built HTML on localhost, reloading itself.

The page is the output of ``chapbook build --format html`` (one self-contained file), served
with a small script added before ``</body>``. The script asks ``/__chapbook/status`` twice a
second for the build number and reloads the page when it changes, so the browser follows
every save. When the last save had errors the old page stays and a bar at the top lists
them. The server listens on 127.0.0.1 only and serves nothing but this page.
"""

from __future__ import annotations

import html
import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .diagnostics import Severity
from .watching import Rebuilder

STATUS_PATH = "/__chapbook/status"
#: The names the preview answers to (with its port), in the Host header.
ALLOWED_HOSTS = ("127.0.0.1", "localhost", "[::1]")

RELOAD_SCRIPT = """<script id="chapbook-live-reload">
(function () {
  var build = %(build)d, bar = null;
  function show(errors) {
    if (!errors.length) { if (bar) { bar.remove(); bar = null; } return; }
    if (!bar) {
      bar = document.createElement("pre");
      bar.id = "chapbook-errors";
      bar.style.cssText = "position:fixed;top:0;left:0;right:0;margin:0;padding:.6em 1em;" +
        "background:#fff3f3;color:#900;border-bottom:2px solid #900;z-index:99999;" +
        "font:13px/1.4 monospace;white-space:pre-wrap;max-height:40vh;overflow:auto";
      document.body.appendChild(bar);
    }
    bar.textContent = errors.join("\\n");
  }
  function poll() {
    fetch("%(path)s", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.build !== build) { location.reload(); return; }
        show(s.errors);
        setTimeout(poll, %(interval)d);
      }, function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, %(interval)d);
})();
</script>
"""

WAITING_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>chapbook preview</title></head>
<body style="font:15px/1.5 sans-serif;margin:2em">
<h1>No preview yet</h1>
<p>The booklet has not been built without errors yet. Fix these and save; this page
reloads by itself.</p>
<pre>%(errors)s</pre>
</body></html>
"""


class PreviewServer:
    """An HTTP server on 127.0.0.1 in a background thread, serving a rebuilder's HTML."""

    def __init__(self, rebuilder: Rebuilder, port: int = 8000, host: str = "127.0.0.1",
                 interval_ms: int = 500):
        self.rebuilder = rebuilder
        self.interval_ms = interval_ms
        handler = type("Handler", (_Handler,), {"preview": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.1}, daemon=True,
                                       name="chapbook-preview")

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        host = host.decode("ascii") if isinstance(host, bytes) else host
        return f"http://{host}:{port}/"

    def start(self) -> PreviewServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> PreviewServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what is served ------------------------------------------------------------------------

    def errors(self) -> list[str]:
        last = self.rebuilder.last
        if last is None or last.ok:
            return []
        return [d.format() for d in sorted(set(last.diagnostics),
                                           key=lambda d: (d.file, d.line, d.column))
                if d.severity is Severity.ERROR] or ["the last build failed; see the terminal"]

    def status(self) -> dict[str, object]:
        return {"build": self.rebuilder.build_number, "errors": self.errors()}

    def page(self) -> bytes:
        build = self.rebuilder.build_number  # read before the file: never newer than it
        script = RELOAD_SCRIPT % {"build": build, "path": STATUS_PATH,
                                  "interval": self.interval_ms}
        path = self.rebuilder.html
        if path is None or not path.is_file():
            text = WAITING_PAGE % {"errors": html.escape("\n".join(self.errors()))}
        else:
            text = path.read_text(encoding="utf-8")
        at = text.rfind("</body>")
        text = text[:at] + script + text[at:] if at >= 0 else text + script
        return text.encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    preview: PreviewServer
    server_version = "chapbook-preview"

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        path = self.path.split("?", 1)[0]
        if not self._host_allowed():
            # DNS rebinding: a page on attacker.example whose name is made to point at
            # 127.0.0.1 reaches this port from the teacher's browser, with its own name
            # in Host. Only the names of this machine, with this port, are served.
            self._send(b"the preview answers only to 127.0.0.1, localhost and [::1]\n",
                       "text/plain; charset=utf-8", HTTPStatus.MISDIRECTED_REQUEST)
        elif path == STATUS_PATH:
            self._send(json.dumps(self.preview.status()).encode("utf-8"), "application/json")
        elif path in ("/", "/index.html"):
            self._send(self.preview.page(), "text/html; charset=utf-8")
        else:
            self._send(b"not found: the preview serves only the booklet at /\n",
                       "text/plain; charset=utf-8", HTTPStatus.NOT_FOUND)

    def _host_allowed(self) -> bool:
        port = self.preview.httpd.server_address[1]
        host = (self.headers.get("Host") or "").strip().lower()
        return host in {f"{name}:{port}" for name in ALLOWED_HOSTS}

    def _send(self, body: bytes, content_type: str,
              status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet: one line per rebuild
        pass
