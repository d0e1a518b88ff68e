"""The FHIR API as real clients use it: fhirpy and fhirclient against ``samband serve`` on loopback, after
the official PLO samples (and a changed Orientering) went through the default route into the store.

One server and one posting per module; the clients then search by national id, follow references,
page, include, read versions and get an OperationOutcome for what is not supported.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fhirclient import client as fhirclient
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import OperationOutcome

from samband.adapters.formats import validate
from samband.gateway.store.fhir_params import COMMON_PARAMS, SEARCH_PARAMS
from tests.integration.server import free_port, serve

ROOT = Path(__file__).resolve().parents[2]
KEY = "fhir-clients-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
FNR = "urn:oid:2.16.578.1.12.4.1.4.1"
ORIENTERING = "1_6/Orientering_om_tjenestetilbud_v1-6_Ny.xml"
ORIENTERING_MSGID = "c9454120-068b-11e8-b566-0800200c9a66"
ORIENTERING_FNR = "15076500565"
SETTLED = {"delivered", "held", "rejected", "failed", "duplicate"}


@dataclass
class Served:
    base: str
    http: httpx.Client
    fhir: SyncFHIRClient


def changed_orientering(samples: Path) -> bytes:
    """The Orientering sample as its sender's change (Forsendelsesstatus M) with a MsgId of its own."""
    text = (samples / ORIENTERING).read_text(encoding="utf-8")
    text = text.replace(ORIENTERING_MSGID, str(uuid.uuid4())).replace('V="N" DN="Ny"', 'V="M" DN="Endring"')
    return text.replace("2018-01-31T11:35:33", "2018-02-02T10:00:00").encode()


def post_and_settle(http: httpx.Client, bodies: list[bytes]) -> None:
    ids = []
    for raw in bodies:
        answer = http.post("/messages", content=raw, headers={"Content-Type": "application/xml"})
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["id"])
    deadline = time.monotonic() + 120  # a wait for the worker on a loaded machine, not a speed check
    while ids and time.monotonic() < deadline:
        ids = [i for i in ids if http.get(f"/messages/{i}").json()["status"] not in SETTLED]
        time.sleep(0.1)
    assert not ids, f"not processed in time: {ids}"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Iterator[Served]:
    samples = samples_dir / "plo"
    folder = tmp_path_factory.mktemp("fhir-clients")
    env = {**os.environ, "SAMBAND_DATABASE_URL": f"sqlite:///{folder / 'samband.db'}",
           "SAMBAND_DEV_API_KEY": KEY, "SAMBAND_WORKER_POLL_SECONDS": "0.05"}  # fmt: skip
    env.pop("SAMBAND_ROUTES", None)  # the default route: everything into the FHIR store
    port = free_port()
    process = serve(port, env, folder / "serve.log")
    base = f"http://127.0.0.1:{port}"
    http = httpx.Client(base_url=base, headers=AUTH, timeout=30)
    try:
        post_and_settle(http, [p.read_bytes() for p in sorted(samples.rglob("*.xml"))])
        post_and_settle(http, [changed_orientering(samples)])  # arrives after the original
        yield Served(base, http, SyncFHIRClient(f"{base}/fhir", authorization=f"Bearer {KEY}"))
    finally:
        http.close()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def references(node: Any) -> list[str]:
    if isinstance(node, list):
        return [r for item in node for r in references(item)]
    if isinstance(node, dict):
        own = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return own + [r for value in node.values() for r in references(value)]
    return []


def test_a_patients_careplans_by_national_id_resolve_every_reference(served: Served) -> None:
    plans = served.fhir.resources("CarePlan").search(patient=f"{FNR}|{ORIENTERING_FNR}").fetch_all()
    assert plans, "the Orientering's CarePlans are found by the patient's FNR"
    for plan in plans:
        patient = plan["subject"].to_resource()
        assert patient["resourceType"] == "Patient"
        assert (FNR, ORIENTERING_FNR) in [(i["system"], i["value"]) for i in patient["identifier"]]
        for ref in references(plan.serialize()):  # type: ignore[no-untyped-call]
            rtype, rid = ref.split("/")
            assert served.fhir.reference(rtype, rid).to_resource()["id"] == rid, ref


def test_a_changed_orientering_replaces_the_earlier_plan(served: Served) -> None:
    plans = served.fhir.resources("CarePlan").search(patient=ORIENTERING_FNR, category="tjenestetilbud")
    active = plans.search(status="active").fetch_all()
    assert len(active) == 1, "one current plan, not a second active one"
    [replaced] = active[0]["replaces"]
    earlier = replaced.to_resource()
    assert earlier["status"] == "revoked" and earlier["meta"]["versionId"] == "2"
    first = served.fhir.execute(f"CarePlan/{earlier['id']}/_history/1", method="get")
    assert first["status"] == "active" and first["meta"]["versionId"] == "1"
    history = served.fhir.execute(f"CarePlan/{earlier['id']}/_history", method="get")
    assert [e["resource"]["meta"]["versionId"] for e in history["entry"]] == ["2", "1"]


