"""The official XSDs vanish while the gateway runs: /healthz says so (503), a sender is told to try
again (503, never 500 or 204), the message stays stored and is processed once the schemas are back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from samband.adapters.ebxml import build_acknowledgment, build_message, make_payload, serialize_ebxml
from tests.integration.conftest import AUTH, GatewayFactory
from tests.integration.messages import RECEIVER_HER, SENDER_HER, hodemelding, msg_id_of
from tests.integration.test_ebxml import package


class Schemas:
    """Switches the folder the gateway reads between the real XSDs and an empty folder."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, empty: Path) -> None:
        self.monkeypatch, self.empty = monkeypatch, empty
        self.real = os.environ["SAMBAND_XSD_DIR"]

    def vanish(self) -> None:
        self.monkeypatch.setenv("SAMBAND_XSD_DIR", str(self.empty))

    def restore(self) -> None:
        self.monkeypatch.setenv("SAMBAND_XSD_DIR", self.real)


@pytest.fixture
def schemas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Schemas:
    return Schemas(monkeypatch, tmp_path / "no-schemas")


def test_healthz_is_unhealthy_without_the_schemas(
    sqlite_url: str, gateway_factory: GatewayFactory, schemas: Schemas
) -> None:
    gw = gateway_factory(sqlite_url)
    assert gw.client.get("/healthz").status_code == 200
    schemas.vanish()
    answer = gw.client.get("/healthz")
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "unhealthy"
    [problem] = body["problems"]
    assert problem["code"] == "config.xsd-dir" and "samband schemas fetch" in problem["detail"]


def test_a_message_posted_while_the_schemas_are_missing_is_kept_for_a_later_try(
    sqlite_url: str, gateway_factory: GatewayFactory, schemas: Schemas
) -> None:
    gw = gateway_factory(sqlite_url)
    raw = hodemelding()
    schemas.vanish()
    answer = gw.post(raw)
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"]
    body = answer.json()
    assert body["status"] == "received" and body["errors"][0]["code"] == "config.xsd-dir"
    assert gw.get(f"/messages/{body['id']}")["status"] == "received"
    assert "deferred" in gw.events(body["id"])

    schemas.restore()
    gw.clock.advance(gw.services.settings.processing_grace_seconds + 1)
    gw.drain()
    stored = gw.get(f"/messages/{body['id']}")
    assert stored["status"] in {"routed", "delivered"} and stored["msg_id"] == msg_id_of(raw)


def test_an_ebxml_message_gets_503_not_204_and_its_ack_later(
    sqlite_url: str, gateway_factory: GatewayFactory, schemas: Schemas
) -> None:
    gw = gateway_factory(sqlite_url)
    body, headers = package(hodemelding(), message_id="ebxml-vanish-0001@samband.test")
    schemas.vanish()
    answer = gw.client.post("/ebxml", content=body, headers=headers)
    assert answer.status_code == 503, answer.text
    envelope_id = answer.json()["id"]
    assert gw.get(f"/messages/{envelope_id}")["status"] == "received"

    schemas.restore()
    gw.clock.advance(gw.services.settings.processing_grace_seconds + 1)
    gw.drain()
    assert gw.get(f"/messages/{envelope_id}")["status"] == "routed"
    again = gw.client.post("/ebxml", content=body, headers=headers)
    assert again.status_code == 200, again.text
    assert b"Acknowledgment" in again.content


def test_an_ebxml_signal_is_still_answered_with_204(sqlite_url: str, gateway_factory: GatewayFactory) -> None:
    gw = gateway_factory(sqlite_url)
    ours = build_message(
        from_her=RECEIVER_HER,
        to_her=SENDER_HER,
        action="HELSEOPPLYSNINGER_LEGE",
        payload=make_payload(hodemelding(), content_type="application/xml"),
    )
    signal = serialize_ebxml(build_acknowledgment(ours))
    answer = gw.client.post("/ebxml", content=signal, headers={**AUTH, "Content-Type": "text/xml"})
    assert answer.status_code == 204, answer.text
