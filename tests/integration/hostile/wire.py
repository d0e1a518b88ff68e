"""Requests written byte by byte on a socket: chunked bodies, Content-Length that lies, a body that
never ends; the answer read as far as the server gives it."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float
    sent: int  # body bytes the server took before it answered or closed

    def json(self) -> Any:
        return json.loads(self.body)


def send(
    port: int,
    path: str,
    headers: dict[str, str],
    chunks: Iterable[bytes] = (),
    *,
    chunked: bool = False,
    timeout: float = 30.0,
) -> Answer:
    """POST ``chunks`` to ``path``; stop writing when the server answers or closes; read its answer."""
    started = time.perf_counter()
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
        if chunked:
            head.append("Transfer-Encoding: chunked")
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        sock.setblocking(False)
        try:
            for chunk in chunks:
                if _answered(sock):
                    break
                data = b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk
                _write(sock, data, timeout)
                sent += len(chunk)
            else:
                if chunked:
                    _write(sock, b"0\r\n\r\n", timeout)
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.setblocking(True)
        raw = _read_answer(sock)
    status, headers_out, body = _parse(raw)
    return Answer(status, headers_out, body, time.perf_counter() - started, sent)


def _answered(sock: socket.socket) -> bool:
    try:
        return bool(sock.recv(1, socket.MSG_PEEK))
    except BlockingIOError:
        return False
    except (ConnectionResetError, OSError):
        return True


def _write(sock: socket.socket, data: bytes, timeout: float) -> None:
    view, deadline = memoryview(data), time.monotonic() + timeout
    while view:
        try:
            view = view[sock.send(view) :]
        except BlockingIOError:
            if _answered(sock) or time.monotonic() > deadline:
                raise BrokenPipeError from None
            time.sleep(0.001)


def _read_answer(sock: socket.socket) -> bytes:
    data = b""
    while True:
        try:
            piece = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not piece:
            break
        data += piece
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep:
            length = _content_length(head)
            if length is not None and len(body) >= length:
                break
    return data


def _content_length(head: bytes) -> int | None:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return None


def _parse(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines or not lines[0].startswith("HTTP/"):
        return 0, {}, raw
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", len(body)))
    return int(lines[0].split()[1]), headers, body[:length]
