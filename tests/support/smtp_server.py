"""A real SMTP server on loopback (aiosmtpd) for tests of what the gateway mails: it keeps every
message it takes, and can refuse (``refuse = True``: 451 to every RCPT, as a relay in trouble)."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class _Handler:
    def __init__(self, server: LoopbackSmtp) -> None:
        self.server = server

    async def handle_RCPT(
        self, _server: SMTP, _session: Session, envelope: Envelope, address: str, _options: list[str]
    ) -> str:
        if self.server.refuse:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        content: Any = envelope.content
        parsed = message_from_bytes(bytes(content), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.server.lock:
            self.server.received.append((envelope.mail_from or "", list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LoopbackSmtp:
    """``start()``, then send to ``host``:``port``; ``messages()`` gives what arrived."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.port = _free_port()
        self.refuse = False
        self.lock = threading.Lock()
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self.controller = Controller(_Handler(self), hostname=self.host, port=self.port)

    def start(self) -> LoopbackSmtp:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def messages(self) -> list[tuple[str, list[str], EmailMessage]]:
        with self.lock:
            return list(self.received)
