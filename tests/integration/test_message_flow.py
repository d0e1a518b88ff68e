"""End to end on a real store: post → stored → translated → delivered → AppRec → timeline, and dedup."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from samband.gateway import translate
from tests.integration.conftest import AUTH, GatewayFactory
from tests.integration.messages import RECEIVER_HER, SENDER_HER, hodemelding
from tests.integration.receiver import Receiver

ROUTES = """
routes:
  - name: kommune-fhir
    match: {source_formats: [msghead]}
    target_format: fhir
    transport: http
    endpoint: {fhir}
  - name: fhir-store
    match: {source_formats: [msghead]}
    target_format: fhir
    transport: fhir-store
  - name: apprec-back
    match: {message_types: [APPREC]}
    target_format: as-is
    transport: http
    endpoint: {apprec}
"""


def routes(fhir: Receiver, apprec: Receiver) -> str:
    return ROUTES.replace("{fhir}", fhir.url).replace("{apprec}", apprec.url)


def test_posted_message_is_stored_translated_delivered_and_answered(
    database_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    fhir, apprec = receivers(), receivers()
    gw = gateway_factory(database_url, routes(fhir, apprec))
    raw = hodemelding()

    posted = gw.post(raw)
    assert posted.status_code == 202, posted.text
    body = posted.json()
    assert body["duplicate"] is False and body["status"] == "routed"
    mid = body["id"]
    assert gw.client.get(f"/messages/{mid}/raw", headers=AUTH).content == raw

    gw.drain()
    [bundle] = fhir.taken()
    assert bundle.headers["content-type"].startswith("application/fhir+json")
    assert b'"resourceType": "Bundle"' in bundle.body or b'"resourceType":"Bundle"' in bundle.body

    message = gw.get(f"/messages/{mid}")
    assert message["status"] == "delivered"
    assert message["sender_her"] == SENDER_HER and message["receiver_her"] == RECEIVER_HER
    assert {t["route"] for t in message["translations"]} == {"kommune-fhir", "fhir-store"}
    assert all(d["status"] == "delivered" for d in message["deliveries"])
    assert [a["outcome"] for d in message["deliveries"] for a in d["attempts"]] == ["delivered", "delivered"]
    assert message["apprec"]["status"] == "1"

    apprec_xml = gw.client.get(f"/messages/{mid}/apprec", headers=AUTH)
    assert apprec_xml.status_code == 200
    assert b'<Status V="1"' in apprec_xml.content and body["msg_id"].encode() in apprec_xml.content
    [sent_back] = apprec.taken()
    assert sent_back.body == apprec_xml.content

    timeline = gw.events(mid)
    expected = ["received", "envelope", "translated", "translated", "routed"]
    expected += ["delivery.delivered", "delivery.delivered", "delivered"]
    assert [k for k in timeline if k in expected] == expected
    assert timeline[-1] == "apprec.produced"

    outbound = gw.get("/messages", source_id=mid, direction="outbound")
    kinds = sorted(item["kind"] for item in outbound["items"])
    assert kinds == ["apprec", "translation", "translation"]
    assert all(item["source_id"] == mid for item in outbound["items"])

    patients = gw.get("/fhir/Patient")
    assert patients["total"] >= 1
    by_patient = gw.get(f"/messages?patient={message['patient']}")
    assert by_patient["total"] >= 1


def test_default_route_can_be_read_back_from_the_fhir_store(
    sqlite_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(sqlite_url)
    posted = gw.post(hodemelding(patient_seed=7))
    assert posted.status_code == 202, posted.text
    gw.drain()
    [patient] = gw.get("/fhir/Patient")["entry"]
    pid = patient["resource"]["id"]
    assert patient["resource"]["meta"]["versionId"] == "1"
    assert gw.get(f"/fhir/Patient/{pid}")["id"] == pid
    assert gw.get("/fhir/Practitioner")["total"] + gw.get("/fhir/Organization")["total"] >= 1
    message = gw.get(f"/messages/{posted.json()['id']}")
    assert message["status"] == "delivered"
    assert gw.get("/fhir/Patient", identifier=message["patient"])["entry"][0]["resource"]["id"] == pid
    by_fnr = gw.get("/fhir/Patient", patient=message["patient"])
    assert [e["resource"]["id"] for e in by_fnr["entry"]] == [pid]


def test_same_message_twice_is_a_duplicate_with_the_same_apprec(
    database_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    fhir, apprec = receivers(), receivers()
    gw = gateway_factory(database_url, routes(fhir, apprec))
    raw = hodemelding()
    first = gw.post(raw).json()
    gw.drain()
    again = gw.post(raw)
    assert again.status_code == 202
    second = again.json()
    assert second["duplicate"] is True
    assert second["id"] == first["id"] and second["received_id"] != first["id"]
    assert second["apprec_id"] == gw.get(f"/messages/{first['id']}")["apprec"]["id"]
    gw.drain()
    assert len(fhir.taken()) == 1, "nothing is processed twice"
    sent = [t.body for t in apprec.taken()]
    assert len(sent) == 2 and sent[0] == sent[1], "the sender gets the very same AppRec again"
    assert "repeated" in gw.events(first["id"])
    assert gw.get(f"/messages/{second['received_id']}")["status"] == "duplicate"


def test_repeat_posted_before_delivery_is_still_one_message(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    fhir, apprec = receivers(), receivers()
    gw = gateway_factory(sqlite_url, routes(fhir, apprec))
    raw = hodemelding()
    first = gw.post(raw).json()
    second = gw.post(b"\xef\xbb\xbf" + raw + b"\n").json()
    assert second["duplicate"] is True and second["id"] == first["id"]
    gw.drain()
    assert len(fhir.taken()) == 1 and len(apprec.taken()) == 1


def test_rejected_message_answers_422_with_codes_and_stores_a_negative_apprec(
    database_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(database_url)
    broken = hodemelding().replace(b"<GenDate>", b"<GenDateX>", 1)
    refused = gw.post(broken)
    assert refused.status_code == 422
    body = refused.json()
    assert body["status"] == "rejected" and body["errors"][0]["code"]
    mid = body["id"]
    apprec = gw.client.get(f"/messages/{mid}/apprec", headers=AUTH)
    assert apprec.status_code == 200
    assert b'<Status V="2"' in apprec.content
    assert gw.get(f"/messages/{mid}")["error"]["code"] == body["errors"][0]["code"]
    assert "rejected" in gw.events(mid)

    garbage = gw.post(b"this is not xml")
    assert garbage.status_code == 422
    assert garbage.json()["errors"][0]["code"] == "xml.not-well-formed"
    assert b'V="T01"' in gw.client.get(f"/messages/{garbage.json()['id']}/apprec", headers=AUTH).content


@pytest.mark.parametrize(
    ("breakage", "code", "apprec_error"),
    [
        ("msgid", "msghead.missing-msgid", b'V="E10"'),
        ("fnr", "patient.fnr-check-digit", b'V="E31"'),
    ],
)
def test_refusal_carries_its_own_apprec_error_code(
    sqlite_url: str, gateway_factory: GatewayFactory, breakage: str, code: str, apprec_error: bytes
) -> None:
    gw = gateway_factory(sqlite_url)
    if breakage == "msgid":
        raw = hodemelding(msg_id=" ")
    else:
        good = hodemelding()
        fnr = re.search(rb"<Id>(\d{11})</Id>", good)
        assert fnr is not None
        wrong = fnr.group(1)[:10] + str((int(fnr.group(1)[10:]) + 1) % 10).encode()
        raw = good.replace(fnr.group(0), b"<Id>" + wrong + b"</Id>", 1)
    refused = gw.post(raw)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == code
    apprec = gw.client.get(f"/messages/{refused.json()['id']}/apprec", headers=AUTH)
    assert b'<Status V="2"' in apprec.content and apprec_error in apprec.content


def test_no_matching_route_is_a_permanent_error_with_its_own_code(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    target = receivers()
    only_dialog = f"""
