"""The audit trail on real SQLite and PostgreSQL: rows go in, and no UPDATE, DELETE (or TRUNCATE)
gets them out again, whoever sends it; the filters of ``GET /audit``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from samband.gateway.store import audit as trail
from samband.gateway.store.audit import Action, AuditOutcome, AuditQuery, Entry
from samband.gateway.store.db import make_engine, run_migrations
from tests.integration.conftest import pg_schema_url

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _migrated(urls: Iterator[str]) -> Iterator[Engine]:
    made = make_engine(next(urls))
    run_migrations(made)
    yield made
    made.dispose()
    for _ in urls:
        pass


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        yield from _migrated(iter([f"sqlite:///{tmp_path / 'audit.db'}"]))
    else:
        yield from _migrated(pg_schema_url(request.getfixturevalue("pg_url")))


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    yield from _migrated(pg_schema_url(pg_url))


def _fill(engine: Engine) -> None:
    with engine.begin() as conn:
        trail.add(conn, NOW, "kari", "console", Entry(Action.READ_RAW, "m-1", "41019912345"))
        searched = Entry(Action.SEARCH, "/messages", patients=["41019912345", "42029912345"])
        trail.add(conn, NOW + timedelta(minutes=1), "ola", None, searched)
        refused = Entry(Action.LOGIN_REFUSED, outcome=AuditOutcome.REFUSED, detail={"status": 401})
        trail.add(conn, NOW + timedelta(minutes=2), "anonymous", None, refused)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit SET actor = 'someone else'",
        "DELETE FROM audit",
        "UPDATE audit_patients SET patient = '00000000000'",
        "DELETE FROM audit_patients",
    ],
)
def test_the_database_refuses_to_change_or_delete_audit_rows(engine: Engine, statement: str) -> None:
    _fill(engine)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit")).scalar_one() == 3
        assert conn.execute(text("SELECT count(*) FROM audit_patients")).scalar_one() == 2
        assert {r[0] for r in conn.execute(text("SELECT actor FROM audit"))} == {"kari", "ola", "anonymous"}


def test_postgresql_refuses_truncate_too(pg_engine: Engine) -> None:
    _fill(pg_engine)
    with pytest.raises(DBAPIError, match="append-only"), pg_engine.begin() as conn:
        conn.execute(text("TRUNCATE audit CASCADE"))
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit")).scalar_one() == 3


def test_filters_find_rows_by_patient_actor_action_and_time(engine: Engine) -> None:
    _fill(engine)
    with engine.connect() as conn:

        def found(**filters: object) -> list[str]:
            total, items = trail.search(conn, AuditQuery(**filters))  # type: ignore[arg-type]
            assert total == len(items)
            return [i["action"] for i in items]

        assert found() == ["login-refused", "search", "read-raw"], "newest first"
        assert found(patient="41019912345") == ["search", "read-raw"], "a search that showed them counts"
        assert found(patient="42029912345") == ["search"]
        assert found(actor="kari") == ["read-raw"]
        assert found(action="login-refused") == ["login-refused"]
        assert found(since=NOW + timedelta(minutes=1)) == ["login-refused", "search"]
        assert found(until=NOW + timedelta(minutes=1)) == ["read-raw"]
        total, page = trail.search(conn, AuditQuery(limit=1, offset=1))
        assert total == 3 and [i["action"] for i in page] == ["search"]
        assert page[0]["patients"] == ["41019912345", "42029912345"] and page[0]["patient"] is None
