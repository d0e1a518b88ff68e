"""Every search parameter ``/fhir/metadata`` advertises filters: the official PLO and Dialogmelding
samples and the IP chains are translated and stored, and for each (type, parameter) of the
CapabilityStatement a value read from a stored resource's JSON finds that resource (and, for token,
reference and string parameters, exactly the resources that carry the value), while a value no
resource carries finds none. A parameter no stored sample carries is listed in ``NOT_IN_SAMPLES``,
so one that stops being indexed fails here instead of silently answering everything or nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, select

from samband.gateway.api.fhir_capability import capability_statement
from samband.gateway.api.fhir_query import parse
from samband.gateway.store import fhir as fhir_store
from samband.gateway.store import fhir_search
from samband.gateway.store.db import alembic_config, make_engine, run_migrations
from samband.gateway.store.fhir_index import folded, values_at
from samband.gateway.store.fhir_params import COMMON_PARAMS, RESOURCE_TYPES, Kind, Param, params_of
from samband.gateway.store.tables import fhir_resources
from samband.mappings.base import fixed_context
from samband.mappings.registry import to_fhir
from tests.integration.conftest import pg_schema_url

ROOT = Path(__file__).resolve().parents[4]
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
Resource = dict[str, Any]

NOT_IN_SAMPLES = {
    ("Patient", "general-practitioner"), ("Patient", "organization"), ("PractitionerRole", "specialty"),
    ("CarePlan", "replaces"), ("CarePlan", "based-on"), ("ServiceRequest", "category"),
    ("ServiceRequest", "requester"), ("ServiceRequest", "based-on"), ("Communication", "received"),
    ("Task", "focus"), ("Condition", "identifier"),
    ("Condition", "category"), ("Condition", "onset-date"), ("Condition", "recorded-date"),
    ("DocumentReference", "identifier"), ("DocumentReference", "type"), ("DocumentReference", "date"),
    ("DocumentReference", "author"), ("Medication", "identifier"), ("Medication", "code"),
    ("Encounter", "identifier"), ("Encounter", "episode-of-care"), ("Person", "identifier"),
    ("Person", "name"), ("Person", "_id"), ("Person", "_lastUpdated"), ("MedicationStatement", "code"),
    ("AllergyIntolerance", "identifier"), ("AllergyIntolerance", "clinical-status"),
    ("AllergyIntolerance", "verification-status"), ("AllergyIntolerance", "category"),
    ("AllergyIntolerance", "code"), ("AllergyIntolerance", "date"),
}  # fmt: skip
"""Advertised parameters whose element no sample carries (a Medication's code and an AllergyIntolerance
read from a Cave are text only in PLO, a Person comes from none); CarePlan ``replaces`` is tested by
the supersede tests."""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Iterator[Engine]:
    made = make_engine(f"sqlite:///{tmp_path_factory.mktemp('params') / 'fhir.db'}")
    run_migrations(made)
    messages = sorted((samples_dir / "plo").rglob("*.xml")) + sorted(
        (samples_dir / "dialogmelding").rglob("*.xml")
    )
    with made.begin() as conn:
        for path in messages:
            translated = to_fhir(path.read_bytes(), fixed_context())
            fhir_store.apply_bundle(conn, translated.result, None, NOW)
        for path in sorted((ROOT / "tests" / "golden" / "ip_chains").rglob("fhir.json")):
            fhir_store.apply_bundle(conn, json.loads(path.read_text(encoding="utf-8")), None, NOW)
    yield made
    made.dispose()


def current(conn: Connection, rtype: str) -> list[Resource]:
    rows = conn.execute(
        select(fhir_resources.c.body).where(
            fhir_resources.c.resource_type == rtype, fhir_resources.c.current.is_(True)
        )
    )
    return sorted((dict(body) for (body,) in rows), key=lambda r: str(r["id"]))


def found(conn: Connection, rtype: str, name: str, value: str) -> set[str]:
    query = parse(rtype, [(name, value), ("_count", "1000")], lenient=False).query
    return {str(r["id"]) for r in fhir_search.search(conn, query).matches}


def tokens(value: object) -> set[str]:
    """The token search values an element answers to: ``code`` and ``system|code``."""
    if isinstance(value, bool):
        return {str(value).lower()}
    if isinstance(value, str | int):
        return {str(value)}
    if not isinstance(value, dict):
        return set()
    if "coding" in value:
        return {t for coding in value.get("coding") or [] for t in tokens(coding)}
    code = value.get("code", value.get("value"))
    if code is None:
        return set()
    system = value.get("system")
    return {str(code), f"{system}|{code}"} if system else {str(code)}


def carried(resource: Resource, param: Param) -> set[str]:
    """The search values of ``param`` that ``resource``'s JSON carries (token, reference)."""
    values = [v for path in param.paths for v in values_at(resource, path)]
    if param.kind is Kind.TOKEN:
        return {t for v in values for t in tokens(v)}
    return {
        str(v["reference"]) for v in values if isinstance(v, dict) and isinstance(v.get("reference"), str)
    }


