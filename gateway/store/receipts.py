"""Receipt rows (the AppRecs the gateway gave and got), translation rows, and AppRecs overdue.

HIS 80415: one AppRec per received business message (``direction`` sent), and the AppRec that
answers each message the gateway sent (``direction`` received).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select

from samband.gateway.store.repository import MESSAGE_COLUMNS, StoredMessage, new_id
from samband.gateway.store.tables import messages, receipts, translations


def _receipt(conn: Connection, message_id: str, direction: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(receipts).where(receipts.c.message_id == message_id, receipts.c.direction == direction)
    ).first()
    return None if row is None else dict(row._asdict())


def sent_receipt(conn: Connection, message_id: str) -> dict[str, Any] | None:
    """The AppRec the gateway produced for ``message_id``: receipt row facts, or None."""
    return _receipt(conn, message_id, "sent")


def with_sent_receipt(conn: Connection, message_ids: list[str]) -> set[str]:
    """Those of ``message_ids`` the gateway already produced an AppRec for (one query)."""
    if not message_ids:
        return set()
    query = select(receipts.c.message_id).where(
        receipts.c.message_id.in_(sorted(set(message_ids))), receipts.c.direction == "sent"
    )
    return {mid for (mid,) in conn.execute(query)}


def received_receipt(conn: Connection, message_id: str) -> dict[str, Any] | None:
    """The AppRec that answered ``message_id`` (a message the gateway sent), or None."""
    return _receipt(conn, message_id, "received")


def add_receipt(
    conn: Connection,
    message_id: str,
    apprec_id: str,
    direction: str,
    status: str,
    errors: list[dict[str, Any]],
    now: datetime,
) -> None:
    conn.execute(receipts.insert(), receipt_values(message_id, apprec_id, direction, status, errors, now))


def add_receipts(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Receipt rows of many messages (``receipt_values``) in one statement."""
    if rows:
        conn.execute(receipts.insert(), rows)


def receipt_values(
    message_id: str, apprec_id: str, direction: str, status: str, errors: list[dict[str, Any]], now: datetime
) -> dict[str, Any]:
    return {"id": new_id(), "message_id": message_id, "apprec_id": apprec_id, "direction": direction,
            "status": status, "errors": errors, "created_at": now}  # fmt: skip


def add_translation(
    conn: Connection,
    source_id: str,
    output_id: str,
    route: str,
    target_format: str,
    issues: list[dict[str, Any]],
    now: datetime,
) -> None:
    conn.execute(
        translations.insert().values(
            id=new_id(),
            message_id=source_id,
            output_id=output_id,
            route=route,
            target_format=target_format,
            issues=issues,
            created_at=now,
        )
    )


def translations_of(conn: Connection, message_id: str) -> list[Row[Any]]:
    """The translations made of ``message_id``, one per route it went to."""
    return list(conn.execute(translations.select().where(translations.c.message_id == message_id)).all())


def lock_message(conn: Connection, message_id: str) -> StoredMessage | None:
    """Hold the message row until the transaction ends (PostgreSQL; SQLite already serialises writers),
    so two deliveries finishing at once settle their source once; returns the message as it is then."""
    query = select(*MESSAGE_COLUMNS).where(messages.c.id == message_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return None if row is None else StoredMessage.from_row(row)


def lock_messages(conn: Connection, message_ids: list[str]) -> list[StoredMessage]:
    """``lock_message`` for many messages with one query, rows locked in id order (no deadlock)."""
    if not message_ids:
        return []
    query = (
        select(*MESSAGE_COLUMNS).where(messages.c.id.in_(sorted(set(message_ids)))).order_by(messages.c.id)
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return [StoredMessage.from_row(row) for row in conn.execute(query)]


def overdue_apprecs(conn: Connection, now: datetime, limit: int = 500) -> list[str]:
    """Sent messages whose AppRec was due before ``now`` and has not been flagged yet."""
    query = select(messages.c.id).where(messages.c.apprec_due_at.is_not(None), messages.c.apprec_due_at < now)
    return [mid for (mid,) in conn.execute(query.limit(limit))]
