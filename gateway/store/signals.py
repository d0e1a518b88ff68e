"""What the receiving MSH keeps for ebXML: the SOAPAction a message came with, the signal it answered."""

from __future__ import annotations

from sqlalchemy import Connection, select

from samband.gateway.store.repository import Kind
from samband.gateway.store.tables import events, messages


def soap_action_of(conn: Connection, message_id: str) -> str | None:
    """The SOAPAction header the message came with (kept in its ``received`` event)."""
    row = conn.execute(
        select(events.c.detail).where(events.c.message_id == message_id, events.c.kind == "received")
    ).first()
    action = (row.detail or {}).get("soap_action") if row else None
    return str(action) if action is not None else None


def reply_of(conn: Connection, message_id: str) -> tuple[bytes, str] | None:
    """The signal (or SOAP Fault) stored as the answer to ``message_id``: the same bytes every time."""
    row = conn.execute(
        select(messages.c.raw, messages.c.content_type)
        .where(messages.c.source_id == message_id, messages.c.kind == str(Kind.ACK))
        .order_by(messages.c.received_at)
        .limit(1)
    ).first()
    return None if row is None else (bytes(row.raw), str(row.content_type))
