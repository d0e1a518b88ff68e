"""POST /ebxml: one signal per message (the same for a repeat), payload processed like a bare post."""

from __future__ import annotations

from collections.abc import Callable

from samband.adapters.ebxml import build_message, make_payload, parse_ebxml, serialize_package
from tests.integration.conftest import AUTH, GatewayFactory
from tests.integration.messages import RECEIVER_HER, SENDER_HER, hodemelding, msg_id_of
from tests.integration.receiver import Receiver


def package(payload: bytes, message_id: str | None = None) -> tuple[bytes, dict[str, str]]:
    message = build_message(
        from_her=SENDER_HER,
        to_her=RECEIVER_HER,
        action="HELSEOPPLYSNINGER_LEGE",
        payload=make_payload(payload, content_type="application/xml"),
        message_id=message_id,
    )
    packed = serialize_package(message)
    return packed.body, {**AUTH, **packed.headers, "Content-Type": packed.content_type}


def test_ebxml_message_is_acknowledged_once_and_its_payload_processed(
    database_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    peer = receivers()
    routes = f"""
routes:
  - name: peer
    match: {{source_formats: [ebxml]}}
    target_format: as-is
    transport: http
    endpoint: {peer.url}
"""
    gw = gateway_factory(database_url, routes)
    inner = hodemelding()
    body, headers = package(inner, message_id="ebxml-test-0001@samband.test")

    answer = gw.client.post("/ebxml", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    ack = parse_ebxml(answer.content)
    assert ack.acknowledgment is not None
    assert ack.acknowledgment.ref_to_message_id == "ebxml-test-0001@samband.test"
    envelope_id = answer.headers["X-Samband-Message-Id"]

    gw.drain()
    [taken] = peer.taken()
    assert taken.msg_id == msg_id_of(inner)
    [payload] = gw.get("/messages", source_id=envelope_id, direction="inbound")["items"]
    assert payload["msg_id"] == msg_id_of(inner) and payload["status"] == "delivered"
    assert gw.get(f"/messages/{envelope_id}")["format"] == "ebxml"
    assert "ebxml.unpacked" in gw.events(envelope_id)

    again = gw.client.post("/ebxml", content=body, headers=headers)
    assert again.status_code == 200 and again.content == answer.content, "a repeat gets the same ack"
    assert again.headers["X-Samband-Duplicate"] == "true"
    gw.drain()
    assert len(peer.taken()) == 1
    bare = gw.post(hodemelding())
    assert bare.status_code == 422, "a bare post is not ebxml: no route takes it"
    assert bare.json()["errors"][0]["code"] == "routing.no-route"


def test_ebxml_with_a_profile_error_gets_a_message_error_and_nothing_is_delivered(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    peer = receivers()
    gw = gateway_factory(
        sqlite_url,
        f"routes:\n  - name: peer\n    target_format: as-is\n    transport: http\n    endpoint: {peer.url}\n",
    )
    body, headers = package(hodemelding())
    headers["SOAPAction"] = "wrong"
    answer = gw.client.post("/ebxml", content=body, headers=headers)
    assert answer.status_code == 200
    error = parse_ebxml(answer.content)
    assert error.error_list is not None
    gw.drain()
    assert peer.taken() == []
    assert gw.get(f"/messages/{answer.headers['X-Samband-Message-Id']}")["status"] == "rejected"

    fault = gw.client.post(
        "/ebxml", content=b"not a soap message", headers={**AUTH, "Content-Type": "text/xml"}
    )
    assert fault.status_code == 400 and b"Fault" in fault.content
