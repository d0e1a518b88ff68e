"""The spine: receive → store raw → peek envelope → dedup → validate → route → map to the pivot → map
from the pivot → serialize → queue for delivery → (worker) deliver → receipt → events.

``receive`` stores the bytes in their own transaction before anything can fail, then ``process``
runs the rest; a crash between the two leaves a ``received`` row that a worker takes over.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from samband.adapters.base import Envelope
from samband.gateway import apprec_answers, ebxml, receipts, replay, translate
from samband.gateway.routing.routes import Route
from samband.gateway.runtime import Services
from samband.gateway.store import deliveries as queue
from samband.gateway.store import repository as repo
from samband.gateway.store.repository import Direction, Kind, Status, StoredMessage
from samband.kernel.errors import GatewayError, MessageRejected

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What the sender is told: the message id, its status, and whether it was seen before."""

    id: str
    status: str
    msg_id: str | None
    duplicate: bool = False
    received_id: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    apprec_id: str | None = None


@dataclass(frozen=True)
class Planned:
    """One destination's payload, ready to be stored and queued."""

    route: Route
    payload: bytes
    content_type: str
    issues: list[dict[str, Any]]


def receive(
    svc: Services,
    raw: bytes,
    content_type: str | None,
    *,
    kind: Kind = Kind.MESSAGE,
    format: str | None = None,
) -> Outcome:
    """Store ``raw`` first (one transaction), then process it. Never loses what it accepted.

    ``format`` is what the endpoint expects (``fhir``, ``ip-export``); what the bytes turn out to be wins.
    """
    message_id = store_raw(svc, raw, content_type, kind, format=format)
    return process(svc, message_id)


def store_raw(
    svc: Services,
    raw: bytes,
    content_type: str | None,
    kind: Kind,
    source_id: str | None = None,
    format: str | None = None,
    **detail: str | None,
) -> str:
    now = svc.now()
    with svc.engine.begin() as conn:
        mid = repo.insert_message(
            conn,
            raw=raw,
            direction=Direction.INBOUND,
            kind=kind,
            status=Status.RECEIVED,
            now=now,
            content_type=content_type,
            format=format,
            source_id=source_id,
            lease_until=now + timedelta(seconds=svc.settings.processing_grace_seconds),
        )
        repo.add_event(conn, mid, "received", now, size=len(raw), sha256=repo.sha256(raw), **detail)
    return mid


def process(svc: Services, message_id: str) -> Outcome:
    """Everything after the store, once: a worker that took the message over may race the request,
    and only the first to settle it commits (``repo.settle``); a bug isolates the message as failed."""
    try:
        return run_spine(svc, _load(svc, message_id))
    except repo.Settled:
        return current_outcome(svc, message_id)
    except Exception as exc:  # a bug must not turn one message into an endless takeover loop
        log.exception("processing message %s failed", message_id)
        try:
            return fail(svc, message_id, exc)
        except repo.Settled:
            return current_outcome(svc, message_id)


def run_spine(svc: Services, message: StoredMessage) -> Outcome:
    """The spine in order; a rejection ends it with a negative AppRec (or an ebXML error signal)."""
    try:
        raw = load_raw(svc, message.id)
        message, original = peek_envelope(svc, message, raw)
        if original is not None:
            return receipts.answer_duplicate(svc, message, original)
        if message.format == "apprec":
            return apprec_answers.record_incoming(svc, message)
        if message.format == "ebxml":
            return ebxml.unpack(svc, message)
        translate.check(raw)
        routes = route(svc, message)
        planned = plan(svc, message, raw, routes)
        return enqueue(svc, message, planned)
    except MessageRejected as error:
        if message.format == "ebxml":
            return ebxml.refuse(svc, message, error)
        return receipts.reject(svc, message, error)


def current_outcome(svc: Services, message_id: str) -> Outcome:
    """The outcome of a message someone else finished processing first."""
    message = _load(svc, message_id)
    return Outcome(
        message.id, message.status, message.msg_id, errors=[message.error] if message.error else []
    )


def fail(svc: Services, message_id: str, exc: Exception) -> Outcome:
    """Isolate a message the gateway itself could not process: status failed, kept for replay."""
    now = svc.now()
    error = {"code": "internal-error", "detail": f"{type(exc).__name__}: {exc}"}
    with svc.engine.begin() as conn:
        repo.settle(conn, message_id, now, Status.FAILED, error=error)
        repo.add_event(conn, message_id, "failed", now, **error)
        message = _load_in(conn, message_id)
    svc.metrics.failed(message.msg_type, None, "internal-error")
    return Outcome(message_id, str(Status.FAILED), message.msg_id, errors=[error])


def peek_envelope(
    svc: Services, message: StoredMessage, raw: bytes | None = None
) -> tuple[StoredMessage, StoredMessage | None]:
    """Read the envelope, index its business keys, and find the message this one repeats (if any).

    ``raw`` is the message's stored bytes when the caller already read them.
    """
    raw = load_raw(svc, message.id) if raw is None else raw
    kind, envelope = translate.peek(raw, message.content_type, message.format)
    now = svc.now()
    with svc.engine.begin() as conn:
        repo.update_message(conn, message.id, now, format=kind, **repo.envelope_columns(envelope))
        current = _load_in(conn, message.id)
        original = None
        if message.kind == Kind.MESSAGE:
            repo.lock_key(conn, envelope.msg_id or current.sha256)
            original = repo.find_original(conn, current)
        repo.add_event(conn, message.id, "envelope", now, format=kind, msg_id=envelope.msg_id)
    svc.metrics.received(envelope.msg_type, kind)
    return current, original


