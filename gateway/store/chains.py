"""The last accepted message of a chain: the ip-export of a plan the gateway took in last (in the order
the messages arrived: their ``received`` events, which a clock that stands still cannot tie)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from samband.gateway.store.repository import Direction, Kind, Status
from samband.gateway.store.tables import events, messages

ACCEPTED = (Status.ROUTED, Status.DELIVERED, Status.FAILED, Status.STORED)


def last_accepted_raw(conn: Connection, msg_type: str, conversation: str, besides: str) -> bytes | None:
    """The bytes of the newest message of ``msg_type`` in ``conversation`` that was taken in (not
    refused, not a repeat), other than ``besides``; None when there is none."""
    c = messages.c
    query = (
        select(c.raw)
        .join(events, (events.c.message_id == c.id) & (events.c.kind == "received"))
        .where(
            c.conversation_ref == conversation,
            c.msg_type == msg_type,
            c.direction == Direction.INBOUND,
            c.kind == Kind.MESSAGE,
            c.status.in_([str(s) for s in ACCEPTED]),
            c.id != besides,
        )
        .order_by(events.c.id.desc())
        .limit(1)
    )
    raw = conn.execute(query).scalar_one_or_none()
    return bytes(raw) if raw is not None else None
