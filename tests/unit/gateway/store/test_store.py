"""The store on real SQLite (and PostgreSQL when one answers): migrations, WAL, datetimes, dedup keys."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from samband.gateway.store import repository as repo
from samband.gateway.store.db import make_engine, run_migrations
from samband.gateway.store.repository import Direction, Kind, Status
from samband.gateway.store.tables import DIALECT_INDEXES, metadata
from samband.kernel.envelope import Envelope
from tests.integration.conftest import pg_schema_url

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        urls: Iterator[str] = iter([url])
    else:
        urls = pg_schema_url(request.getfixturevalue("pg_url"))
    url = next(urls)
    made = make_engine(url)
    run_migrations(made)
    yield made
    made.dispose()
    for _ in urls:
        pass


def _ours(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Compare the store's own tables; other packages' revisions (GP feedback) add tables of theirs, and
    search its text tables and the MsgId prefix index, made for one database only (0007, 0016)."""
    if type_ == "index" and name in DIALECT_INDEXES:
        return False
    return not (type_ == "table" and reflected and compare_to is None)


def test_migrations_build_exactly_the_tables_the_code_uses(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _ours})
        with warnings.catch_warnings():  # SQLite's expression index (0016) is not reflected: it is ours
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
            diff = compare_metadata(context, metadata)
    assert diff == []
    assert {"messages", "events", "deliveries", "delivery_attempts", "receipts", "fhir_resources"} <= set(
        inspect(engine).get_table_names()
    )
    run_migrations(engine)  # a second start-up is a no-op


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'w.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def _insert(engine: Engine, raw: bytes, envelope: Envelope, at: datetime) -> str:
    with engine.begin() as conn:
        return repo.insert_message(
            conn, raw=raw, direction=Direction.INBOUND, kind=Kind.MESSAGE, status=Status.RECEIVED,
            now=at, envelope=envelope,
        )  # fmt: skip


def test_times_come_back_as_aware_utc_and_naive_ones_are_refused(engine: Engine) -> None:
    mid = _insert(engine, b"<a/>", Envelope(msg_id=None, msg_type=None), NOW)
    with engine.begin() as conn:
        stored = repo.get_message(conn, mid)
    assert stored is not None and stored.received_at == NOW and stored.received_at.tzinfo is UTC
    with pytest.raises(Exception, match="naive datetime"):
        _insert(engine, b"<b/>", Envelope(msg_id=None, msg_type=None), datetime(2026, 1, 1))


def test_duplicates_are_found_by_msgid_or_by_hash_from_the_same_sender(engine: Engine) -> None:
    first = _insert(engine, b"<m>1</m>", Envelope(msg_id="A", msg_type="T", sender_her="1"), NOW)
    same_id = _insert(engine, b"<m>2</m>", Envelope(msg_id="A", msg_type="T", sender_her="9"), NOW)
    no_id = _insert(engine, b"  <m>1</m>\n", Envelope(msg_id=None, msg_type="T", sender_her="1"), NOW)
    other_sender = _insert(engine, b"<m>1</m>", Envelope(msg_id=None, msg_type="T", sender_her="2"), NOW)
    fresh = _insert(engine, b"<m>3</m>", Envelope(msg_id="B", msg_type="T", sender_her="1"), NOW)
    later = NOW + timedelta(seconds=1)
    with engine.begin() as conn:
        for mid in (same_id, no_id, other_sender, fresh):
            repo.update_message(conn, mid, later, received_at=later)
        found = {mid: repo.find_original(conn, repo.get_message(conn, mid)) for mid in (same_id, no_id)}  # type: ignore[arg-type]
        assert all(original is not None and original.id == first for original in found.values())
        assert repo.find_original(conn, repo.get_message(conn, fresh)) is None  # type: ignore[arg-type]
        other = repo.find_original(conn, repo.get_message(conn, other_sender))  # type: ignore[arg-type]
        assert other is None or other.id != first


def test_the_event_log_keeps_order_and_actor(engine: Engine) -> None:
    mid = _insert(engine, b"<a/>", Envelope(msg_id=None, msg_type=None), NOW)
    with engine.begin() as conn:
        repo.add_event(conn, mid, "received", NOW, size=4)
        repo.add_event(conn, mid, "replayed", NOW, actor="operator", replay="x")
        events = repo.list_events(conn, mid)
    assert [(e["kind"], e["actor"]) for e in events] == [("received", "gateway"), ("replayed", "operator")]
    assert events[1]["detail"] == {"replay": "x"}