def leaves(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, list | dict):
        for item in node.values() if isinstance(node, dict) else node:
            yield from leaves(item)


def texts(resource: Resource, param: Param) -> list[str]:
    """The folded text parts of ``param``'s elements (names: family, given, text …)."""
    values = [v for path in param.paths for v in values_at(resource, path)]
    return [folded(t) for value in values for t in leaves(value) if t.strip()]


def first_date(resource: Resource, param: Param) -> str | None:
    for path in param.paths:
        for value in values_at(resource, path):
            if isinstance(value, str):
                return value
            if isinstance(value, dict) and (value.get("start") or value.get("end")):
                return str(value.get("start") or value.get("end"))
    return None


def advertised() -> list[tuple[str, str]]:
    statement = capability_statement("http://127.0.0.1/fhir/", NOW)
    return [(r["type"], p["name"]) for r in statement["rest"][0]["resource"] for p in r["searchParam"]]


class Unfiltered(AssertionError):
    """A parameter that does not find what carries the value."""


def narrows(conn: Connection, rtype: str, name: str) -> bool:
    """Whether ``name`` finds a stored resource by a value it carries and nothing by one none carries;
    False when no stored resource carries the parameter's element."""
    stored = current(conn, rtype)
    if name == "_id":
        return (
            bool(stored)
            and found(conn, rtype, name, stored[0]["id"]) == {stored[0]["id"]}
            and not found(conn, rtype, name, "no-such-id")
        )
    if name == "_lastUpdated":
        every = {r["id"] for r in stored}
        return (
            bool(stored)
            and found(conn, rtype, name, "2026-03-01") == every
            and not found(conn, rtype, name, "lt2026-03-01")
        )
    param = params_of(rtype)[name]
    if param.self_patient:
        wanted = stored[0]["id"]
        return found(conn, rtype, name, f"Patient/{wanted}") == {wanted} and not found(
            conn, rtype, name, "Patient/no-such-id"
        )
    if param.kind is Kind.DATE:
        dated = [(r, d) for r in stored if (d := first_date(r, param))]
        if not dated:
            return False
        resource, day = dated[0]
        if resource["id"] not in found(conn, rtype, name, f"ap{day}"):
            raise Unfiltered(f"{rtype}?{name}=ap{day} misses {resource['id']}")
        return not found(conn, rtype, name, "eb1800-01-01") and not found(conn, rtype, name, "sa9000-01-01")
    if param.kind is Kind.STRING:
        named = [(r, t) for r in stored for t in texts(r, param)]
        if not named:
            return False
        prefix = named[0][1][:3]
        expected = {r["id"] for r, t in named if t.startswith(prefix) or f" {prefix}" in f" {t}"}
        if not named[0][0]["id"] in found(conn, rtype, name, prefix) <= expected:
            raise Unfiltered(f"{rtype}?{name}={prefix} finds other than {sorted(expected)}")
        return not found(conn, rtype, name, "zzqxv")
    having = [(r, v) for r in stored for v in sorted(carried(r, param))]
    if not having:
        return False
    value = having[0][1]
    expected = {r["id"] for r, v in having if v == value}
    if found(conn, rtype, name, value) != expected:
        raise Unfiltered(f"{rtype}?{name}={value} finds other than {sorted(expected)}")
    none = f"{param.targets[0]}/no-such-id" if param.kind is Kind.REFERENCE else "urn:none|no-such-code"
    return not found(conn, rtype, name, none)


