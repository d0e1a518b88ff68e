"""Receipts: the AppRec the gateway gives for the systems behind it.

HIS 80415 (Applikasjonskvittering): exactly one AppRec per received business message, status from
code system 8258 (1 OK, 2 Avvist, 3 OK med feil i delmelding), errors from 8221. A received
Hodemelding gets it when every destination took it (1, or 3 when parts could not be mapped), at
once when the gateway refused it (2), or when a receiving system refused it for good (2; a
destination merely unreachable until the retry cap gets no AppRec: an operator follows up). A
repeat gets the very same AppRec again. AppRecs go back over routes that name them (message type
``APPREC`` or source format ``apprec``); with none the AppRec is kept and served by the API.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from samband.gateway import apprecs
from samband.gateway.outcome import Outcome
from samband.gateway.routing.routes import Route
from samband.gateway.runtime import Services
from samband.gateway.store import deliveries as queue
from samband.gateway.store import repository as repo
from samband.gateway.store.deliveries import Delivery, DeliveryStatus
from samband.gateway.store.receipts import (
    add_receipt,
    add_receipts,
    lock_message,
    lock_messages,
    receipt_values,
    sent_receipt,
    with_sent_receipt,
)
from samband.gateway.store.repository import Direction, Kind, Status, StoredMessage
from samband.kernel.envelope import Envelope
from samband.kernel.errors import GatewayError, MessageRejected, NoRouteMatched, Pruned, reply_for

log = logging.getLogger(__name__)

HODEMELDING_FORMATS = frozenset({"msghead"})


def apprec_routes(svc: Services, envelope: Envelope) -> list[Route]:
    """Routes that explicitly take AppRecs back to their receiver (never the catch-all default)."""
    try:
        matched = svc.routes.match(envelope, "apprec")
    except NoRouteMatched:
        return []
    return [
        r
        for r in matched
        if (r.match.message_types and "APPREC" in r.match.message_types)
        or (r.match.source_formats and "apprec" in r.match.source_formats)
    ]


def store_apprec(
    conn: Connection,
    svc: Services,
    answered: StoredMessage,
    status: str,
    errors: list[dict[str, str]],
    refusal: GatewayError | None = None,
) -> str:
    """Store our AppRec for ``answered``, its receipt row, and queue it back to the sender."""
    now = svc.now()
    raw = apprecs.build(svc, answered, repo.get_raw(conn, answered.id) or b"", status, errors, refusal)
    envelope = apprecs.envelope(raw)
    values = _apprec_row(answered.id, raw, envelope, now)
    repo.insert_messages(conn, [values])
    apprec_id = str(values["id"])
    add_receipt(conn, answered.id, apprec_id, "sent", status, list(errors), now)
    queued = send_apprec(conn, svc, apprec_id, envelope, now)
    repo.add_event(conn, answered.id, "apprec.produced", now, apprec=apprec_id, status=status, routes=queued)
    return apprec_id


def _apprec_row(answered_id: str, raw: bytes, envelope: Envelope, now: datetime) -> dict[str, Any]:
    """The message row of our AppRec for ``answered_id`` (``repo.message_values``)."""
    return repo.message_values(
        raw=raw,
        direction=Direction.OUTBOUND,
        kind=Kind.APPREC,
        status=Status.STORED,
        now=now,
        content_type="application/xml",
        format="apprec",
        envelope=envelope,
        source_id=answered_id,
    )


def send_apprec(
    conn: Connection, svc: Services, apprec_id: str, envelope: Envelope, now: datetime
) -> list[str]:
    """Queue the stored AppRec on every route that takes AppRecs; returns the route names."""
    routes = apprec_routes(svc, envelope)
    for r in routes:
        queue.enqueue(
            conn,
            message_id=apprec_id,
            source_id=apprec_id,
            route=r.name,
            transport=r.transport,
            endpoint=r.endpoint,
            target_format="apprec",
            schedule=queue.schedule_data(r),
            now=now,
        )
    if routes:
        repo.update_message(conn, apprec_id, now, status=Status.PENDING, route=routes[0].name)
    return [r.name for r in routes]


def reject(svc: Services, message: StoredMessage, error: MessageRejected) -> Outcome:
    """A permanent error caused by the sender: status rejected, event, negative AppRec (when addressable)."""
    now = svc.now()
    reply = reply_for(error)
    apprec_id = None
    with svc.engine.begin() as conn:
        repo.settle(conn, message.id, now, Status.REJECTED, error=error.as_dict(), completed_at=now)
        repo.add_event(conn, message.id, "rejected", now, **error.as_dict())
        current = repo.get_message(conn, message.id)
        if current and _refusable(current) and reply.apprec_status:
            errors = [{"code": reply.apprec_error or "X99", "text": error.detail, "where": error.where or ""}]
            apprec_id = _try_apprec(conn, svc, current, reply.apprec_status, errors, error)
    svc.metrics.failed(message.msg_type, None, error.code)
    return Outcome(
        id=message.id,
        status=str(Status.REJECTED),
        msg_id=message.msg_id,
        errors=[error.as_dict()],
        apprec_id=apprec_id,
    )


def _refusable(message: StoredMessage) -> bool:
    """A refused Hodemelding, or bytes too broken to tell, gets a negative AppRec (never an AppRec)."""
    return (
        message.direction == Direction.INBOUND
        and message.kind == Kind.MESSAGE
        and message.format in HODEMELDING_FORMATS | {None}
    )


def _answerable(message: StoredMessage) -> bool:
    """Only a received business Hodemelding (not a replay, never an AppRec) gets an AppRec; it names
    the sender as the Hodemelding does (by HER-id, or by organisation number alone), and one that
    cannot be built is recorded as ``apprec.impossible``."""
    return (
        message.direction == Direction.INBOUND
        and message.kind == Kind.MESSAGE
        and message.format in HODEMELDING_FORMATS
        and bool(message.msg_id)
    )


def _try_apprec(
    conn: Connection,
    svc: Services,
    message: StoredMessage,
    status: str,
    errors: list[dict[str, str]],
    refusal: GatewayError | None = None,
) -> str | None:
    try:
        with conn.begin_nested():
            return store_apprec(conn, svc, message, status, errors, refusal)
    except GatewayError as exc:
        repo.add_event(conn, message.id, "apprec.impossible", svc.now(), **exc.as_dict())
        log.warning("cannot build AppRec for %s: [%s]", message.id, exc.code)
        return None


def answer_duplicate(
    svc: Services, message: StoredMessage, original: StoredMessage, cause: str = "duplicate"
) -> Outcome:
    """A repeat: nothing is processed again; the sender gets the first one's AppRec again.

    ``cause`` names the repeat on its timeline: ``resend`` (sent again) or ``duplicate``."""
    with svc.engine.begin() as conn:
        return answer_duplicate_in(conn, svc, message, original, cause)


def answer_duplicate_in(
    conn: Connection, svc: Services, message: StoredMessage, original: StoredMessage, cause: str = "duplicate"
) -> Outcome:
    """``answer_duplicate`` within the caller's transaction: the one that found the repeat under the
    lock on its key, so that of two copies taken in at once by two workers exactly one is the repeat."""
    now = svc.now()
    repo.settle(conn, message.id, now, Status.DUPLICATE, kind="duplicate", source_id=original.id)
    repo.add_event(conn, message.id, cause, now, original=original.id)
    repo.add_event(conn, original.id, "repeated", now, duplicate=message.id, cause=cause)
    receipt = sent_receipt(conn, original.id)
    if receipt is not None:
        apprec_msg = repo.get_message(conn, receipt["apprec_id"])
        if apprec_msg is not None:
            send_apprec(conn, svc, apprec_msg.id, apprec_msg.envelope(), now)
    latest = repo.get_message(conn, original.id) or original
    return Outcome(
        id=original.id,
        status=latest.status,
        msg_id=original.msg_id,
        duplicate=True,
        received_id=message.id,
        apprec_id=receipt["apprec_id"] if receipt else None,
    )


def after_delivery(conn: Connection, svc: Services, source_id: str) -> None:
    """When every delivery of a received message is done: its final status and (once) its AppRec."""
    now = svc.now()
    source = lock_message(conn, source_id)
    if source is None or source.direction != Direction.INBOUND or source.status != Status.ROUTED:
        return
    done = queue.for_source(conn, source_id)
    if any(d.status == DeliveryStatus.PENDING for d in done):
        return
    dead = [d for d in done if d.status == DeliveryStatus.DEAD]
    if dead:
        repo.update_message(conn, source_id, now, status=Status.FAILED)
        repo.add_event(conn, source_id, "failed", now, dead_letters=[d.route for d in dead])
        refused = [d for d in dead if (d.last_error or {}).get("refused")]
        if refused and _answerable(source) and sent_receipt(conn, source_id) is None:
            _try_apprec(conn, svc, source, "2", [_refusal_text(d) for d in refused])
        return
    repo.update_message(conn, source_id, now, status=Status.DELIVERED, completed_at=now)
    repo.add_event(conn, source_id, "delivered", now, destinations=len(done))
    if _answerable(source) and sent_receipt(conn, source_id) is None:
        _try_apprec(conn, svc, source, *_delivered_answer(source))


def _delivered_answer(source: StoredMessage) -> tuple[str, list[dict[str, str]]]:
    """Status and errors of the AppRec for a message every destination took: 3 with an X99 error
    for each part that could not be mapped, else 1."""
    unmapped = [i for i in source.issues if i.get("severity") == "error"]
    errors = [
        {"code": "X99", "text": i.get("text_no") or i.get("text", ""), "where": i.get("path", "")}
        for i in unmapped
    ]
    return ("3" if unmapped else "1"), errors


def after_deliveries(conn: Connection, svc: Services, source_ids: list[str]) -> None:
    """``after_delivery`` for the sources of many deliveries, with a few statements for all of them:
    the sources are locked (in id order) and their deliveries read with one query each; the ones
    every destination took are settled, and their AppRecs, receipt rows and events written, together.
    A source with a delivery dead for good settles one by one, as ``after_delivery`` does."""
    now = svc.now()
    sources = [
        s
        for s in lock_messages(conn, source_ids)
        if s.direction == Direction.INBOUND and s.status == Status.ROUTED
    ]
    by_source = queue.for_sources(conn, [s.id for s in sources])
    settled: list[StoredMessage] = []
    events: list[dict[str, object]] = []
    for source in sources:
        done = by_source[source.id]
        if any(d.status == DeliveryStatus.PENDING for d in done):
            continue
        if any(d.status == DeliveryStatus.DEAD for d in done):
            after_delivery(conn, svc, source.id)
            continue
        settled.append(source)
        events.append(repo.event_values(source.id, "delivered", now, destinations=len(done)))
    repo.mark_completed(conn, [s.id for s in settled], now)
    answerable = [s for s in settled if _answerable(s)]
    answered = with_sent_receipt(conn, [s.id for s in answerable])
    _store_apprecs(conn, svc, [s for s in answerable if s.id not in answered], events)


def _store_apprecs(
    conn: Connection, svc: Services, sources: list[StoredMessage], events: list[dict[str, object]]
) -> None:
    """``store_apprec`` for many delivered messages: every AppRec is built before anything is written
    (one that cannot be built is recorded as ``apprec.impossible``), then the AppRec rows, receipt
    rows and ``events`` are inserted with one statement each."""
    try:
        raws = repo.get_raws(conn, [s.id for s in sources])
    except Pruned:  # one by one, as after_delivery: the pruned one records apprec.impossible
        if events:
            repo.add_events(conn, events)
        for source in sources:
            _try_apprec(conn, svc, source, *_delivered_answer(source))
        return
    now = svc.now()
    rows: list[dict[str, object]] = []
    receipt_rows: list[dict[str, object]] = []
    built: list[tuple[str, str, Envelope, str]] = []
    for source in sources:
        status, errors = _delivered_answer(source)
        try:
            raw = apprecs.build(svc, source, raws.get(source.id, b""), status, errors)
            envelope = apprecs.envelope(raw)
        except GatewayError as exc:
            events.append(repo.event_values(source.id, "apprec.impossible", svc.now(), **exc.as_dict()))
            log.warning("cannot build AppRec for %s: [%s]", source.id, exc.code)
            continue
        values = _apprec_row(source.id, raw, envelope, now)
        rows.append(values)
        receipt_rows.append(receipt_values(source.id, str(values["id"]), "sent", status, list(errors), now))
        built.append((source.id, str(values["id"]), envelope, status))
    if rows:
        repo.insert_messages(conn, rows)
    add_receipts(conn, receipt_rows)
    for source_id, apprec_id, envelope, status in built:
        queued = send_apprec(conn, svc, apprec_id, envelope, now)
        events.append(
            repo.event_values(
                source_id, "apprec.produced", now, apprec=apprec_id, status=status, routes=queued
            )
        )
    if events:
        repo.add_events(conn, events)


def _refusal_text(delivery: Delivery) -> dict[str, str]:
    """The Avvist error for a destination that refused the message for good (the system behind us)."""
    detail = str((delivery.last_error or {}).get("detail", ""))[:200]
    return {"code": "X99", "text": f"Mottakersystemet avviste meldingen: {detail}", "where": delivery.route}
