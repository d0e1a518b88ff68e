"""Following a delivered message up at its receiver: its id there, what it last said, when to ask again.

A transport whose receiver answers later (NHN's message service: transport status and the AppRec)
returns a ``Receipt`` with ``follow_up_seconds``; the worker then keeps the receiver's id and a due
time on the delivery, and the follow-up job (``gateway/delivery/follow_up.py``) claims due rows here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from samband.gateway.store.deliveries import Delivery, DeliveryStatus
from samband.gateway.store.tables import deliveries


def record_remote(
    conn: Connection, delivery_id: str, remote_id: str | None, follow_up_at: datetime | None
) -> None:
    """The receiver's id for what it took, and when to ask it about the message (None: never)."""
    values: dict[str, Any] = {"remote_id": remote_id, "follow_up_at": follow_up_at}
    conn.execute(update(deliveries).where(deliveries.c.id == delivery_id).values(**values))


def claim_follow_ups(conn: Connection, now: datetime, until: datetime, limit: int) -> list[Delivery]:
    """Delivered deliveries whose follow-up is due, moved on to ``until`` so no other pass takes them
    meanwhile (a pass that dies leaves them due again then)."""
    due = (
        deliveries.c.status == str(DeliveryStatus.DELIVERED),
        deliveries.c.follow_up_at.is_not(None),
        deliveries.c.follow_up_at <= now,
    )
    query = select(deliveries.c.id).where(*due).order_by(deliveries.c.follow_up_at).limit(limit)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = [
        did
        for (did,) in conn.execute(query).all()
        if conn.execute(
            update(deliveries).where(deliveries.c.id == did, *due).values(follow_up_at=until)
        ).rowcount
        == 1
    ]
    rows = conn.execute(select(deliveries).where(deliveries.c.id.in_(claimed))).all() if claimed else []
    return [Delivery.from_row(r) for r in rows]


def follow_up_done(
    conn: Connection, delivery_id: str, state: dict[str, Any] | None, next_at: datetime | None
) -> None:
    """What the receiver said this time, and when to ask again (None: the follow-up is over)."""
    values: dict[str, Any] = {"remote_state": state, "follow_up_at": next_at}
    conn.execute(update(deliveries).where(deliveries.c.id == delivery_id).values(**values))
