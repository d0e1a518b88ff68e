"""Replay rows: who replayed which message, when, where to, and the message each replay became."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select

from samband.gateway.store.repository import new_id
from samband.gateway.store.tables import replays


def add_replay(
    conn: Connection,
    original_id: str,
    new_message_id: str,
    actor: str,
    now: datetime,
    destinations: list[str],
    endpoint: str | None,
    transport: str | None = None,
    target_format: str | None = None,
) -> None:
    conn.execute(
        replays.insert().values(
            id=new_id(),
            original_id=original_id,
            new_id=new_message_id,
            actor=actor,
            at=now,
            destinations=destinations,
            endpoint=endpoint,
            transport=transport,
            target_format=target_format,
        )
    )


def order_of(conn: Connection, replay_id: str) -> Row[Any] | None:
    """The replay row behind the stored replay ``replay_id`` (its destinations and endpoint)."""
    return conn.execute(select(replays).where(replays.c.new_id == replay_id)).first()


def replays_of(conn: Connection, original_id: str) -> list[dict[str, Any]]:
    """Who replayed ``original_id``, when, where to, and the message each replay became."""
    query = select(replays).where(replays.c.original_id == original_id).order_by(replays.c.at)
    return [
        {
            "id": r.new_id,
            "actor": r.actor,
            "at": r.at.isoformat(),
            "destinations": r.destinations,
            "endpoint": r.endpoint,
            "transport": r.transport,
            "target_format": r.target_format,
        }
        for r in conn.execute(query)
    ]
