"""The FHIR REST answers a client relies on, against the real app on loopback with a store filled
directly: 410 for a deleted resource (history stays), _summary/_total/_sort, 405/404/406 as
OperationOutcomes (a body past the size limit too, refused before any route), and every read of
stored resources in the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from samband.gateway.api.fhir_wire import FHIR_JSON, FHIR_XML
from samband.gateway.app import create_app
from samband.gateway.runtime import Services
from samband.gateway.settings import Settings
from samband.gateway.store import fhir as fhir_store
from tests.integration.server import LiveServer

ROOT = Path(__file__).resolve().parents[3]
KEY = "fhir-api-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
FNR = "urn:oid:2.16.578.1.12.4.1.4.1"
LIMIT = 64 * 1024


def plan(cid: str, start: str) -> dict[str, Any]:
    return {"resourceType": "CarePlan", "id": cid, "status": "active", "intent": "plan",
            "subject": {"reference": "Patient/p1"}, "period": {"start": start}}  # fmt: skip


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, FastAPI]]:
    folder = tmp_path_factory.mktemp("fhir-api")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'samband.db'}", dev_api_key=KEY, worker_enabled=False,
        max_body_bytes=LIMIT,
    )  # fmt: skip
    app = create_app(settings)
    svc: Services = app.state.services
    patient = {"resourceType": "Patient", "id": "p1", "identifier": [{"system": FNR, "value": "13116900216"}]}
    with svc.engine.begin() as conn:
        now = datetime(2026, 3, 1, tzinfo=UTC)
        for resource in (
            patient,
            plan("c1", "2026-01-01"),
            plan("c2", "2026-02-01"),
            plan("c3", "2025-06-01"),
        ):
            fhir_store.apply_bundle(conn, resource, None, now)
        fhir_store.delete_resources(conn, [("CarePlan", "c3")])
    server = LiveServer(app)
    server.start()
    server.client.headers.update(AUTH)
    yield server.client, app
    server.stop()


def code_of(answer: httpx.Response) -> str:
    body = answer.json()
    assert body["resourceType"] == "OperationOutcome", body
    return str(body["issue"][0]["details"]["coding"][0]["code"])


def test_a_deleted_resource_is_gone_but_its_history_stays(served: tuple[httpx.Client, FastAPI]) -> None:
    client, _app = served
    gone = client.get("/fhir/CarePlan/c3")
    assert gone.status_code == 410 and code_of(gone) == "fhir-api.deleted"
    history = client.get("/fhir/CarePlan/c3/_history").json()
    assert history["type"] == "history" and history["total"] == 1
    assert client.get("/fhir/CarePlan/c3/_history/1").json()["period"] == {"start": "2025-06-01"}
    missing = client.get("/fhir/CarePlan/c3/_history/7")
    assert missing.status_code == 404 and code_of(missing) == "fhir-api.not-found"


def test_summary_total_and_sort(served: tuple[httpx.Client, FastAPI]) -> None:
    client, _app = served
    counted = client.get("/fhir/CarePlan", params={"_summary": "count"}).json()
    assert counted["total"] == 2 and "entry" not in counted
    newest = client.get("/fhir/CarePlan", params={"_sort": "-date", "_total": "none"}).json()
    assert "total" not in newest and [e["resource"]["id"] for e in newest["entry"]] == ["c2", "c1"]
    oldest = client.get("/fhir/CarePlan", params={"_sort": "date", "patient": "13116900216"}).json()
    assert [e["resource"]["id"] for e in oldest["entry"]] == ["c1", "c2"]


def test_what_is_not_served_answers_an_operation_outcome(served: tuple[httpx.Client, FastAPI]) -> None:
    client, _app = served
    put = client.put("/fhir/CarePlan/c1", json={"resourceType": "CarePlan"})
    assert put.status_code == 405 and code_of(put) == "fhir-api.read-only"
    unknown = client.get("/fhir/Basic")
    assert unknown.status_code == 404 and code_of(unknown) == "fhir-api.unknown-type"
    bad_format = client.get("/fhir/CarePlan", params={"_format": "text/csv"})
    assert bad_format.status_code == 406 and code_of(bad_format) == "fhir-api.format"
    bad_date = client.get("/fhir/CarePlan", params={"date": "ge-soon"})
    assert bad_date.status_code == 400 and code_of(bad_date) == "fhir-api.invalid-value"


def test_every_read_is_audited_with_the_patient(served: tuple[httpx.Client, FastAPI]) -> None:
    client, _app = served
    client.get("/fhir/CarePlan/c1/_history/1")
    client.get("/fhir/CarePlan", params={"_id": "c1", "_include": "CarePlan:subject"})
    trail = client.get("/audit", params={"patient": "13116900216"}).json()["items"]
    assert {(row["action"], row["target"]) for row in trail} >= {
        ("fhir-read", "CarePlan/c1/_history/1"),
        ("fhir-search", "CarePlan"),
    }


def test_a_body_past_the_limit_under_fhir_is_an_operation_outcome(
    served: tuple[httpx.Client, FastAPI],
) -> None:
    client, _app = served
    big = b'{"resourceType": "Bundle", "type": "message", "entry": []}' + b" " * LIMIT
    declared = client.post("/fhir/$validate", content=big, headers={"Content-Type": "application/fhir+json"})
    assert declared.status_code == 413 and code_of(declared) == "http.body-too-large"
    assert declared.headers["content-type"].startswith("application/fhir+json")
    assert declared.json()["issue"][0]["code"] == "too-long"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(4):
            yield big[: LIMIT // 2]

    xml = {"Content-Type": "application/fhir+json", "Accept": "application/fhir+xml"}
    streamed = client.post("/fhir/CarePlan/$validate", content=chunks(), headers=xml)
    assert streamed.status_code == 413 and streamed.headers["content-type"].startswith("application/fhir+xml")
    assert b"<OperationOutcome" in streamed.content and b"http.body-too-large" in streamed.content
    elsewhere = client.post("/messages", content=big, headers={"Content-Type": "application/xml"})
    assert elsewhere.status_code == 413
    assert elsewhere.json()["errors"][0]["code"] == "http.body-too-large", "outside /fhir/ the errors shape"


def test_the_capability_statement_lists_the_formats_and_messages_taken(
    served: tuple[httpx.Client, FastAPI],
) -> None:
    """Every format /fhir/metadata lists is answered, and a message Bundle is taken by POST /fhir in
    each media type its messaging names (FHIR JSON and FHIR XML)."""
    client, _app = served
    statement = client.get("/fhir/metadata").json()
    assert {"json", "xml", FHIR_JSON, FHIR_XML} <= set(statement["format"])
    for media in statement["format"]:
        answered = client.get("/fhir/metadata", params={"_format": media})
        assert answered.status_code == 200, media
        kind = FHIR_XML if "xml" in media else FHIR_JSON
        assert answered.headers["content-type"].startswith(kind), media
    [messaging] = statement["messaging"]
    assert messaging["endpoint"][0]["address"] == f"{client.base_url}/fhir"
    bundles = {
        FHIR_JSON: ROOT / "tests" / "golden" / "fhir_to_plo" / "careplan_handbuilt" / "input.json",
        FHIR_XML: ROOT / "tests" / "messages" / "fhir" / "careplan_handbuilt.xml",
    }
    for media, path in bundles.items():
        assert media in messaging["documentation"]
        posted = client.post("/fhir", content=path.read_bytes(), headers={"Content-Type": media})
        assert posted.status_code == 202 and posted.json()["msg_id"], (media, posted.text)
