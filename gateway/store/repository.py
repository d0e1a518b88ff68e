"""Messages and their event log: store first, read back, search by business key, find duplicates.

Every function takes an open connection inside the caller's transaction, so the caller decides what
commits together (the raw bytes commit alone, before anything that can fail).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Required, TypedDict, Unpack

from sqlalchemy import ColumnElement, Connection, Row, and_, bindparam, func, or_, select, text, update

from samband.gateway.store.tables import events, messages
from samband.kernel.envelope import Envelope
from samband.kernel.errors import Pruned


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Kind(StrEnum):
    """Why a message row exists: received, emitted as a translation or AppRec, replayed, repeated."""

    MESSAGE = "message"
    TRANSLATION = "translation"
    FORWARD = "forward"  # the original bytes sent on as they are (target format as-is)
    APPREC = "apprec"
    FEEDBACK = "feedback"  # feedback the gateway composed for a GP
    REPLAY = "replay"
    DUPLICATE = "duplicate"
    ACK = "ack"  # the ebXML signal (Acknowledgment / MessageError / SOAP Fault) we answered with


class Status(StrEnum):
    RECEIVED = "received"  # raw bytes stored; not yet processed
    REJECTED = "rejected"  # permanent error caused by the sender; negative AppRec
    HELD = "held"  # a change or cancellation waiting for the message it names (arrived first)
    DUPLICATE = "duplicate"  # seen before; the first one's answer is repeated
    ROUTED = "routed"  # translated and queued for its destinations
    DELIVERED = "delivered"  # every destination took it
    FAILED = "failed"  # at least one destination gave up (dead letter)
    PENDING = "pending"  # outbound, waiting for its delivery
    STORED = "stored"  # outbound with no destination (kept and searchable)
    ACCEPTED = "accepted"  # outbound, the receiver's AppRec said OK
    REFUSED = "refused"  # outbound, the receiver's AppRec said Avvist


MESSAGE_COLUMNS = [c for c in messages.c if c.name != "raw"]


@dataclass(frozen=True)
class StoredMessage:
    """A message row without its bytes (read those with ``get_raw``)."""

    id: str
    direction: str
    kind: str
    format: str | None
    content_type: str | None
    sha256: str
    size: int
    msg_id: str | None
    msg_type: str | None
    msg_version: str | None
    msg_namespace: str | None
    conversation_ref: str | None
    parent_ref: str | None
    ebxml_message_id: str | None
    ebxml_conversation_id: str | None
    cpa_id: str | None
    patient_id: str | None
    sender_her: str | None
    receiver_her: str | None
    status: str
    source_id: str | None
    route: str | None
    received_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    lease_until: datetime | None
    apprec_due_at: datetime | None
    issues: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    pruned_at: datetime | None = None  # the retention cleared the bytes then

    @classmethod
    def from_row(cls, row: Row[Any]) -> StoredMessage:
        return cls(**row._asdict())

    def envelope(self) -> Envelope:
        return Envelope(
            msg_id=self.msg_id,
            msg_type=self.msg_type,
            sender_her=self.sender_her,
            receiver_her=self.receiver_her,
            conversation_ref=self.conversation_ref,
            parent_ref=self.parent_ref,
            patient_id=self.patient_id,
            namespace=self.msg_namespace,
            version=self.msg_version,
            cpa_id=self.cpa_id,
            ebxml_message_id=self.ebxml_message_id,
            ebxml_conversation_id=self.ebxml_conversation_id,
        )


def new_id() -> str:
    return str(uuid.uuid4())


def sha256(raw: bytes) -> str:
    """SHA-256 of the payload with surrounding whitespace and a BOM removed (the dedup key)."""
    return hashlib.sha256(raw.strip().removeprefix(b"\xef\xbb\xbf").strip()).hexdigest()


def fit(values: dict[str, Any]) -> dict[str, Any]:
    """Cut text to its column's length: a hostile 10 kB MsgId must not stop the store (store first)."""
    fitted = dict(values)
    for key, value in values.items():
        column = messages.c.get(key)
        length = getattr(column.type, "length", None) if column is not None else None
        if isinstance(value, str) and length and len(value) > length:
            fitted[key] = value[:length]
    return fitted


