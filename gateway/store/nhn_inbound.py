"""The NHN poller's journal (``nhn_inbound``): one row per message taken from NHN's message service.

The row is written in the same transaction as the raw message it names (``record``), so a message
is either stored and known by its service id, or neither; a second poller or a restart that lists
it again finds the row and does not store it twice. ``read_at`` is set once the service took the
mark-read, ``answered_at`` once the AppRec went back (or there is none to send).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, or_, select, update

from samband.gateway.store.tables import nhn_inbound, nhn_inbound_failures


@dataclass(frozen=True)
class Taken:
    """One journal row."""

    nhn_id: str
    receiver_her: str
    message_id: str
    read_at: datetime | None
    answered_at: datetime | None


def _taken(row: Row[Any]) -> Taken:
    return Taken(**row._asdict())


COLUMNS = [nhn_inbound.c[name] for name in ("nhn_id", "receiver_her", "message_id", "read_at", "answered_at")]


def get(conn: Connection, nhn_id: str) -> Taken | None:
    row = conn.execute(select(*COLUMNS).where(nhn_inbound.c.nhn_id == nhn_id)).first()
    return None if row is None else _taken(row)


def record(
    conn: Connection,
    nhn_id: str,
    message_id: str,
    now: datetime,
    *,
    receiver_her: int,
    sender_her: int | None,
    msg_id: str | None,
) -> None:
    """The message ``nhn_id`` is stored as ``message_id`` (an IntegrityError: someone stored it first)."""
    conn.execute(
        nhn_inbound.insert().values(
            nhn_id=nhn_id,
            receiver_her=str(receiver_her),
            sender_her=None if sender_her is None else str(sender_her),
            msg_id=msg_id,
            message_id=message_id,
            fetched_at=now,
        )
    )


def mark_read(conn: Connection, nhn_id: str, now: datetime) -> None:
    conn.execute(
        update(nhn_inbound)
        .where(nhn_inbound.c.nhn_id == nhn_id, nhn_inbound.c.read_at.is_(None))
        .values(read_at=now)
    )


def unanswered(conn: Connection, now: datetime, limit: int) -> list[Taken]:
    """Read at the service, no AppRec sent yet, and nobody holds it: the oldest first."""
    rows = conn.execute(
        select(*COLUMNS)
        .where(
            nhn_inbound.c.read_at.is_not(None),
            nhn_inbound.c.answered_at.is_(None),
            or_(nhn_inbound.c.claimed_until.is_(None), nhn_inbound.c.claimed_until < now),
        )
        .order_by(nhn_inbound.c.fetched_at)
        .limit(limit)
    )
    return [_taken(row) for row in rows]


def claim(conn: Connection, nhn_id: str, now: datetime, until: datetime) -> bool:
    """True when this caller now holds ``nhn_id`` until ``until`` (to answer it, or to wait)."""
    taken = conn.execute(
        update(nhn_inbound)
        .where(
            nhn_inbound.c.nhn_id == nhn_id,
            nhn_inbound.c.answered_at.is_(None),
            or_(nhn_inbound.c.claimed_until.is_(None), nhn_inbound.c.claimed_until < now),
        )
        .values(claimed_until=until)
    )
    return taken.rowcount == 1


def answered(
    conn: Connection, nhn_id: str, now: datetime, apprec_id: str | None, nhn_apprec_id: str | None
) -> None:
    """The AppRec ``apprec_id`` went back as the service's ``nhn_apprec_id`` (both None: none to send)."""
    conn.execute(
        update(nhn_inbound)
        .where(nhn_inbound.c.nhn_id == nhn_id)
        .values(answered_at=now, apprec_id=apprec_id, nhn_apprec_id=nhn_apprec_id, claimed_until=None)
    )


KEEP_FAILURES = timedelta(days=7)


def record_failure(conn: Connection, now: datetime, operation: str, code: str, detail: str) -> None:
    """A request the service failed or refused (for the ``nhn-unreachable`` alert); those older
    than a week go."""
    conn.execute(nhn_inbound_failures.delete().where(nhn_inbound_failures.c.at < now - KEEP_FAILURES))
    conn.execute(
        nhn_inbound_failures.insert().values(at=now, operation=operation[:200], code=code[:60], detail=detail)
    )
