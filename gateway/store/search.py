"""Message search over indexed business keys only (no content scans), newest first, paginated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, func, or_, select

from samband.gateway.store.repository import MESSAGE_COLUMNS, StoredMessage
from samband.gateway.store.tables import messages

MAX_LIMIT = 500


@dataclass(frozen=True)
class MessageQuery:
    """The filters of ``GET /messages``; each one given narrows the result."""

    msg_id: str | None = None
    conversation_id: str | None = None
    patient: str | None = None
    sender_her: str | None = None
    receiver_her: str | None = None
    type: str | None = None
    status: str | None = None
    direction: str | None = None
    source_id: str | None = None
    kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    offset: int = 0


def _clauses(q: MessageQuery) -> list[ColumnElement[bool]]:
    c = messages.c
    clauses: list[ColumnElement[bool]] = []
    exact = {
        c.msg_id: q.msg_id,
        c.patient_id: q.patient,
        c.sender_her: q.sender_her,
        c.receiver_her: q.receiver_her,
        c.msg_type: q.type,
        c.status: q.status,
        c.direction: q.direction,
        c.source_id: q.source_id,
        c.kind: q.kind,
    }
    clauses.extend(column == value for column, value in exact.items() if value is not None)
    if q.conversation_id is not None:
        clauses.append(
            or_(c.conversation_ref == q.conversation_id, c.ebxml_conversation_id == q.conversation_id)
        )
    if q.since is not None:
        clauses.append(c.received_at >= q.since)
    if q.until is not None:
        clauses.append(c.received_at < q.until)
    return clauses


def search_messages(conn: Connection, q: MessageQuery) -> tuple[int, list[StoredMessage]]:
    """(total matching, one page of messages) for the query."""
    clauses = _clauses(q)
    total = conn.execute(select(func.count()).select_from(messages).where(*clauses)).scalar_one()
    page = (
        select(*MESSAGE_COLUMNS)
        .where(*clauses)
        .order_by(messages.c.received_at.desc(), messages.c.id)
        .limit(min(max(q.limit, 1), MAX_LIMIT))
        .offset(max(q.offset, 0))
    )
    return int(total), [StoredMessage.from_row(r) for r in conn.execute(page)]
