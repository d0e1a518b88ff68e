"""What the retention may clear, clearing it, and the record of each prune (``prunes``).

A prune clears a message's bytes (``raw``) and the words free-text search kept of it
(``store/text.py``), and stamps ``pruned_at``; the row stays, with its
envelope, hash, events, deliveries, attempts and receipts, so searches, timelines and duplicate
detection keep working and ``GET /messages/{id}/raw`` answers ``retention.raw-pruned`` (410).
Only settled messages qualify: never one still in flight (received, held, routed, pending), one
whose delivery is not done (pending or dead: a dead letter waits for a replay), a failed one, or
one still waiting for its AppRec. The audit trail is never touched (append-only by trigger).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, func, or_, select, update

from samband.gateway.store import text
from samband.gateway.store.deliveries import DeliveryStatus
from samband.gateway.store.repository import Direction, Status
from samband.gateway.store.tables import deliveries, messages, prunes


class PruneKind(StrEnum):
    """What a retention setting covers."""

    RAW = "raw"  # the bytes of what the gateway received
    TRANSLATIONS = "translations"  # the bytes of what it made and sent: translations, AppRecs, feedback


DIRECTIONS: dict[PruneKind, Direction] = {
    PruneKind.RAW: Direction.INBOUND,
    PruneKind.TRANSLATIONS: Direction.OUTBOUND,
}
SETTLED = tuple(
    str(s)
    for s in (
        Status.REJECTED,
        Status.DUPLICATE,
        Status.DELIVERED,
        Status.STORED,
        Status.ACCEPTED,
        Status.REFUSED,
    )
)
"""The statuses after which nothing more happens to a message by itself."""
BATCH = 500


def _open_delivery() -> ColumnElement[bool]:
    """A delivery of the message, or caused by it, that is not delivered yet (pending or dead)."""
    return exists(
        select(deliveries.c.id).where(
            or_(deliveries.c.message_id == messages.c.id, deliveries.c.source_id == messages.c.id),
            deliveries.c.status != str(DeliveryStatus.DELIVERED),
        )
    )


def prunable(kind: PruneKind, cutoff: datetime) -> ColumnElement[bool]:
    """Messages of ``kind`` received before ``cutoff``, settled, not pruned yet."""
    return and_(
        messages.c.direction == str(DIRECTIONS[kind]),
        messages.c.received_at < cutoff,
        messages.c.pruned_at.is_(None),
        messages.c.status.in_(SETTLED),
        messages.c.apprec_due_at.is_(None),
        ~_open_delivery(),
    )


def count_prunable(conn: Connection, kind: PruneKind, cutoff: datetime) -> int:
    return int(
        conn.execute(select(func.count()).select_from(messages).where(prunable(kind, cutoff))).scalar_one()
    )


def prune_batch(
    conn: Connection, kind: PruneKind, cutoff: datetime, now: datetime, limit: int = BATCH
) -> list[str]:
    """Clear the bytes of up to ``limit`` prunable messages; their ids (empty: nothing left)."""
    ids = [mid for (mid,) in conn.execute(select(messages.c.id).where(prunable(kind, cutoff)).limit(limit))]
    if ids:
        conn.execute(
            update(messages)
            .where(messages.c.id.in_(ids), prunable(kind, cutoff))
            .values(raw=b"", pruned_at=now, updated_at=now)
        )
        text.forget_words(conn, ids)  # the words free-text search kept of them go with the bytes
    return ids


def record(conn: Connection, at: datetime, kind: PruneKind, cutoff: datetime, count: int, actor: str) -> None:
    conn.execute(prunes.insert().values(at=at, kind=str(kind), cutoff=cutoff, count=count, actor=actor))


def history(conn: Connection, limit: int = 50) -> list[dict[str, Any]]:
    """The prunes made, newest first."""
    rows = conn.execute(select(prunes).order_by(prunes.c.at.desc(), prunes.c.id.desc()).limit(limit))
    return [{**r._asdict(), "at": r.at.isoformat(), "cutoff": r.cutoff.isoformat()} for r in rows]
