"""The receiving MSH (HITS 1171 §8, HIS 1037): answer an ebXML message once, then process its payload.

A readable business message gets exactly one signal, an Acknowledgment or a MessageError, stored as
an outbound message (kind ``ack``) so a repeat of the same MessageId gets the very same bytes back.
An acknowledged payload (the Hodemelding) becomes an inbound message of its own, linked to the
envelope, and takes the ordinary way (its AppRec included): one package is one message, so a package
with more than one payload part is refused (``ebxml.payload-count``) and its parts are never fanned
out. Signals are recorded, never answered.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection

from samband.adapters.ebxml import envelope_of, receive_ebxml, serialize_ebxml, soap_fault
from samband.gateway.outcome import Outcome
from samband.gateway.runtime import Services
from samband.gateway.store import repository as repo
from samband.gateway.store import signals
from samband.gateway.store.repository import Direction, Kind, Status, StoredMessage
from samband.kernel.errors import GatewayError, MessageRejected
from samband.kernel.problems import Problem

SIGNAL_TYPE = "text/xml; charset=utf-8"


def unpack(svc: Services, message: StoredMessage, raw: bytes) -> tuple[Outcome, list[str]]:
    """Answer the envelope (ack or MessageError, stored); returns the outcome and the ids of the
    stored payloads, which the spine then takes in turn."""
    with svc.reads.begin() as conn:
        soap_action = signals.soap_action_of(conn, message.id)
    received = receive_ebxml(raw, content_type=message.content_type, soap_action=soap_action, now=svc.now())
    if received.message is None:
        error = received.error or MessageRejected("unreadable ebXML message", code="ebxml.unreadable")
        return refuse(svc, message, error), []
    now = svc.now()
    if received.reply is None:  # a signal: recorded, never answered (no ack of an ack)
        with svc.engine.begin() as conn:
            repo.settle(conn, message.id, now, Status.STORED, completed_at=now)
            repo.add_event(conn, message.id, "ebxml.signal", now, action=received.message.header.action)
        return Outcome(message.id, str(Status.STORED), None), []
    reply = serialize_ebxml(received.reply)
    if not received.accepted:
        first = received.errors[0] if received.errors else None
        error = received.error or _finding_error(first)
        return _refused(svc, message, error, reply, SIGNAL_TYPE), []
    lease = now + timedelta(seconds=svc.settings.processing_grace_seconds)
    payloads = received.message.payloads[
        :1
    ]  # one package, one message: more is refused (ebxml.payload-count)
    # with no payload part (an envelope sent alone) nothing goes on: kept as stored, never shown as
    # routed or delivered
    settled = Status.ROUTED if payloads else Status.STORED
    with svc.engine.begin() as conn:  # the ack and the payload it acknowledges commit together
        repo.settle(conn, message.id, now, settled, completed_at=now)
        _store_reply(conn, svc, message, reply, SIGNAL_TYPE)
        inner = [_store_payload(conn, message, part.data, now, lease) for part in payloads]
        repo.add_event(conn, message.id, "ebxml.unpacked", now, payloads=inner)
    envelope = envelope_of(received.message)
    return Outcome(message.id, str(settled), envelope.ebxml_message_id), inner


def _store_payload(
    conn: Connection, envelope: StoredMessage, data: bytes, now: datetime, lease: datetime
) -> str:
    mid = repo.insert_message(
        conn,
        raw=data,
        direction=Direction.INBOUND,
        kind=Kind.MESSAGE,
        status=Status.RECEIVED,
        now=now,
        content_type="application/xml",
        source_id=envelope.id,
        lease_until=lease,
    )
    repo.add_event(conn, mid, "received", now, size=len(data), sha256=repo.sha256(data), envelope=envelope.id)
    return mid


def _store_reply(
    conn: Connection, svc: Services, message: StoredMessage, reply: bytes, content_type: str
) -> str:
    now = svc.now()
    reply_id = repo.insert_message(
        conn,
        raw=reply,
        direction=Direction.OUTBOUND,
        kind=Kind.ACK,
        status=Status.DELIVERED,
        now=now,
        content_type=content_type,
        format="ebxml",
        source_id=message.id,
    )
    repo.add_event(conn, message.id, "ebxml.answered", now, reply=reply_id)
    return reply_id


def refuse(svc: Services, message: StoredMessage, error: GatewayError) -> Outcome:
    """An envelope too broken to carry a MessageId: answered with a SOAP Fault (HITS 1172)."""
    return _refused(svc, message, error, soap_fault(error), "application/soap+xml")


def _refused(
    svc: Services, message: StoredMessage, error: GatewayError, reply: bytes, content_type: str
) -> Outcome:
    """Transport-level refusal: the payload never reaches the application (HIS 1037), no AppRec."""
    now = svc.now()
    with svc.engine.begin() as conn:
        repo.settle(conn, message.id, now, Status.REJECTED, error=error.as_dict(), completed_at=now)
        _store_reply(conn, svc, message, reply, content_type)
        repo.add_event(conn, message.id, "rejected", now, **error.as_dict())
    svc.metrics.failed(message.msg_type, None, error.code)
    return Outcome(message.id, str(Status.REJECTED), message.ebxml_message_id, errors=[error.as_dict()])


def _finding_error(first: Problem | None) -> MessageRejected:
    """The sender's envelope broke an error-level profile rule: refused at the transport level."""
    if first is None:
        return MessageRejected("refused by the ebXML profile", code="ebxml.refused")
    return MessageRejected(
        first.text, code=first.code, where=first.path, line=first.line, column=first.column
    )


def reply_of(svc: Services, message_id: str) -> tuple[bytes, str] | None:
    """The signal (or SOAP Fault) the gateway answered ``message_id`` with: the same bytes every time."""
    with svc.reads.begin() as conn:
        return signals.reply_of(conn, message_id)