def test_every_advertised_parameter_narrows_the_search(engine: Engine) -> None:
    listed = advertised()
    assert {name for _t, name in listed} >= set(COMMON_PARAMS)
    not_carried: set[tuple[str, str]] = set()
    wrong: list[str] = []
    with engine.connect() as conn:
        for rtype, name in listed:
            try:
                if not narrows(conn, rtype, name):
                    not_carried.add((rtype, name))
            except Unfiltered as problem:
                wrong.append(str(problem))
    assert not wrong, wrong
    assert not_carried == NOT_IN_SAMPLES, (
        "parameters found by no value a stored sample carries (or matched without filtering): "
        f"{sorted(not_carried - NOT_IN_SAMPLES)}; carried now: {sorted(NOT_IN_SAMPLES - not_carried)}"
    )


def references(node: object) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from references(item)
    elif isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            yield str(node["reference"])
        for value in node.values():
            yield from references(value)


def test_every_stored_type_is_served_and_every_reference_resolves(engine: Engine) -> None:
    """What the samples store can be read: its types are served, and each reference between stored
    resources names one that is there (a Provenance's target, the unstored MessageHeader, stays as sent)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(fhir_resources.c.resource_type, fhir_resources.c.body).where(
                fhir_resources.c.current.is_(True)
            )
        ).all()
        assert {rtype for rtype, _body in rows} <= RESOURCE_TYPES
        unresolved = sorted(
            f"{rtype}/{body['id']} -> {ref}"
            for rtype, body in rows
            for ref in references(body if rtype != "Provenance" else {**body, "target": []})
            if ref.count("/") != 1 or fhir_store.read(conn, *ref.split("/")) is None
        )
    assert not unresolved, unresolved


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    yield from pg_schema_url(request.getfixturevalue("pg_url"))


def test_the_migrations_index_what_was_stored_before(store_url: str) -> None:
    """A Consent and a Communication based on a Task, stored before their parameters were indexed
    (0013), are found after the migrations by date (in UTC) and by the Task."""
    made = make_engine(store_url)
    command.upgrade(alembic_config(made), "0013")
    consent = {"resourceType": "Consent", "id": "k1", "status": "active",
               "patient": {"reference": "Patient/p1"}, "dateTime": "2026-02-10T10:00:00+01:00"}  # fmt: skip
    answer = {"resourceType": "Communication", "id": "m1", "status": "completed",
              "basedOn": [{"reference": "Task/t1"}]}  # fmt: skip
    with made.begin() as conn:
        for body in (consent, answer):
            conn.execute(
                fhir_resources.insert(),
                {"resource_type": body["resourceType"], "resource_id": body["id"], "version": 1,
                 "patient": "p1", "current": True, "body": body, "updated_at": NOW},
            )  # fmt: skip
    command.upgrade(alembic_config(made), "heads")
    with made.connect() as conn:
        assert found(conn, "Consent", "date", "2026-02-10T09:00:00Z") == {"k1"}
        assert found(conn, "Consent", "date", "2026-02-10T10:00:00Z") == set()
        assert found(conn, "Communication", "based-on", "Task/t1") == {"m1"}
    made.dispose()
