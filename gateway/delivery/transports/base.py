"""The transport contract: one ``send(request) -> Receipt`` method, as httpx's ``handle_request``.

A transport either returns a Receipt (the receiver took the message) or raises DeliveryUnavailable
(transient: try again on the route's schedule) or DeliveryRefused (permanent: dead letter). A
transport whose receiver answers later (``FollowingTransport``: NHN's message service) asks for a
follow-up in its Receipt and is then asked ``follow_up`` until the message is answered. A transport
into the gateway's own database (``InStoreTransport``: ``fhir-store``) also takes a whole batch at
once, inside the transaction that records the outcomes, so what it wrote and the record of it
commit together (a crash leaves neither).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import Connection

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
    follow_up_seconds: float | None = None  # ask the receiver about the message again after this long


@dataclass(frozen=True)
class FollowUpRequest:
    """Ask the receiver about a message it took: its id there, the sent message's envelope, the route."""

    remote_id: str
    envelope: Envelope
    route: Route


@dataclass(frozen=True)
class Incoming:
    """A document the receiver sent back (an AppRec) to be received; ``taken`` once it is stored."""

    content: bytes
    content_type: str
    taken: Callable[[], None]


@dataclass(frozen=True)
class FollowUp:
    """What the receiver says of the message now, what it sent back, and when to ask again."""

    state: Mapping[str, Any]
    incoming: tuple[Incoming, ...] = ()
    again_seconds: float = 60.0
    finished: bool = False


class Transport(Protocol):
    """Delivers one request; raises DeliveryUnavailable or DeliveryRefused when it cannot."""

    def send(self, request: DeliveryRequest) -> Receipt: ...


@runtime_checkable
class FollowingTransport(Protocol):
    """A transport whose receiver answers after the send (status, AppRec), asked by the follow-up job."""

    def send(self, request: DeliveryRequest) -> Receipt: ...

    def follow_up(self, request: FollowUpRequest) -> FollowUp: ...


@runtime_checkable
class InStoreTransport(Protocol):
    """A transport that writes into the gateway's own database: ``send_batch`` sends every request of
    a batch, in order, on the caller's connection (inside its transaction), each on its own: one
    refused leaves the others sent. It returns, per request, its Receipt or the error it raised."""

    def send(self, request: DeliveryRequest) -> Receipt: ...

    def send_batch(
        self, conn: Connection, requests: Sequence[DeliveryRequest]
    ) -> list[Receipt | Exception]: ...


def excerpt(body: bytes | str, limit: int = BODY_EXCERPT_CHARS) -> str:
    """The first ``limit`` characters of a reply body, decoded leniently, for the attempt record."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    return text if len(text) <= limit else text[:limit] + f"… [{len(text) - limit} more characters]"
