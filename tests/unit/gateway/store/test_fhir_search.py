"""The FHIR store as a server: urn:uuid references become Type/id, versions keep their history (only the
current row is retired), later Orientering plans supersede earlier ones, and the search index answers
token, reference, date and string criteria, _sort and _include/_revinclude — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, event, func, inspect, select, text

from samband.gateway.api.fhir_query import parse
from samband.gateway.store import fhir as fhir_store
from samband.gateway.store import fhir_search
from samband.gateway.store.db import alembic_config, make_engine, run_migrations
from samband.gateway.store.tables import fhir_index, fhir_resources
from samband.kernel.errors import FhirApiError
from tests.integration.conftest import pg_schema_url

NOW = datetime(2026, 2, 1, tzinfo=UTC)
LATER = datetime(2026, 2, 2, tzinfo=UTC)
FNR = "urn:oid:2.16.578.1.12.4.1.4.1"
TJENESTETILBUD = {"coding": [{"system": "https://samband.no/fhir/CodeSystem/careplan-category",
                              "code": "tjenestetilbud"}]}  # fmt: skip


@pytest.fixture(params=["sqlite", "postgres"], scope="module")
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fhir') / 'fhir.db'}"
        made = make_engine(url)
        run_migrations(made)
        yield made
        made.dispose()
        return
    for url in pg_schema_url(request.getfixturevalue("pg_url")):
        made = make_engine(url)
        run_migrations(made)
        yield made
        made.dispose()


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()  # each test starts from an empty store


def message(*resources: dict[str, Any]) -> dict[str, Any]:
    """A message Bundle whose entries refer to each other by urn:uuid, as mappings write them."""
    return {
        "resourceType": "Bundle",
        "type": "message",
        "entry": [{"fullUrl": "urn:uuid:h", "resource": {"resourceType": "MessageHeader", "id": "h"}}]
        + [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }


def patient(pid: str, fnr: str, family: str = "Testesen") -> dict[str, Any]:
    return {"resourceType": "Patient", "id": pid, "identifier": [{"system": FNR, "value": fnr}],
            "name": [{"family": family, "given": ["Kari"]}], "birthDate": "1969-11-13"}  # fmt: skip


def plan(
    cid: str, pid: str, *, team: str | None = None, services: tuple[str, ...] = (), **more: Any
) -> dict[str, Any]:
    subject = {"reference": f"urn:uuid:{pid}"}
    body: dict[str, Any] = {"resourceType": "CarePlan", "id": cid, "status": "active", "intent": "plan",
                            "category": [TJENESTETILBUD], "subject": subject, **more}  # fmt: skip
    if team:
        body["careTeam"] = [{"reference": f"urn:uuid:{team}"}]
    if services:
        body["activity"] = [{"reference": {"reference": f"urn:uuid:{s}"}} for s in services]
    return body


def team(tid: str, pid: str) -> dict[str, Any]:
    return {
        "resourceType": "CareTeam",
        "id": tid,
        "status": "active",
        "subject": {"reference": f"urn:uuid:{pid}"},
    }


def service(sid: str, pid: str, start: str) -> dict[str, Any]:
    return {"resourceType": "ServiceRequest", "id": sid, "status": "active", "intent": "plan",
            "code": {"coding": [{"system": "urn:oid:2.16.578.1.12.4.1.1.9151", "code": "7"}]},
            "subject": {"reference": f"urn:uuid:{pid}"}, "occurrencePeriod": {"start": start}}  # fmt: skip


def find(conn: Connection, rtype: str, *items: tuple[str, str]) -> fhir_search.Found:
    return fhir_search.search(conn, parse(rtype, list(items), lenient=False).query)


def ids(found: fhir_search.Found) -> list[str]:
    return [r["id"] for r in found.matches]


def test_references_to_entries_become_type_and_id_with_versions(conn: Connection) -> None:
    resources = (patient("p1", "13116900216"), plan("c1", "p1", team="t1"), team("t1", "p1"))
    fhir_store.apply_bundle(conn, message(*resources), None, NOW)
    stored = fhir_store.read(conn, "CarePlan", "c1")
    assert stored is not None
    assert stored["subject"] == {"reference": "Patient/p1"} and stored["careTeam"] == [
        {"reference": "CareTeam/t1"}
    ]
    assert stored["meta"] == {"versionId": "1", "lastUpdated": NOW.isoformat()}
    assert fhir_store.read(conn, "MessageHeader", "h") is None, "the message envelope is not state"


def test_an_update_retires_only_the_current_row_and_keeps_history(conn: Connection) -> None:
    touched: list[int] = []

    def count(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE FHIR_RESOURCES"):
            touched.append(cursor.rowcount)

    event.listen(conn, "after_cursor_execute", count)
    for n, status in enumerate(("active", "on-hold", "active", "completed")):
        fhir_store.apply_bundle(conn, message({**team("t1", "p1"), "status": status}), None, NOW)
        assert fhir_store.read(conn, "CareTeam", "t1")["meta"]["versionId"] == str(n + 1)  # type: ignore[index]
    event.remove(conn, "after_cursor_execute", count)
    assert touched == [1, 1, 1], "each update retires the current row only, however long the history"
    rows = conn.execute(
        select(fhir_resources.c.version, fhir_resources.c.current)
        .where(fhir_resources.c.resource_id == "t1")
        .order_by(fhir_resources.c.version)
    ).all()
    assert [tuple(r) for r in rows] == [(1, False), (2, False), (3, False), (4, True)]
    history = fhir_store.versions(conn, "CareTeam", "t1")
    assert [(v, body["status"]) for v, _c, body in history] == [
        (4, "completed"),
        (3, "active"),
        (2, "on-hold"),
        (1, "active"),
    ]
    assert ids(find(conn, "CareTeam", ("status", "active"))) == [], "only current versions are found"
    assert ids(find(conn, "CareTeam", ("status", "completed"))) == ["t1"]


def test_a_later_orientering_supersedes_the_earlier_plan_its_services_and_team(conn: Connection) -> None:
    first = message(patient("p1", "13116900216"), service("s1", "p1", "2026-01-01"), team("t1", "p1"),
                    plan("c1", "p1", team="t1", services=("s1",)))  # fmt: skip
    other = message(patient("p2", "41018012345"), plan("c9", "p2"))
    fhir_store.apply_bundle(conn, first, None, NOW)
    fhir_store.apply_bundle(conn, other, None, NOW)
    changed = message(patient("p1", "13116900216"), service("s2", "p1", "2026-02-01"), team("t2", "p1"),
                      plan("c2", "p1", team="t2", services=("s2",)))  # fmt: skip
    fhir_store.apply_bundle(conn, changed, None, LATER)
    active = find(conn, "CarePlan", ("patient", "13116900216"), ("status", "active"))
    assert ids(active) == ["c2"] and active.matches[0]["replaces"] == [{"reference": "CarePlan/c1"}]
    old = fhir_store.read(conn, "CarePlan", "c1")
    assert old is not None and old["status"] == "revoked" and old["meta"]["versionId"] == "2"
    assert fhir_store.read(conn, "ServiceRequest", "s1")["status"] == "revoked"  # type: ignore[index]
    assert fhir_store.read(conn, "CareTeam", "t1")["status"] == "inactive"  # type: ignore[index]
    assert fhir_store.read(conn, "CarePlan", "c9")["status"] == "active", "another patient's plan stays"  # type: ignore[index]
    cancelled = message(patient("p1", "13116900216"), {**plan("c3", "p1"), "status": "revoked"})
    fhir_store.apply_bundle(conn, cancelled, None, LATER)
    assert ids(find(conn, "CarePlan", ("patient", "Patient/p1"), ("status", "active"))) == []


def test_token_date_string_sort_and_include(conn: Connection) -> None:
    fhir_store.apply_bundle(conn, message(
        patient("p1", "13116900216", "Ærlig"), patient("p2", "41018012345", "Olsen"), team("t1", "p1"),
        service("s1", "p1", "2025-06-01"), service("s2", "p1", "2026-03-15"), plan("c1", "p1", team="t1"),
    ), None, NOW)  # fmt: skip
    assert ids(find(conn, "Patient", ("name", "aer"))) == ["p1"], "accents folded, prefix match"
    assert ids(find(conn, "Patient", ("family:exact", "olsen"))) == ["p2"]
    assert ids(find(conn, "Patient", ("birthdate", "1969-11"))) == ["p1", "p2"]
    assert ids(find(conn, "ServiceRequest", ("occurrence", "sa2025-12-31"))) == ["s2"]
    assert ids(find(conn, "ServiceRequest", ("occurrence", "ge2026-01-01"))) == ["s1", "s2"], (
        "s1 is open-ended"
    )
    assert ids(find(conn, "ServiceRequest", ("occurrence", "lt2026"))) == ["s1"]
    assert ids(
        find(conn, "ServiceRequest", ("code", "urn:oid:2.16.578.1.12.4.1.1.9151|7"), ("_sort", "-occurrence"))
    ) == ["s2", "s1"]
    assert ids(find(conn, "ServiceRequest", ("code", "other|7"))) == []
    assert ids(find(conn, "CarePlan", ("_lastUpdated", "ge2026-02-01"))) == ["c1"]
    included = find(
        conn, "CarePlan", ("_id", "c1"), ("_include", "CarePlan:care-team"), ("_include", "CarePlan:subject")
    )
    assert sorted(r["id"] for r in included.included) == ["p1", "t1"]
    rev = find(conn, "Patient", ("_id", "p1"), ("_revinclude", "CarePlan:subject"))
    assert [r["id"] for r in rev.included] == ["c1"]
    page = fhir_search.search(conn, parse("ServiceRequest", [("_count", "1"), ("_offset", "1")], False).query)
    assert page.total == 2 and ids(page) == ["s2"]


def test_unknown_parameters_are_refused_or_left_out_when_lenient(conn: Connection) -> None:
    with pytest.raises(FhirApiError) as refused:
        parse("CarePlan", [("colour", "blue")], lenient=False)
    assert refused.value.code == "fhir-api.unknown-parameter"
    lenient = parse("CarePlan", [("colour", "blue"), ("status", "active")], lenient=True)
    assert lenient.ignored == ["colour"] and lenient.used == [("status", "active")]
    for bad in (
        ("date", "yesterday"),
        ("_count", "-1"),
        ("_sort", "status"),
        ("_include", "CarePlan:status"),
    ):
        with pytest.raises(FhirApiError) as invalid:
            parse("CarePlan", [bad], lenient=True)
        assert invalid.value.code == "fhir-api.invalid-value", bad


def test_the_index_holds_one_row_set_per_version(conn: Connection) -> None:
    p1 = patient("p1", "13116900216")
    fhir_store.apply_bundle(conn, message(p1, team("t1", "p1")), None, NOW)
    fhir_store.apply_bundle(conn, message(p1, {**team("t1", "p1"), "status": "inactive"}), None, NOW)
    rows = conn.execute(select(fhir_index.c.version, func.count()).where(fhir_index.c.resource_id == "t1")
                        .group_by(fhir_index.c.version).order_by(fhir_index.c.version)).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [(1, 3), (2, 3)]  # status, subject, patient


def test_the_migration_makes_stored_resources_server_resources(tmp_path: Path) -> None:
    """A store from before ``fhir_index`` (references as urn:uuid, ``fhir_identifiers``) is rewritten
    and indexed by migration 0008, so what was stored is found and resolves like what comes later."""
    made = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(made), "0007")
    old_plan = {**plan("c1", "p1"), "subject": {"reference": "urn:uuid:p1"}}
    rows = [("Patient", "p1", patient("p1", "13116900216")), ("CarePlan", "c1", old_plan)]
    with made.begin() as conn:
        for rtype, rid, body in rows:
            conn.execute(
                fhir_resources.insert(),
                {"resource_type": rtype, "resource_id": rid, "version": 1, "patient": "p1", "current": True,
                 "body": body, "updated_at": NOW},
            )  # fmt: skip
    command.upgrade(alembic_config(made), "heads")
    with made.begin() as conn:
        stored = fhir_store.read(conn, "CarePlan", "c1")
        assert stored is not None and stored["subject"] == {"reference": "Patient/p1"}
        assert ids(find(conn, "CarePlan", ("patient", "13116900216"))) == ["c1"]
        assert not inspect(conn).has_table("fhir_identifiers")
    made.dispose()


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    for url in pg_schema_url(pg_url):
        made = make_engine(url)
        run_migrations(made)
        yield made
        made.dispose()


@pytest.mark.postgres
def test_two_writers_of_one_patient_make_two_versions_not_a_conflict(pg_engine: Engine) -> None:
    """A second delivery for the same patient waits for the first one's transaction, then writes the
    next version (without the wait both would write version 2 and one would fail)."""
    made = pg_engine
    first_stored, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def first() -> None:
        with made.begin() as conn:
            fhir_store.apply_bundle(conn, message(patient("p1", "13116900216", "Først")), None, NOW)
            first_stored.set()
            release.wait(timeout=60)

    def second() -> None:
        try:
            with made.begin() as conn:
                fhir_store.apply_bundle(conn, message(patient("p1", "13116900216", "Andre")), None, LATER)
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    one, two = threading.Thread(target=first), threading.Thread(target=second)
    one.start()
    assert first_stored.wait(timeout=60)
    two.start()
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        " AND datname = current_database()"
        " AND (query LIKE '%pg_advisory_xact_lock%' OR query LIKE 'INSERT INTO fhir_resources%')"
    )
    with made.connect() as watch:
        deadline = time.monotonic() + 60
        while watch.execute(waiting).scalar_one() == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    release.set()
    one.join(timeout=60)
    two.join(timeout=60)
    assert not failures, failures
    with made.connect() as conn:
        history = fhir_store.versions(conn, "Patient", "p1")
    assert [(v, body["name"][0]["family"]) for v, _c, body in history] == [(2, "Andre"), (1, "Først")]


def test_storing_reads_by_index_not_by_scanning(tmp_path: Path) -> None:
    """Every query storing a Bundle makes (keys, versions, supersede) is an index search on SQLite:
    none scans ``fhir_resources`` or ``fhir_index``, so a delivery costs the same however much is stored."""
    made = make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    run_migrations(made)
    first = message(patient("p1", "13116900216"), team("t1", "p1"), plan("c1", "p1", team="t1"))
    later = message(patient("p1", "13116900216"), team("t2", "p1"), plan("c2", "p1", team="t2"))
    queries: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            queries.append((statement, parameters))

    with made.begin() as conn:
        fhir_store.apply_bundle(conn, first, None, NOW)
        event.listen(conn, "after_cursor_execute", keep)
        fhir_store.apply_bundle(conn, later, None, LATER)
        event.remove(conn, "after_cursor_execute", keep)
        assert fhir_store.read(conn, "CarePlan", "c1")["status"] == "revoked"  # type: ignore[index]
        raw = conn.connection.driver_connection
        assert raw is not None and queries
        for statement, parameters in queries:
            plan_rows = raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            scans = [row[3] for row in plan_rows if str(row[3]).startswith("SCAN fhir_")]
            assert not scans, f"{statement}\n{scans}"
    made.dispose()
