"""A canary: an HTTP server on 127.0.0.1 that a hostile package points at, and that must hear nothing.

It runs as its own process (vl-convert holds the GIL while it fetches, so a server thread in the
test process could never answer), on a random port, for a bounded time, and writes every request
it receives to a log file. Its answers carry ``CANARY`` so that a leak into an output shows.

Run directly: ``python canary.py LOG LIFETIME_SECONDS``; the first line printed is the port.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SECRET = "CANARY-7f3a"
# A 1×1 PNG, so that an image request gets an image.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082"
)


@dataclass
class Canary:
    base: str  # "http://127.0.0.1:PORT/"
    log: Path

    def url(self, path: str = "x") -> str:
        return self.base + path

    def requests(self) -> list[str]:
        return self.log.read_text("utf-8").split() if self.log.exists() else []


@contextmanager
def running_canary(folder: Path, lifetime: float = 300) -> Iterator[Canary]:
    """A canary server logging into ``folder``, stopped on exit (and by itself after ``lifetime``)."""
    log = folder / "canary.log"
    process = subprocess.Popen(
        [sys.executable, __file__, str(log), str(lifetime)],
        stdout=subprocess.PIPE,
        text=True,
        stderr=subprocess.DEVNULL,
    )
    try:
        port = int(process.stdout.readline())
        yield Canary(f"http://127.0.0.1:{port}/", log)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def canary(tmp_path: Path) -> Iterator[Canary]:
    """A canary server for this test: ``canary.url("d.json")``, then ``canary.requests() == []``."""
    with running_canary(tmp_path) as server:
        yield server


def _serve(log: Path, lifetime: float) -> None:
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            with log.open("a", encoding="utf-8") as out:
                out.write(self.path + "\n")
            if self.path.endswith(".png"):
                body, kind = PIXEL, "image/png"
            elif self.path.endswith(".csv"):
                body, kind = f"a,b\n{SECRET},1\n".encode(), "text/csv"
            else:
                body, kind = json.dumps([{"a": SECRET, "b": 1}]).encode(), "application/json"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    threading.Timer(lifetime, server.shutdown).start()  # never outlives a forgotten test
    server.serve_forever()


if __name__ == "__main__":
    _serve(Path(sys.argv[1]), float(sys.argv[2]))