def route(svc: Services, message: StoredMessage) -> list[Route]:
    """The routes that take this message (a replay may name its own destinations)."""
    if message.kind == Kind.REPLAY:
        return replay.replay_routes(svc, message, source_format(svc, message))
    return svc.routes.match(message.envelope(), source_format(svc, message))


def source_format(svc: Services, message: StoredMessage) -> str:
    """How the message came in: a Hodemelding unpacked from an ebXML envelope came in as ``ebxml``
    (a replay, as its original did)."""
    if message.source_id and message.format == "msghead":
        with svc.reads.begin() as conn:
            parent = repo.get_message(conn, message.source_id)
        if parent is not None and parent.format == "ebxml":
            return "ebxml"
        if parent is not None and message.kind == Kind.REPLAY:
            return source_format(svc, parent)
    return message.format or ""


def plan(svc: Services, message: StoredMessage, raw: bytes, routes: list[Route]) -> list[Planned]:
    """Map to the pivot once, then from the pivot once per route (the payload each route delivers)."""
    ctx = svc.context()
    targets = [str(r.target_format) for r in routes]
    bundle: dict[str, Any] = {}
    pivot_issues: list[dict[str, Any]] = []
    if translate.needs_pivot(targets):
        try:
            pivot = translate.to_pivot(raw, message.format or "", ctx)
        except GatewayError:
            raise
        except (ValueError, KeyError, TypeError) as exc:
            raise translate.mapping_failed(message.format or "", exc) from exc
        bundle, pivot_issues = pivot.result, [i.as_dict() for i in pivot.issues]
    planned = []
    for r in routes:
        payload, content_type, issues = translate.from_pivot(
            bundle, str(r.target_format), raw, message.content_type, ctx
        )
        planned.append(Planned(r, payload, content_type, pivot_issues + [i.as_dict() for i in issues]))
    return planned


def enqueue(svc: Services, message: StoredMessage, planned: list[Planned]) -> Outcome:
    """Store each translation as an outbound message and queue its delivery, all in one transaction."""
    now = svc.now()
    issues = list({json.dumps(i, sort_keys=True): i for p in planned for i in p.issues}.values())
    with svc.engine.begin() as conn:
        for p in planned:
            store_translation(conn, svc, message, p, now)
        repo.settle(conn, message.id, now, Status.ROUTED, issues=issues)
        repo.add_event(conn, message.id, "routed", now, routes=[p.route.name for p in planned])
    for p in planned:
        svc.metrics.translated(message.msg_type, p.route.name)
    return Outcome(message.id, str(Status.ROUTED), message.msg_id)


def store_translation(
    conn: Connection, svc: Services, source: StoredMessage, p: Planned, now: datetime
) -> str:
    """One outbound message (searchable like any other), its translation row and its delivery."""
    kind = Kind.TRANSLATION if str(p.route.target_format) != "as-is" else Kind.FORWARD
    target = str(p.route.target_format)
    if target == "as-is":
        envelope = source.envelope()  # the same bytes: the same envelope, no second read
    else:
        envelope = translate.output_envelope(p.payload, target) or _inherited(source)
    out_id = repo.insert_message(
        conn,
        raw=p.payload,
        direction=Direction.OUTBOUND,
        kind=kind,
        status=Status.PENDING,
        now=now,
        content_type=p.content_type,
        format=str(p.route.target_format),
        envelope=envelope,
        source_id=source.id,
        route=p.route.name,
    )
    repo.update_message(conn, out_id, now, issues=p.issues)
    receipts.record_translation(conn, source.id, out_id, p.route, p.issues, now)
    queue.enqueue(
        conn,
        message_id=out_id,
        source_id=source.id,
        route=p.route.name,
        transport=p.route.transport,
        endpoint=p.route.endpoint,
        target_format=str(p.route.target_format),
        schedule=queue.schedule_data(p.route),
        now=now,
    )
    repo.add_event(
        conn, source.id, "translated", now, route=p.route.name, output=out_id, issues=len(p.issues)
    )
    return out_id


def _inherited(source: StoredMessage) -> Envelope:
    """Business keys an emitted FHIR Bundle shares with the message it came from (for search)."""
    e = source.envelope()
    return Envelope(
        msg_id=None,
        msg_type=e.msg_type,
        sender_her=e.sender_her,
        receiver_her=e.receiver_her,
        conversation_ref=e.conversation_ref,
        parent_ref=e.msg_id,
        patient_id=e.patient_id,
    )


def _load(svc: Services, message_id: str) -> StoredMessage:
    with svc.reads.begin() as conn:  # a read: on SQLite it does not queue for the write lock
        return _load_in(conn, message_id)


def _load_in(conn: Connection, message_id: str) -> StoredMessage:
    message = repo.get_message(conn, message_id)
    if message is None:
        raise KeyError(message_id)
    return message


def load_raw(svc: Services, message_id: str) -> bytes:
    with svc.reads.begin() as conn:  # a read: on SQLite it does not queue for the write lock
        raw = repo.get_raw(conn, message_id)
    if raw is None:
        raise KeyError(message_id)
    return raw