routes:
  - name: dialog-only
    match: {{message_types: [DIALOG_NOTAT]}}
    target_format: as-is
    transport: http
    endpoint: {target.url}
"""
    gw = gateway_factory(sqlite_url, only_dialog)
    refused = gw.post(hodemelding())
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "routing.no-route"
    assert b'V="E21"' in gw.client.get(f"/messages/{refused.json()['id']}/apprec", headers=AUTH).content
    gw.drain()
    assert target.taken() == []


def test_every_endpoint_but_healthz_needs_the_key(sqlite_url: str, gateway_factory: GatewayFactory) -> None:
    gw = gateway_factory(sqlite_url)
    assert gw.client.get("/healthz").status_code == 200
    for path in ("/messages", "/metrics", "/fhir/CarePlan", "/routes"):
        assert gw.client.get(path).status_code == 401
        assert gw.client.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert gw.client.post("/messages", content=hodemelding()).status_code == 401
    assert gw.client.get("/docs").status_code == 200
    assert "/messages/{message_id}/replay" in gw.client.get("/openapi.json").json()["paths"]


def test_a_message_the_gateway_cannot_process_is_isolated_not_retaken(
    sqlite_url: str, gateway_factory: GatewayFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    gw = gateway_factory(sqlite_url, processing_grace_seconds=1)

    def broken(raw: bytes) -> None:
        raise RuntimeError("a bug in a validator")

    monkeypatch.setattr(translate, "check", broken)
    answer = gw.post(hodemelding())
    assert answer.status_code == 500
    assert answer.json()["status"] == "failed" and answer.json()["errors"][0]["code"] == "internal-error"
    mid = answer.json()["id"]
    gw.clock.advance(5)
    assert gw.drain() == 0, "a failed message is kept for replay, not taken over again and again"
    monkeypatch.undo()
    assert gw.get(f"/messages/{mid}")["status"] == "failed"
    replayed = gw.client.post(f"/messages/{mid}/replay", headers=AUTH)
    assert replayed.status_code == 202
    gw.drain()
    assert gw.get(f"/messages/{replayed.json()['id']}")["status"] == "delivered"


def test_too_large_a_post_is_refused_before_it_is_stored(
    sqlite_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(sqlite_url, max_body_bytes=1000)
    answer = gw.post(hodemelding())
    assert answer.status_code == 413
    assert answer.json()["errors"][0]["code"] == "http.body-too-large"
    assert gw.get("/messages")["total"] == 0
