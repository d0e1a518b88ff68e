"""The Adresseregister cache in the store: one row per (kind, key), written over on each fetch.

``StoreCache`` is the ``CacheStore`` of ``integrations/adresseregister/cache.py`` kept in the
``register_cache`` table, so answers survive a restart and every worker (on one PostgreSQL, or one
SQLite file) shares them. A write is an upsert (``ON CONFLICT … DO UPDATE`` on both databases), so two
workers fetching the same party at once both succeed and the later answer stays. A key longer than
the column (no HER-id, HPR or organisation number is) is not kept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from samband.gateway.store.db import reader
from samband.gateway.store.tables import register_cache

_INSERTS: dict[str, Callable[[Table], postgresql.Insert | sqlite.Insert]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}
KEY_LENGTH = 64


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
        with self.engine.begin() as conn:
            conn.execute(statement)
