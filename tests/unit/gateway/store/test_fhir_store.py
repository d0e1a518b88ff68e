"""The gateway's FHIR store: versioned current state per patient, idempotent bundles, searchsets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine

from samband.gateway.api.fhir_query import parse
from samband.gateway.delivery.transports.base import DeliveryRequest
from samband.gateway.delivery.transports.fhir_store import FhirStoreTransport
from samband.gateway.routing import FHIR_STORE_ROUTE
from samband.gateway.store import fhir as fhir_store
from samband.gateway.store import fhir_search
from samband.gateway.store import repository as repo
from samband.gateway.store.db import make_engine, run_migrations
from samband.gateway.store.repository import Direction, Kind, Status
from samband.kernel.envelope import Envelope
from samband.kernel.errors import DeliveryRefused

NOW = datetime(2026, 2, 1, tzinfo=UTC)
FNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.1"
PATIENT: dict[str, Any] = {
    "resourceType": "Patient",
    "id": "p1",
    "identifier": [{"system": FNR_SYSTEM, "value": "13116900216"}],
    "name": [{"family": "Testesen"}],
}
PLAN: dict[str, Any] = {
    "resourceType": "CarePlan",
    "id": "c1",
    "status": "active",
    "subject": {"reference": "Patient/p1"},
}


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    made = make_engine(f"sqlite:///{tmp_path / 'fhir.db'}")
    run_migrations(made)
    yield made
    made.dispose()


def find(conn: Connection, rtype: str, **params: str) -> list[dict[str, Any]]:
    """Current ``rtype`` resources matching ``params`` (FHIR search parameter names, ``_`` for ``-``)."""
    items = [(k.replace("_", "-") if not k.startswith("_") else k, v) for k, v in params.items()]
    return fhir_search.search(conn, parse(rtype, items, lenient=False).query).matches


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "message",
        "entry": [{"resource": {"resourceType": "MessageHeader", "id": "h"}}]
        + [{"resource": r} for r in resources],
    }


def test_same_content_keeps_the_version_and_a_change_makes_a_new_one(engine: Engine) -> None:
    with engine.begin() as conn:
        assert fhir_store.apply_bundle(conn, bundle(PATIENT, PLAN), None, NOW) == 2
        fhir_store.apply_bundle(conn, bundle(PATIENT, PLAN), None, NOW)
        assert fhir_store.read(conn, "CarePlan", "c1")["meta"]["versionId"] == "1"  # type: ignore[index]
        fhir_store.apply_bundle(conn, bundle({**PLAN, "status": "completed"}), None, NOW)
        current = fhir_store.read(conn, "CarePlan", "c1")
        assert (
            current is not None and current["status"] == "completed" and current["meta"]["versionId"] == "2"
        )
        assert fhir_store.read(conn, "MessageHeader", "h") is None, "the message envelope is not state"


def test_search_by_patient_and_delete_entries(engine: Engine) -> None:
    other: dict[str, Any] = {**PLAN, "id": "c2", "subject": {"reference": "Patient/p2"}}
    with engine.begin() as conn:
        fhir_store.apply_bundle(conn, bundle(PATIENT, PLAN, other), None, NOW)
        assert [r["id"] for r in find(conn, "CarePlan", patient="Patient/p1")] == ["c1"]
        assert [r["id"] for r in find(conn, "CarePlan")] == ["c1", "c2"]
        gone: dict[str, Any] = {"resourceType": "Bundle", "type": "transaction",
                "entry": [{"request": {"method": "DELETE", "url": "CarePlan/c2"}}]}  # fmt: skip
        fhir_store.apply_bundle(conn, gone, None, NOW)
        assert fhir_store.read(conn, "CarePlan", "c2") is None
        assert [r["id"] for r in find(conn, "CarePlan")] == ["c1"]
        assert [v for v, _current, _body in fhir_store.versions(conn, "CarePlan", "c2")] == [1], (
            "history stays"
        )


def test_the_fhir_store_transport_refuses_what_is_not_fhir(engine: Engine) -> None:
    transport = FhirStoreTransport(engine)
    with engine.begin() as conn:
        repo.insert_message(
            conn, raw=b"{}", direction=Direction.OUTBOUND, kind=Kind.TRANSLATION, status=Status.PENDING,
            now=NOW, message_id="m1",
        )  # fmt: skip

    def request(payload: bytes) -> DeliveryRequest:
        return DeliveryRequest("m1", Envelope(msg_id=None, msg_type=None), payload, "application/fhir+json",
                               FHIR_STORE_ROUTE)  # fmt: skip

    assert transport.send(request(json.dumps(bundle(PATIENT)).encode())).status_code == 200
    with pytest.raises(DeliveryRefused):
        transport.send(request(b"<xml/>"))
    with pytest.raises(DeliveryRefused):
        transport.send(request(b"[1, 2]"))


def test_search_by_the_patients_fnr_and_by_identifier(engine: Engine) -> None:
    with engine.begin() as conn:
        fhir_store.apply_bundle(conn, bundle(PATIENT, PLAN), None, NOW)
        assert [r["id"] for r in find(conn, "CarePlan", patient="13116900216")] == ["c1"]
        assert [r["id"] for r in find(conn, "CarePlan", subject=f"{FNR_SYSTEM}|13116900216")] == ["c1"]
        assert [r["id"] for r in find(conn, "Patient", identifier="13116900216")] == ["p1"]
        assert find(conn, "Patient", identifier=f"{FNR_SYSTEM}|13116900216")[0]["id"] == "p1"
        assert find(conn, "Patient", identifier="urn:other|13116900216") == []
        assert find(conn, "CarePlan", patient="00000000000") == []
        moved = {**PATIENT, "identifier": [{"system": FNR_SYSTEM, "value": "41018012345"}]}
        fhir_store.apply_bundle(conn, bundle(moved), None, NOW)
        assert find(conn, "Patient", identifier="13116900216") == []
        assert [r["id"] for r in find(conn, "CarePlan", patient="41018012345")] == ["c1"]