def envelope_columns(envelope: Envelope) -> dict[str, Any]:
    return {
        "msg_id": envelope.msg_id,
        "msg_type": envelope.msg_type,
        "msg_version": envelope.version,
        "msg_namespace": envelope.namespace,
        "conversation_ref": envelope.conversation_ref,
        "parent_ref": envelope.parent_ref,
        "ebxml_message_id": envelope.ebxml_message_id,
        "ebxml_conversation_id": envelope.ebxml_conversation_id,
        "cpa_id": envelope.cpa_id,
        "patient_id": envelope.patient_id,
        "sender_her": envelope.sender_her,
        "receiver_her": envelope.receiver_her,
    }


class MessageColumns(TypedDict, total=False):
    """What a new message row is made of (``message_values``); the first five are required."""

    raw: Required[bytes]
    direction: Required[Direction]
    kind: Required[Kind]
    status: Required[Status]
    now: Required[datetime]
    content_type: str | None
    format: str | None
    envelope: Envelope | None
    source_id: str | None
    route: str | None
    lease_until: datetime | None
    message_id: str | None
    issues: list[dict[str, Any]] | None


NO_ENVELOPE = Envelope(msg_id=None, msg_type=None)


def message_values(**columns: Unpack[MessageColumns]) -> dict[str, Any]:
    """The columns of one new message row (bytes, hash, envelope facts, issues), cut to fit; every envelope
    column is named, None where unknown, so rows of many messages insert together (``insert_messages``)."""
    raw, now = columns["raw"], columns["now"]
    values: dict[str, Any] = {
        "id": columns.get("message_id") or new_id(),
        "direction": str(columns["direction"]),
        "kind": str(columns["kind"]),
        "format": columns.get("format"),
        "content_type": columns.get("content_type"),
        "raw": raw,
        "sha256": sha256(raw),
        "size": len(raw),
        "status": str(columns["status"]),
        "source_id": columns.get("source_id"),
        "route": columns.get("route"),
        "received_at": now,
        "updated_at": now,
        "lease_until": columns.get("lease_until"),
        "issues": columns.get("issues") or [],
    }
    values.update(envelope_columns(columns.get("envelope") or NO_ENVELOPE))
    return fit(values)


def insert_message(conn: Connection, **columns: Unpack[MessageColumns]) -> str:
    """Insert one message row (bytes, hash, envelope facts, issues) and return its id."""
    values = message_values(**columns)
    conn.execute(messages.insert(), values)  # parameters, not values(): no statement built per row
    return str(values["id"])


