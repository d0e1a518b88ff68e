"""The Adresseregister cache in the store: one row per (kind, key), written over on each fetch.

``StoreCache`` is the ``CacheStore`` of ``integrations/adresseregister/cache.py`` kept in the
``register_cache`` table, so answers survive a restart and every worker (on one PostgreSQL, or one
SQLite file) shares them. A write is an upsert (``ON CONFLICT … DO UPDATE`` on both databases), so two
workers fetching the same party at once both succeed and the later answer stays. A key longer than
the column (no HER-id, HPR or organisation number is) is not kept.

A lookup made while the caller holds a write transaction (GP feedback addresses its message inside
its own) runs under ``writes_within(conn)``: the answer is kept through that connection. A write on a
connection of its own would wait for the caller's transaction, which on SQLite (one writer) waits for
the lookup: "database is locked" after the busy timeout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from samband.gateway.store.db import reader
from samband.gateway.store.tables import register_cache

_INSERTS: dict[str, Callable[[Table], postgresql.Insert | sqlite.Insert]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}
KEY_LENGTH = 64

_WRITER: ContextVar[Connection | None] = ContextVar("register_cache_writer", default=None)


@contextmanager
def writes_within(conn: Connection) -> Iterator[None]:
    """Answers fetched meanwhile (in this thread) are kept through ``conn``, the caller's open write
    transaction, and commit with it."""
    token = _WRITER.set(conn)
    try:
        yield
    finally:
        _WRITER.reset(token)


class StoreCache:
    """Register answers kept in the gateway's store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._insert = _INSERTS[engine.dialect.name]

    def get(self, kind: str, key: str) -> tuple[Any, datetime] | None:
        if len(key) > KEY_LENGTH:
            return None
        with reader(self.engine).begin() as conn:
            row = conn.execute(
                select(register_cache.c.value, register_cache.c.fetched_at).where(
                    register_cache.c.kind == kind, register_cache.c.key == key
                )
            ).first()
        return None if row is None else (row.value, row.fetched_at)

    def put(self, kind: str, key: str, value: Any, fetched_at: datetime) -> None:
        if len(key) > KEY_LENGTH:
            return
        statement = self._insert(register_cache).values(
            kind=kind, key=key, value=value, fetched_at=fetched_at
        )
        statement = statement.on_conflict_do_update(
            index_elements=[register_cache.c.kind, register_cache.c.key],
            set_={"value": statement.excluded.value, "fetched_at": statement.excluded.fetched_at},
        )
        caller = _WRITER.get()
        if caller is not None and caller.engine is self.engine:
            caller.execute(statement)
            return
        with self.engine.begin() as conn:
            conn.execute(statement)
