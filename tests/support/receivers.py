"""A real HTTP receiver on loopback for delivery tests: scripted replies per path, every request kept.

    with running_receiver() as receiver:
        receiver.script("/fhir", 503, 503, 201)      # two failures, then 201 from then on
        ... deliver to receiver.url("/fhir") ...
        assert receiver.requests[-1].header("Idempotency-Key") == "…"

A reply is an int (status), a ``Reply`` (status, body, headers, delay, or ``reset`` to drop the
connection without an answer) or a function of the RecordedRequest returning a Reply (a peer that
answers what it got, e.g. ``tests.support.ebxml_peer.acknowledge``). The last scripted reply
repeats. ``down()`` stops listening (connection refused) and ``up()`` listens again on the same
port. Use the ``receiver`` fixture.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass(frozen=True)
class Reply:
    """What the receiver answers to one request."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    reset: bool = False


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the receiver saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


Responder = Callable[[RecordedRequest], Reply]
Scripted = Reply | int | Responder


class Receiver:
    """The scripted server; thread-safe; one instance per test."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.requests: list[RecordedRequest] = []
        self.default = Reply(200)
        self.fallback: Responder | None = None  # answers a path with no script (a server with path patterns)
        self._scripts: dict[str, deque[Reply | Responder]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def script(self, path: str, *replies: Scripted) -> None:
        """Replies for ``path`` in order; the last one repeats. Replaces any earlier script."""
        with self._lock:
            self._scripts[path] = deque(Reply(r) if isinstance(r, int) else r for r in replies)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    def next_reply(self, request: RecordedRequest) -> Reply:
        with self._lock:
            queue = self._scripts.get(request.path)
            if not queue:
                fallback = self.fallback
                return self.default if fallback is None else fallback(request)
            scripted = queue.popleft() if len(queue) > 1 else queue[0]
        return scripted if isinstance(scripted, Reply) else scripted(request)

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def up(self) -> None:
        """Start listening (again on the same port after ``down``)."""
        server = _QuietServer((self.host, self.port), _handler_for(self))
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def down(self) -> None:
        """Stop listening: connections are refused until ``up``."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def is_up(self) -> bool:
        return self._server is not None


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A reset connection makes the handler's final flush fail; that is the point, not an error."""


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path = self.path.split("?")[0]
            headers = {name.lower(): value for name, value in self.headers.items()}
            request = RecordedRequest(self.command, path, headers, body)
            receiver.record(request)
            reply = receiver.next_reply(request)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.reset:
                # SO_LINGER 0: close() sends a TCP RST, as a receiver that drops the connection.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("Connection", "close")  # no kept-alive sockets outlive down()
            self.close_connection = True
            self.end_headers()
            self.wfile.write(reply.body)

        do_POST = do_PUT = do_GET = do_DELETE = _handle

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.up()
    try:
        yield receiver
    finally:
        receiver.down()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver listening on a free loopback port for the length of one test."""
    with running_receiver() as started:
        yield started
