"""The transport contract: one ``send(request) -> Receipt`` method, as httpx's ``handle_request``.

A transport either returns a Receipt (the receiver took the message) or raises DeliveryUnavailable
(transient: try again on the route's schedule) or DeliveryRefused (permanent: dead letter).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from samband.gateway.routing.routes import Route
from samband.kernel.envelope import Envelope

BODY_EXCERPT_CHARS = 2000


@dataclass(frozen=True)
class DeliveryRequest:
    """One try at delivering one outbound payload over one route.

    ``message_id`` is the gateway's id of the outbound message (file-drop names the file after it);
    ``endpoint`` overrides ``route.endpoint`` (replay to a test endpoint); ``attempt`` is 1-based;
    ``idempotency_key`` stays the same across tries of the same delivery, so a receiver can drop
    a repeat it already took.
    """

    message_id: str
    envelope: Envelope
    payload: bytes
    content_type: str
    route: Route
    endpoint: str | None = None
    attempt: int = 1
    idempotency_key: str = ""

    @property
    def target(self) -> str | None:
        """The endpoint this try goes to: the override, else the route's."""
        return self.endpoint or self.route.endpoint

    @property
    def key(self) -> str:
        """The idempotency key, defaulting to the message id."""
        return self.idempotency_key or self.message_id


@dataclass(frozen=True)
class Receipt:
    """What the receiver answered: status, a bounded excerpt of the body, its id for the message."""

    status_code: int | None
    body_excerpt: str = ""
    remote_id: str | None = None
    latency_seconds: float = 0.0
    detail: str = ""


class Transport(Protocol):
    """Delivers one request; raises DeliveryUnavailable or DeliveryRefused when it cannot."""

    def send(self, request: DeliveryRequest) -> Receipt: ...


def excerpt(body: bytes | str, limit: int = BODY_EXCERPT_CHARS) -> str:
    """The first ``limit`` characters of a reply body, decoded leniently, for the attempt record."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    return text if len(text) <= limit else text[:limit] + f"… [{len(text) - limit} more characters]"
