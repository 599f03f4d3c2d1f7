"""``chapbook serve``: a real headless browser sees the preview reload after an edit.

Chromium is driven over the Chrome DevTools Protocol with a small websocket client written
here on the standard library, so the test needs nothing but Debian's ``chromium`` package.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from chapbook.pipeline import BuildOptions
from chapbook.preview import STATUS_PATH, PreviewServer
from chapbook.watching import Rebuilder, watch

#: Builds PDFs or runs chapbook in subprocesses: left out of `pytest -m 'not slow'`.
pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WAIT = 30.0


class CDP:
    """Just enough of a websocket client to send DevTools commands and read their answers."""

    def __init__(self, url: str):
        rest = url.removeprefix("ws://")
        hostport, path = rest.split("/", 1)
        host, port = hostport.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=WAIT)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            assert chunk, "the browser closed the DevTools connection"
            response += chunk
        head, self.buffer = response.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101"), head
        self.next_id = 0

    def close(self) -> None:
        self.sock.close()

    def _read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            assert chunk, "the browser closed the DevTools connection"
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send(self, text: str) -> None:
        payload = text.encode("utf-8")
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", 0x81, 0x80 | n)
        elif n < 1 << 16:
            header = struct.pack("!BBH", 0x81, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x81, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _receive(self) -> str:
        message = b""
        while True:
            first, second = self._read(2)
            n = second & 0x7F
            if n == 126:
                (n,) = struct.unpack("!H", self._read(2))
            elif n == 127:
                (n,) = struct.unpack("!Q", self._read(8))
            payload = self._read(n)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise ConnectionError("the browser closed the DevTools connection")
            if opcode in (0x9, 0xA):  # ping/pong: not used by Chromium here
                continue
            message += payload
            if first & 0x80:
                return message.decode("utf-8")

    def call(self, method: str, **params: object) -> dict:
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self._receive())
            if reply.get("id") == self.next_id:
                return reply

    def evaluate(self, expression: str) -> object:
        """The value of a JavaScript expression in the page, or None while it reloads."""
        reply = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        result = reply.get("result", {})
        if "error" in reply or "exceptionDetails" in result:
            return None
        return result.get("result", {}).get("value")


@contextlib.contextmanager
def browser(url: str, profile: Path) -> Iterator[CDP]:
    """Headless Chromium showing ``url``, driven over DevTools; killed at the end."""
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}", "--remote-debugging-port=0", url]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    cdp = None
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + WAIT
        while not (port_file.is_file() and port_file.read_text().strip()):
            assert proc.poll() is None, "chromium exited at start"
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        while True:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
                pages = [t for t in json.load(r) if t.get("type") == "page"]
            if pages:
                break
            assert time.monotonic() < deadline, "chromium opened no page"
            time.sleep(0.05)
        cdp = CDP(pages[0]["webSocketDebuggerUrl"])
        yield cdp
    finally:
        if cdp:
            cdp.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def until(cdp: CDP, expression: str, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while cdp.evaluate(expression) is not True:
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def save(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium for a real browser "
                    "(apt-get install -y chromium)")
def test_the_browser_reloads_after_an_edit_and_shows_errors(mini_project, tmp_path):
    chapter = mini_project / "chapters/01-first.md"
    rebuilder = Rebuilder(mini_project, BuildOptions(), pdf=False)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(rebuilder, stop), daemon=True)
    server = PreviewServer(rebuilder, port=0, interval_ms=100)
    assert server.url.startswith("http://127.0.0.1:")
    watcher.start()
    try:
        with server:
            assert rebuilder.wait_for(lambda last: last is not None and last.ok, WAIT)
            with urllib.request.urlopen(server.url + STATUS_PATH.lstrip("/")) as r:
                assert json.load(r) == {"build": 1, "errors": []}
            with browser(server.url, tmp_path / "profile") as cdp:
                until(cdp, "document.body.innerText.includes('The First Chapter')",
                      "the preview to load")
                # A mark on the page: it is gone only if the page was really reloaded.
                cdp.evaluate("window.chapbookMark = 1")

                save(chapter, "Opening text", "Text saved a moment ago")
                until(cdp, "document.body.innerText.includes('Text saved a moment ago')"
                      " && window.chapbookMark === undefined", "the reload after the edit")
                assert rebuilder.build_number == 2

                # A broken save: no reload, the good page stays with a bar naming the error.
                cdp.evaluate("window.chapbookMark = 2")
                save(chapter, "[@siegelbaum1988]", "[@siegelbaum1998]")
                until(cdp, "(document.getElementById('chapbook-errors') || {}).textContent"
                      "?.includes('chapters/01-first.md') === true", "the error bar")
                assert cdp.evaluate("window.chapbookMark") == 2
                assert cdp.evaluate(
                    "document.body.innerText.includes('Text saved a moment ago')") is True
                bar = cdp.evaluate("document.getElementById('chapbook-errors').textContent")
                assert "no bibliography entry 'siegelbaum1998'" in bar

                # Fixed: the page reloads again and the bar is gone.
                save(chapter, "[@siegelbaum1998]", "[@siegelbaum1988]")
                until(cdp, "window.chapbookMark === undefined && "
                      "!document.getElementById('chapbook-errors')", "the reload after the fix")
                assert rebuilder.build_number == 3
    finally:
        stop.set()
        watcher.join(timeout=10)


def test_the_preview_serves_only_the_booklet_on_localhost(mini_project):
    rebuilder = Rebuilder(mini_project, BuildOptions(), pdf=False)
    with PreviewServer(rebuilder, port=0) as server:
        # Before a good build: a page that says so, and reloads when there is one.
        (mini_project / "chapters/01-first.md").write_bytes(b"\xff not utf-8")
        rebuilder.rebuild()
        with urllib.request.urlopen(server.url) as r:
            page = r.read().decode()
        assert "No preview yet" in page and "not UTF-8" in page
        assert "chapbook-live-reload" in page
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(server.url + "chapbook.toml")
        assert info.value.code == 404
        assert server.httpd.server_address[0] == "127.0.0.1"


def test_the_preview_answers_only_to_this_machines_names(mini_project):
    """A DNS-rebinding page reaches 127.0.0.1 with its own name in Host: refused."""
    rebuilder = Rebuilder(mini_project, BuildOptions(), pdf=False)
    rebuilder.rebuild()
    with PreviewServer(rebuilder, port=0) as server:
        port = server.httpd.server_address[1]

        def get(host: str) -> int:
            request = urllib.request.Request(server.url, headers={"Host": host})
            try:
                with urllib.request.urlopen(request) as r:
                    return r.status
            except urllib.error.HTTPError as refused:
                return refused.code

        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
            assert get(host) == 200, host
        for host in ("attacker.example", f"attacker.example:{port}", "127.0.0.1",
                     f"localhost:{port + 1}", f"127.0.0.1.attacker.example:{port}"):
            assert get(host) == 421, host
