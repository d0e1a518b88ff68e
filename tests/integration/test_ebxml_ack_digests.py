"""The ebXML Acknowledgment carries digests the gateway computed of what it received, never the
sender's: the NAV sample with placeholder digests is acknowledged (not a SOAP Fault), and a payload
part's reference holds the SHA-256 of that part."""

from __future__ import annotations

import base64
import hashlib

from lxml import etree

from samband.adapters.ebxml import acknowledged_references
from samband.adapters.ebxml.model import Payload
from tests.conftest import SAMPLES
from tests.integration.conftest import AUTH, GatewayFactory

NAV = SAMPLES / "ebxml" / "nav" / "payloadmessage.xml"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
SIGNATURE = b"""<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>
<ds:Reference URI="cid:part-1"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
<ds:DigestValue>c2VuZGVyJ3MgY2xhaW0=</ds:DigestValue></ds:Reference>
<ds:Reference URI="cid:not-sent"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
<ds:DigestValue>c2VuZGVyJ3MgY2xhaW0=</ds:DigestValue></ds:Reference>
</ds:SignedInfo></ds:Signature>"""


def test_the_nav_sample_is_acknowledged_with_digests_of_our_own(
    gateway_factory: GatewayFactory, sqlite_url: str
) -> None:
    gw = gateway_factory(sqlite_url)
    answer = gw.client.post(
        "/ebxml", content=NAV.read_bytes(), headers={**AUTH, "Content-Type": "text/xml; charset=utf-8"}
    )
    assert answer.status_code == 200, answer.text
    ack = etree.fromstring(answer.content)
    assert ack.find(".//{*}Acknowledgment") is not None and ack.find(".//{*}Fault") is None
    digests = [d.text or "" for d in ack.iter(f"{DS}DigestValue")]
    assert digests and "digestValue" not in digests
    assert all(len(base64.b64decode(d)) == 32 for d in digests)
    envelope = gw.get(f"/messages/{answer.headers['X-Samband-Message-Id']}")
    assert envelope["status"] == "stored", "no payload part came with it: nothing routed or delivered"


def test_a_payload_reference_holds_the_digest_of_the_part_and_a_missing_part_is_left_out() -> None:
    part = Payload(content_id="<part-1>", content_type="application/xml", data=b"<MsgHead/>")
    [reference] = acknowledged_references(SIGNATURE, b"<e/>", [part])
    value = etree.fromstring(reference).find(f"{DS}DigestValue")
    assert value is not None
    assert value.text == base64.b64encode(hashlib.sha256(b"<MsgHead/>").digest()).decode()