def test_paging_with_count_two_walks_every_patient(served: Served) -> None:
    search = served.fhir.resources("Patient").limit(2)
    first = served.http.get("/fhir/Patient", params={"_count": "2"}).json()
    assert len(first["entry"]) == 2 and {link["relation"] for link in first["link"]} == {"self", "next"}
    walked = search.fetch_all()  # follows the next links
    assert len(walked) == first["total"] > 2
    assert len({p["id"] for p in walked}) == len(walked), "no patient twice across pages"


def test_include_the_care_team_and_revinclude_the_plans(served: Served) -> None:
    bundle = (
        served.fhir.resources("CarePlan")
        .search(patient=ORIENTERING_FNR, status="active")
        .include("CarePlan", "care-team")
        .fetch_raw()
    )
    modes = {(e["resource"]["resourceType"], e["search"]["mode"]) for e in bundle.entry}
    assert modes == {("CarePlan", "match"), ("CareTeam", "include")}
    patient = served.http.get(
        "/fhir/Patient", params={"identifier": ORIENTERING_FNR, "_revinclude": "CarePlan:subject"}
    ).json()
    assert {e["resource"]["resourceType"] for e in patient["entry"]} == {"Patient", "CarePlan"}


def test_a_version_read_with_etag_and_if_none_match(served: Served) -> None:
    [plan] = served.fhir.resources("CarePlan").search(patient=ORIENTERING_FNR, status="active").fetch_all()
    read = served.http.get(f"/fhir/CarePlan/{plan['id']}")
    assert read.headers["etag"] == f'W/"{plan["meta"]["versionId"]}"'
    again = served.http.get(f"/fhir/CarePlan/{plan['id']}", headers={"If-None-Match": read.headers["etag"]})
    assert again.status_code == 304
    xml = served.http.get(f"/fhir/CarePlan/{plan['id']}", params={"_format": "xml"})
    assert xml.headers["content-type"].startswith("application/fhir+xml") and b"<CarePlan" in xml.content


def test_an_unknown_parameter_is_a_400_operation_outcome(served: Served) -> None:
    with pytest.raises(OperationOutcome) as refused:
        served.fhir.resources("CarePlan").search(colour="blue").fetch()
    assert "fhir-api.unknown-parameter" in str(refused.value)
    answer = served.http.get("/fhir/CarePlan", params={"colour": "blue"})
    assert answer.status_code == 400 and answer.json()["resourceType"] == "OperationOutcome"
    lenient = served.http.get("/fhir/CarePlan", params={"colour": "blue", "_count": "1"},
                              headers={"Prefer": "handling=lenient"})  # fmt: skip
    assert lenient.status_code == 200
    assert "colour" not in next(link["url"] for link in lenient.json()["link"] if link["relation"] == "self")
    anonymous = httpx.get(f"{served.base}/fhir/Patient", headers={"Accept": "application/fhir+xml"})
    assert anonymous.status_code == 401 and "www-authenticate" in anonymous.headers
    assert anonymous.headers["content-type"].startswith("application/fhir+xml")
    assert b"<OperationOutcome" in anonymous.content and b"auth.required" in anonymous.content
    missing = served.http.get("/fhir/CarePlan/no-such-plan")
    assert missing.status_code == 404
    assert missing.json()["issue"][0]["details"]["coding"][0]["code"] == "fhir-api.not-found"


def test_fhirclient_reads_the_capability_statement_listing_what_is_supported(served: Served) -> None:
    smart = fhirclient.FHIRClient(settings={"app_id": "samband-test", "api_base": f"{served.base}/fhir/"})
    smart.server.session.headers.update(AUTH)
    smart.prepare()
    assert smart.ready
    listed = {
        r.type: {p.name for p in r.searchParam or []}
        for r in smart.server.capabilityStatement.rest[0].resource
    }
    assert listed == {rtype: {*COMMON_PARAMS, *params} for rtype, params in SEARCH_PARAMS.items()}


def test_validate_answers_with_the_findings_of_samband_validate(served: Served) -> None:
    good = (ROOT / "tests" / "golden" / "plo_to_fhir" / "orientering_ny_1_6" / "expected.json").read_bytes()
    headers = {"Content-Type": "application/fhir+json"}
    fine = served.http.post("/fhir/$validate", content=good, headers=headers).json()
    assert [i["severity"] for i in fine["issue"]] == ["information"]
    bundle = json.loads(good)
    bundle["entry"][0]["resource"]["resourceType"] = "NoSuchType"
    broken = json.dumps(bundle).encode()
    _kind, findings = validate(broken)
    answer = served.http.post("/fhir/$validate", content=broken, headers=headers).json()
    codes = [i["details"]["coding"][0]["code"] for i in answer["issue"]]
    assert codes == [f.code for f in findings] and "error" in {i["severity"] for i in answer["issue"]}
    wrapped = {"resourceType": "Parameters", "parameter": [{"name": "resource", "resource": bundle}]}
    as_parameter = served.http.post("/fhir/CarePlan/$validate", json=wrapped).json()
    assert [i["details"]["coding"][0]["code"] for i in as_parameter["issue"]] == codes
