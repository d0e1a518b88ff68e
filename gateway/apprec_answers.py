"""AppRecs that answer messages the gateway sent, and the job that flags the ones that never come.

The same AppRec received again (same bytes or Id as the one recorded) is a ``duplicate`` of it and
changes nothing.

HIS 80415 §3: a sender without an AppRec 96 h after sending must treat the message as refused and
follow up; ``SAMBAND_APPREC_TIMEOUT_SECONDS`` sets that time, ``flag_overdue`` raises an event and
the ``samband_apprec_missing`` metric once per late message.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection

from samband.gateway import apprecs
from samband.gateway.outcome import Outcome
from samband.gateway.runtime import Services
from samband.gateway.store import repository as repo
from samband.gateway.store.receipts import add_receipt, overdue_apprecs, received_receipt
from samband.gateway.store.repository import Direction, Kind, Status, StoredMessage

EMITTED_HODEMELDING = frozenset({"plo", "dialogmelding"})


def expects_apprec(message: StoredMessage) -> bool:
    """Outbound Hodemeldinger we emit expect an AppRec back; AppRecs and FHIR never do."""
    return (
        message.direction == Direction.OUTBOUND
        and message.kind != Kind.APPREC
        and (message.format in EMITTED_HODEMELDING or (message.format == "as-is" and bool(message.msg_id)))
    )


def apprec_due(svc: Services, now: datetime) -> datetime:
    return now + timedelta(seconds=svc.settings.apprec_timeout_seconds)


def record_incoming(svc: Services, message: StoredMessage, raw: bytes) -> Outcome:
    """An AppRec for a message we sent: link it, update that message's status; never answer an AppRec."""
    now = svc.now()
    facts = apprecs.read(raw)
    with svc.engine.begin() as conn:
        sent = repo.find_sent(conn, facts.original_msg_id) if facts.original_msg_id else None
        if sent is None:
            repo.settle(conn, message.id, now, Status.STORED, kind="apprec")
            repo.add_event(conn, message.id, "apprec.unmatched", now, original_msg_id=facts.original_msg_id)
            return Outcome(id=message.id, status=str(Status.STORED), msg_id=message.msg_id)
        first = _recorded_before(conn, sent, message)
        if first is not None:
            repo.settle(conn, message.id, now, Status.DUPLICATE, kind="duplicate", source_id=first.id)
            repo.add_event(conn, message.id, "duplicate", now, original=first.id)
            repo.add_event(conn, first.id, "repeated", now, duplicate=message.id, cause="duplicate")
            return Outcome(first.id, str(first.status), first.msg_id, duplicate=True, received_id=message.id)
        accepted = facts.status in {"1", "3"}
        repo.settle(conn, message.id, now, Status.STORED, kind="apprec", source_id=sent.id)
        repo.update_message(
            conn, sent.id, now, status=Status.ACCEPTED if accepted else Status.REFUSED, apprec_due_at=None
        )
        if received_receipt(conn, sent.id) is None:
            add_receipt(conn, sent.id, message.id, "received", facts.status, facts.errors, now)
        repo.add_event(conn, sent.id, "apprec.received", now, apprec=message.id, status=facts.status)
        repo.add_event(conn, message.id, "apprec.matched", now, answers=sent.id, status=facts.status)
    return Outcome(id=message.id, status=str(Status.STORED), msg_id=message.msg_id)


def _recorded_before(conn: Connection, sent: StoredMessage, message: StoredMessage) -> StoredMessage | None:
    """The AppRec already recorded for ``sent`` when ``message`` is that same AppRec again (same
    bytes or same Id): received a second time, e.g. fetched again before it was marked read."""
    receipt = received_receipt(conn, sent.id)
    first = repo.get_message(conn, receipt["apprec_id"]) if receipt else None
    if first is None or first.id == message.id:
        return None
    same = first.sha256 == message.sha256 or (first.msg_id is not None and first.msg_id == message.msg_id)
    return first if same else None


def flag_overdue(conn: Connection, svc: Services, now: datetime) -> int:
    """Scheduled job: sent messages whose AppRec is late get an event and a metric, once each."""
    late = overdue_apprecs(conn, now)
    for mid in late:
        message = repo.get_message(conn, mid)
        if message is None:
            continue
        repo.update_message(conn, mid, now, apprec_due_at=None)
        repo.add_event(conn, mid, "apprec.overdue", now, route=message.route)
        if message.source_id:
            repo.add_event(conn, message.source_id, "apprec.overdue", now, output=mid, route=message.route)
        svc.metrics.apprec_missing(message.msg_type, message.route)
    return len(late)
