"""POST /fhir and POST /ip-exports: stored, mapped through the pivot, delivered, readable from /fhir."""

from __future__ import annotations

import json
from collections.abc import Callable

from samband.adapters.iplan import serialize_json, serialize_xml
from tests.conftest import ROOT
from tests.integration.conftest import AUTH, GatewayFactory
from tests.integration.receiver import Receiver
from tools.scenarios import kari

HANDBUILT = ROOT / "tests" / "golden" / "fhir_to_plo" / "careplan_handbuilt" / "input.json"
FHIR_HEADERS = {**AUTH, "Content-Type": "application/fhir+json"}


def test_fhir_bundle_goes_to_the_store_and_out_as_plo(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    kommune = receivers()
    gw = gateway_factory(
        sqlite_url,
        f"""
routes:
  - name: store
    match: {{source_formats: [fhir]}}
    target_format: fhir
    transport: fhir-store
  - name: kommune-plo
    match: {{source_formats: [fhir], message_types: [ORIENTERING_TJENESTETILBUD]}}
    target_format: plo
    transport: http
    endpoint: {kommune.url}
""",
    )
    raw = HANDBUILT.read_bytes()
    posted = gw.client.post("/fhir", content=raw, headers=FHIR_HEADERS)
    assert posted.status_code == 202, posted.text
    gw.drain()
    [plo] = kommune.taken()
    assert plo.headers["content-type"].startswith("application/xml") and b"MsgHead" in plo.body
    message = gw.get(f"/messages/{posted.json()['id']}")
    assert message["format"] == "fhir" and message["status"] == "delivered"
    assert message["apprec"] is None, "FHIR senders get HTTP answers, not AppRecs"
    plans = [e["resource"] for e in json.loads(raw)["entry"] if e["resource"]["resourceType"] == "CarePlan"]
    stored = gw.get(f"/fhir/CarePlan/{plans[0]['id']}")
    assert stored["status"] == plans[0]["status"] and stored["meta"]["versionId"] == "1"


def test_fhir_bundle_in_xml_is_accepted_and_kept_as_sent(
    sqlite_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(sqlite_url)
    raw = (ROOT / "tests" / "messages" / "fhir" / "careplan_handbuilt.xml").read_bytes()
    posted = gw.client.post("/fhir", content=raw, headers={**AUTH, "Content-Type": "application/fhir+xml"})
    assert posted.status_code == 202, posted.text
    gw.drain()
    message = gw.get(f"/messages/{posted.json()['id']}")
    assert message["format"] == "fhir" and message["type"] == "ORIENTERING_TJENESTETILBUD"
    assert message["status"] == "delivered"
    assert gw.client.get(f"/messages/{posted.json()['id']}/raw", headers=AUTH).content == raw
    plans = [
        e["resource"]
        for e in json.loads(HANDBUILT.read_bytes())["entry"]
        if e["resource"]["resourceType"] == "CarePlan"
    ]
    assert gw.get(f"/fhir/CarePlan/{plans[0]['id']}")["status"] == plans[0]["status"]
    broken = raw.replace(b'<type value="message"/>', b'<type value="message"/><colour value="red"/>')
    refused = gw.client.post(
        "/fhir", content=broken, headers={**AUTH, "Content-Type": "application/fhir+xml"}
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "fhir.xml-element"


def test_bad_fhir_json_is_refused_with_a_code(sqlite_url: str, gateway_factory: GatewayFactory) -> None:
    gw = gateway_factory(sqlite_url)
    refused = gw.client.post("/fhir", content=b"{not json", headers=FHIR_HEADERS)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"]
    assert gw.client.get(f"/messages/{refused.json()['id']}/apprec", headers=AUTH).status_code == 404


def test_ip_export_json_and_xml_land_in_the_fhir_store(
    sqlite_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(sqlite_url)
    export = kari.plan_created(kari.coordinator_appointed(kari.decided(kari.gp_answered(kari.registered()))))
    posted = gw.client.post("/ip-exports", content=serialize_json(export), headers=AUTH)
    assert posted.status_code == 202, posted.text
    gw.drain()
    message = gw.get(f"/messages/{posted.json()['id']}")
    assert message["type"] == "IP_EXPORT" and message["status"] == "delivered"
    assert message["patient"] == export.plan.subject.national_id.value
    plans = gw.get("/fhir/CarePlan")
    assert plans["total"] >= 1
    again = gw.client.post("/ip-exports", content=serialize_xml(export), headers=AUTH)
    assert again.json()["duplicate"] is True, "the same exportId is the same message"
    broken = gw.client.post("/ip-exports", content=b'{"schemaVersion": "1.0"}', headers=AUTH)
    assert broken.status_code == 422
