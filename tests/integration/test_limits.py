"""The limits are the service's settings: lowered, they refuse what the defaults take, coded, with the
negative AppRec or ebXML MessageError a refusal gets; the processor time one message may take, too."""

from __future__ import annotations

import json

from tests.integration.conftest import AUTH, GatewayFactory
from tests.integration.messages import FHIR_STORE_ROUTES, hodemelding
from tests.integration.test_ebxml import package


def test_lowered_document_limits_refuse_an_ordinary_message(
    sqlite_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(sqlite_url, FHIR_STORE_ROUTES, xml_max_elements=100)
    refused = gw.post(hodemelding())
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["code"] == "xml.too-many-elements"
    apprec = gw.client.get(f"/messages/{refused.json()['id']}/apprec", headers=AUTH)
    assert apprec.status_code == 200 and b'<Status V="2"' in apprec.content and b'V="T01"' in apprec.content

    gw = gateway_factory(sqlite_url.replace(".db", "-2.db"), FHIR_STORE_ROUTES, json_max_values=100)
    bundle = {
        "resourceType": "Bundle",
        "type": "message",
        "entry": [{"fullUrl": f"urn:x:{i}"} for i in range(60)],
    }
    refused = gw.client.post(
        "/fhir", content=json.dumps(bundle), headers={**AUTH, "Content-Type": "application/fhir+json"}
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "json.too-many-values"


def test_an_ebxml_package_with_more_parts_than_the_setting_is_refused_with_a_soap_fault(
    sqlite_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(sqlite_url, FHIR_STORE_ROUTES, ebxml_max_parts=2)
    body, headers = package(hodemelding())
    boundary = headers["Content-Type"].split('boundary="')[1].split('"')[0].encode()
    first, rest = body.split(b"--" + boundary + b"--", 1)
    extra = b"--" + boundary + b"\r\nContent-ID: <extra@x>\r\nContent-Type: application/xml\r\n\r\n<a/>\r\n"
    answer = gw.client.post(
        "/ebxml", content=first + extra + b"--" + boundary + b"--" + rest, headers=headers
    )
    assert answer.status_code == 400 and b"<code>ebxml.mime-too-many-parts</code>" in answer.content
    assert gw.get("/messages", direction="inbound")["total"] == 1, "one package, no payload stored"


def test_a_message_past_its_processor_time_is_refused_for_good(
    sqlite_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(sqlite_url, FHIR_STORE_ROUTES, processing_timeout_seconds=0.000001)
    refused = gw.post(hodemelding())
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert error["code"] == "message.processing-timeout"
    assert "SAMBAND_PROCESSING_TIMEOUT_SECONDS" in error["expected"]
    assert gw.get(f"/messages/{refused.json()['id']}")["status"] == "rejected"
    assert gw.drain() == 0, "nothing was queued, nothing is taken over"
