"""A real HTTP receiver on loopback for delivery tests: records every request, can play dead.

Like a real receiver with ebXML DuplicateElimination, it remembers the Idempotency-Key of what it
took, so a test can tell a resend (same key) from a second delivery of the same message.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MSG_ID = re.compile(rb"<(?:\w+:)?MsgId>([^<]+)</(?:\w+:)?MsgId>")


@dataclass(frozen=True)
class Taken:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def key(self) -> str:
        return self.headers.get("idempotency-key", "")

    @property
    def msg_id(self) -> str | None:
        found = MSG_ID.search(self.body)
        return found.group(1).decode() if found else None


class Receiver:
    """``status`` is what it answers (200 by default; 503 plays a receiver that is down)."""

    def __init__(self) -> None:
        self.status = 200
        self.requests: list[Taken] = []
        self.refused = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                status = receiver.status
                if status < 300:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    with receiver._lock:
                        receiver.requests.append(Taken(self.path, headers, body))
                else:
                    receiver.refused += 1
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}' if status < 300 else b'{"error": "down"}')

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/in"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def taken(self) -> list[Taken]:
        with self._lock:
            return list(self.requests)

    def keys(self) -> Counter[str]:
        return Counter(t.key for t in self.taken())
