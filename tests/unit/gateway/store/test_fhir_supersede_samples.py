"""What a later Orientering om tjenestetilbud does to the stored plan, with the official samples
(mappings/README.md, "The FHIR store"): a cancellation (C) ends the earlier plan, its services and its
team; and a client finds the patient's current team as the CareTeam of the active plan, while every
report keeps its own CareTeam of the people it named."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine

from samband.gateway.api.fhir_query import parse
from samband.gateway.store import fhir as fhir_store
from samband.gateway.store import fhir_search
from samband.gateway.store.db import make_engine, run_migrations
from samband.mappings.base import fixed_context
from samband.mappings.registry import to_fhir

FNR = "urn:oid:2.16.578.1.12.4.1.4.1|15076500565"  # the patient of the Orientering samples
NEW = "1_6/Orientering_om_tjenestetilbud_v1-6_Ny.xml"
CANCELLED = "1_5/Orientering_om_tjenestetilbud_v1-5_Kansellering.xml"
REPORTS = ("1_5/Utskrivningsrapport_v1-5_Ny.xml", "1_6/Utskrivningsrapport_v1-6_Ny.xml")
START = datetime(2026, 3, 1, tzinfo=UTC)
Resource = dict[str, Any]


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Connection]:
    made: Engine = make_engine(f"sqlite:///{tmp_path / 'fhir.db'}")
    run_migrations(made)
    with made.begin() as connection:
        yield connection
    made.dispose()


def store(conn: Connection, samples: Path, *names: str) -> list[Resource]:
    """Each sample translated and stored in turn, a minute apart; the Bundles' resources."""
    resources: list[Resource] = []
    for n, name in enumerate(names):
        bundle: Resource = to_fhir((samples / "plo" / name).read_bytes(), fixed_context()).result
        fhir_store.apply_bundle(conn, bundle, None, START + timedelta(minutes=n))
        resources += [entry["resource"] for entry in bundle["entry"]]
    return resources


def search(conn: Connection, rtype: str, *items: tuple[str, str]) -> fhir_search.Found:
    return fhir_search.search(conn, parse(rtype, list(items), lenient=False).query)


def of(resources: list[Resource], rtype: str) -> list[Resource]:
    return [r for r in resources if r["resourceType"] == rtype]


def test_a_cancellation_ends_the_earlier_plan_its_services_and_team(
    conn: Connection, samples_dir: Path
) -> None:
    [plan] = of(store(conn, samples_dir, NEW), "CarePlan")
    assert len(search(conn, "CarePlan", ("patient", FNR), ("status", "active")).matches) == 1
    cancelling = store(conn, samples_dir, CANCELLED)
    [cancel] = of(cancelling, "CarePlan")
    earlier = fhir_store.read(conn, "CarePlan", plan["id"])
    assert earlier is not None and earlier["status"] == "revoked" and earlier["meta"]["versionId"] == "2"
    stored = fhir_store.read(conn, "CarePlan", cancel["id"])
    assert stored is not None and stored["status"] == "revoked"
    assert stored["replaces"] == [{"reference": f"CarePlan/{plan['id']}"}]
    assert search(conn, "CarePlan", ("patient", FNR), ("status", "active,draft,on-hold")).matches == []
    live = search(conn, "ServiceRequest", ("patient", FNR), ("status", "active,draft,on-hold"))
    assert live.matches == [], "neither the plan's services nor the cancellation's stay active"
    assert [t["id"] for t in of(cancelling, "CareTeam")], "the cancellation names its contacts"
    teams = search(conn, "CareTeam", ("patient", FNR), ("status", "active"))
    assert teams.matches == [], "the team of the ended plan and of the cancellation end with them"
    history = [body["status"] for _v, _c, body in fhir_store.versions(conn, "CarePlan", plan["id"])]
    assert history == ["revoked", "active"], "the plan as it was stays readable"


def test_the_patients_team_is_the_care_team_of_the_active_plan(conn: Connection, samples_dir: Path) -> None:
    """Reports add a CareTeam each (the people that message names, managed by its sender); the current
    team is the one the active tjenestetilbud CarePlan names, as docs/fhir-api.md tells clients."""
    resources = store(conn, samples_dir, REPORTS[0], NEW, REPORTS[1])
    [plan] = of(resources, "CarePlan")
    found = search(
        conn, "CarePlan", ("patient", FNR), ("category", "tjenestetilbud"), ("status", "active"),
        ("_include", "CarePlan:care-team"),
    )  # fmt: skip
    assert [p["id"] for p in found.matches] == [plan["id"]]
    assert [f"CareTeam/{t['id']}" for t in found.included] == [found.matches[0]["careTeam"][0]["reference"]]
    every = search(conn, "CareTeam", ("patient", FNR))
    assert len(every.matches) == len(of(resources, "CareTeam")) > 1, "each report keeps its own CareTeam"