def insert_messages(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert the rows of many messages (``message_values``) in one statement."""
    conn.execute(messages.insert(), rows)


def update_message(conn: Connection, message_id: str, now: datetime, **values: Any) -> None:
    """Set columns of one message (status, envelope facts, issues, error …) and its updated time."""
    for key in ("status", "format"):
        if key in values and values[key] is not None:
            values[key] = str(values[key])
    conn.execute(update(messages).where(messages.c.id == message_id).values(updated_at=now, **fit(values)))


class Settled(Exception):
    """Someone else (the request, or a worker that took it over) already finished this message."""


def settle(conn: Connection, message_id: str, now: datetime, status: Status | str, **values: Any) -> None:
    """Move a message out of ``received``, once: raises ``Settled`` when it was already moved.

    The request that stored a message and a worker that took it over after its claim ran out may
    both process it; only the first to settle commits, the other's work is rolled back unseen.
    """
    done = conn.execute(
        update(messages)
        .where(messages.c.id == message_id, messages.c.status == str(Status.RECEIVED))
        .values(updated_at=now, status=str(status), lease_until=None, **fit(values))
    )
    if done.rowcount != 1:
        raise Settled(message_id)


def get_message(conn: Connection, message_id: str) -> StoredMessage | None:
    row = conn.execute(select(*MESSAGE_COLUMNS).where(messages.c.id == message_id)).first()
    return None if row is None else StoredMessage.from_row(row)


def get_message_with_raw(conn: Connection, message_id: str) -> tuple[StoredMessage, bytes | None] | None:
    """The message row and its bytes in one read (None: no such message); the bytes are None when
    the retention has pruned them (``get_raw`` says so with its coded error)."""
    found = get_arrival(conn, message_id)
    return None if found is None else found[:2]


Arrival = tuple[StoredMessage, bytes | None, dict[str, Any] | None]
"""A message row, its bytes (None: pruned) and the detail of its ``received`` event."""


def get_arrival(conn: Connection, message_id: str) -> Arrival | None:
    """``get_message_with_raw`` and the detail of the message's ``received`` event, in one read."""
    return get_arrivals(conn, [message_id]).get(message_id)


def get_arrivals(conn: Connection, message_ids: list[str]) -> dict[str, Arrival]:
    """``get_arrival`` of each of ``message_ids`` (those that exist), in one read."""
    if not message_ids:
        return {}
    received = (
        select(events.c.detail)
        .where(events.c.message_id == messages.c.id, events.c.kind == "received")
        .order_by(events.c.id)
        .limit(1)
        .scalar_subquery()
    )
    query = select(*MESSAGE_COLUMNS, messages.c.raw, received.label("received_detail"))
    found: dict[str, Arrival] = {}
    for row in conn.execute(query.where(messages.c.id.in_(message_ids))):
        values = row._asdict()
        raw, detail = values.pop("raw"), values.pop("received_detail")
        message = StoredMessage(**values)
        kept = None if message.pruned_at is not None or raw is None else bytes(raw)
        found[message.id] = (message, kept, detail if isinstance(detail, dict) else None)
    return found


def get_messages(conn: Connection, message_ids: Iterable[str]) -> dict[str, StoredMessage]:
    """The messages among ``message_ids`` that exist, by id, read with one query."""
    wanted = sorted(set(message_ids))
    if not wanted:
        return {}
    rows = conn.execute(select(*MESSAGE_COLUMNS).where(messages.c.id.in_(wanted)))
    return {row.id: StoredMessage.from_row(row) for row in rows}


def get_raw(conn: Connection, message_id: str, *, pruned_as_empty: bool = False) -> bytes | None:
    """The bytes as received (None: no such message); ``retention.raw-pruned`` (410) when the
    retention has cleared them, or empty bytes with ``pruned_as_empty`` (comparing with the past)."""
    found = get_raws(conn, [message_id], pruned_as_empty=pruned_as_empty)
    return found.get(message_id)


def get_raws(
    conn: Connection, message_ids: Iterable[str], *, pruned_as_empty: bool = False
) -> dict[str, bytes]:
    """The bytes of the messages among ``message_ids`` that exist, by id, read with one query;
    ``retention.raw-pruned`` as ``get_raw`` when any of them was pruned."""
    wanted = sorted(set(message_ids))
    if not wanted:
        return {}
    query = select(messages.c.id, messages.c.raw, messages.c.pruned_at).where(messages.c.id.in_(wanted))
    found: dict[str, bytes] = {}
    for row in conn.execute(query):
        if row.pruned_at is not None and not pruned_as_empty:
            raise Pruned(
                f"the bytes of message {row.id} were pruned by the retention on {row.pruned_at:%Y-%m-%d}",
                code="retention.raw-pruned",
                where=row.id,
            )
        found[row.id] = bytes(row.raw)
    return found


def lock_key(conn: Connection, key: str) -> None:
    """Serialise writers on one business key (PostgreSQL advisory lock; SQLite already serialises)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})


def find_original(conn: Connection, message: StoredMessage) -> StoredMessage | None:
    """The received message this one repeats: same ebXML MessageId, MsgId, or hash + sender.

    Order of arrival does not decide it: a message stored just before a crash and taken over after
    the sender posted it again finds the repost (already processed) and becomes the duplicate.
    Callers hold ``lock_key`` on the business key, so of two at once exactly one goes first.
    """
    found = find_originals(conn, message, limit=1)
    return found[0] if found else None


def find_originals(conn: Connection, message: StoredMessage, limit: int) -> list[StoredMessage]:
    """Every received message ``find_original`` could name, first received first (at most ``limit``)."""
    keys = []
    if message.ebxml_message_id:
        keys.append(messages.c.ebxml_message_id == message.ebxml_message_id)
    if message.msg_id:
        keys.append(messages.c.msg_id == message.msg_id)
    keys.append(
        and_(
            messages.c.sha256 == message.sha256,
            messages.c.sender_her.is_not_distinct_from(message.sender_her),
        )
    )
    query = (
        select(*MESSAGE_COLUMNS)
        .where(
            messages.c.direction == str(Direction.INBOUND),
            messages.c.kind == str(Kind.MESSAGE),
            messages.c.id != message.id,
            or_(*keys),
        )
        .order_by(messages.c.received_at, messages.c.id)
        .limit(limit)
    )
    return [StoredMessage.from_row(row) for row in conn.execute(query)]


def find_sent(conn: Connection, msg_id: str) -> StoredMessage | None:
    """The outbound message (our translation) with Hodemelding MsgId ``msg_id``: what an AppRec answers."""
    query = select(*MESSAGE_COLUMNS).where(
        messages.c.direction == str(Direction.OUTBOUND), messages.c.msg_id == msg_id
    )
    row = conn.execute(query.order_by(messages.c.received_at.desc()).limit(1)).first()
    return None if row is None else StoredMessage.from_row(row)


def any_unprocessed(conn: Connection, now: datetime) -> bool:
    """Whether ``claim_unprocessed`` would find anything: a cheap read before taking the write lock."""
    query = select(messages.c.id).where(*_unprocessed(now)).limit(1)
    return conn.execute(query).first() is not None


def _unprocessed(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        messages.c.status == str(Status.RECEIVED),
        or_(messages.c.lease_until.is_(None), messages.c.lease_until < now),
    )


def claim_unprocessed(conn: Connection, now: datetime, lease_until: datetime, limit: int) -> list[str]:
    """Take over received messages whose processing claim expired (the process died mid-way)."""
    query = select(messages.c.id).where(*_unprocessed(now)).order_by(messages.c.received_at).limit(limit)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    found = [mid for (mid,) in conn.execute(query).all()]
    if not found:
        return []
    taken = conn.execute(
        update(messages)
        .where(messages.c.id.in_(found), *_unprocessed(now))
        .values(lease_until=lease_until)
        .returning(messages.c.id)
    )
    claimed = {mid for (mid,) in taken}
    return [mid for mid in found if mid in claimed]  # first received first


def add_event(conn: Connection, message_id: str, kind: str, now: datetime, /, **detail: Any) -> None:
    """Append one entry to the message's timeline (never updated, never deleted); ``actor=`` says who."""
    conn.execute(events.insert(), event_values(message_id, kind, now, **detail))


def event_values(message_id: str, kind: str, now: datetime, /, **detail: Any) -> dict[str, Any]:
    """The columns of one timeline entry (``add_event``, or many at once with ``add_events``)."""
    actor = str(detail.pop("actor", None) or "gateway")
    return {"message_id": message_id, "at": now, "kind": kind, "actor": actor, "detail": detail}


def add_events(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Append the timeline entries of many messages (``event_values``) in one statement."""
    conn.execute(events.insert(), rows)


_DELIVERED = (
    update(messages)
    .where(messages.c.id == bindparam("b_id"))
    .values(updated_at=bindparam("b_now"), status=str(Status.DELIVERED), completed_at=bindparam("b_now"),
            apprec_due_at=bindparam("b_due"))
)  # fmt: skip


def mark_delivered(conn: Connection, due: Mapping[str, datetime | None], now: datetime) -> None:
    """Status ``delivered`` (completed now) for each message id in ``due``, with the time its AppRec
    is due (None: it expects none), with one statement for all of them."""
    if due:
        conn.execute(_DELIVERED, [{"b_id": mid, "b_now": now, "b_due": at} for mid, at in due.items()])


_COMPLETED = (
    update(messages)
    .where(messages.c.id == bindparam("b_id"))
    .values(updated_at=bindparam("b_now"), status=str(Status.DELIVERED), completed_at=bindparam("b_now"))
)


def mark_completed(conn: Connection, message_ids: list[str], now: datetime) -> None:
    """Status ``delivered`` (completed now) for received messages every destination took, with one
    statement for all of them."""
    if message_ids:
        conn.execute(_COMPLETED, [{"b_id": mid, "b_now": now} for mid in message_ids])


def list_events(conn: Connection, message_id: str) -> list[dict[str, Any]]:
    query = select(events).where(events.c.message_id == message_id).order_by(events.c.id)
    return [
        {"at": r.at.isoformat(), "kind": r.kind, "actor": r.actor, "detail": r.detail}
        for r in conn.execute(query)
    ]


def count_by_status(conn: Connection) -> dict[str, int]:
    query = select(messages.c.status, func.count()).group_by(messages.c.status)
    return {str(status): int(n) for status, n in conn.execute(query).all()}
