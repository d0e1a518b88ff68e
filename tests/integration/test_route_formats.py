"""Routes by format through the running app: a Hodemelding matches as its payload family, an
ip-export route delivers, and a disabled route never changes what happens to a message."""

from __future__ import annotations

from collections.abc import Callable

from samband.adapters.formats import read_envelope
from samband.adapters.iplan import parse
from tests.conftest import ROOT, SAMPLES
from tests.integration.conftest import AUTH, GatewayFactory
from tests.integration.messages import hodemelding
from tests.integration.receiver import Receiver

NOTAT = ROOT / "tests" / "messages" / "dialogmelding" / "notat_1_1_vedlegg.xml"
EGENANDEL = SAMPLES / "msghead" / "nav" / "egenandelforesporsel.xml"
EXPORT = ROOT / "tests" / "messages" / "ip-export" / "valid" / "kari-active.xml"

FAMILIES = """
routes:
  - name: plo-out
    match: {{source_formats: [plo]}}
    target_format: fhir
    transport: http
    endpoint: {plo}
  - name: dialog-out
    match: {{source_formats: [dialogmelding]}}
    target_format: dialogmelding
    transport: http
    endpoint: {dialog}
"""


def test_plo_and_dialogmelding_routes_take_their_family(
    database_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    plo, dialog = receivers(), receivers()
    gw = gateway_factory(database_url, FAMILIES.format(plo=plo.url, dialog=dialog.url))

    posted = gw.post(hodemelding())
    assert posted.status_code == 202, posted.text
    gw.drain()
    [bundle] = plo.taken()
    assert bundle.headers["content-type"].startswith("application/fhir+json")
    assert b"HELSEOPPLYSNINGER_LEGE" in bundle.body
    assert dialog.taken() == []
    assert gw.get(f"/messages/{posted.json()['id']}")["status"] == "delivered"

    posted = gw.post(NOTAT.read_bytes())
    assert posted.status_code == 202, posted.text
    gw.drain()
    [notat] = dialog.taken()
    assert read_envelope(notat.body)[1].msg_type == "DIALOG_NOTAT"
    assert len(plo.taken()) == 1
    assert [t["route"] for t in gw.get(f"/messages/{posted.json()['id']}")["translations"]] == ["dialog-out"]


HELD = """
routes:
  - name: peer
    match: {{message_types: [EgenandelForesporsel]}}
    target_format: as-is
    transport: http
    endpoint: {peer}
  - name: store
    target_format: fhir
    transport: fhir-store
    enabled: {enabled}
"""


def test_a_disabled_route_does_not_affect_a_message(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    """The store route cannot take a payload without a FHIR mapping: enabled it refuses the message,
    disabled the message goes its way as if the route were not there."""
    peer = receivers()
    raw = EGENANDEL.read_bytes()
    enabled = gateway_factory(sqlite_url, HELD.format(peer=peer.url, enabled="true"))
    refused = enabled.post(raw)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "pivot.unsupported-payload"

    gw = gateway_factory(f"{sqlite_url[:-3]}-2.db", HELD.format(peer=peer.url, enabled="false"))
    posted = gw.post(raw)
    assert posted.status_code == 202, posted.text
    assert posted.json()["status"] == "routed"
    gw.drain()
    [forwarded] = peer.taken()
    assert forwarded.body == raw
    message = gw.get(f"/messages/{posted.json()['id']}")
    assert message["status"] == "delivered"
    assert [t["route"] for t in message["translations"]] == ["peer"]
    assert "route.skipped" in gw.events(message["id"])


def test_an_ip_export_route_delivers_instead_of_refusing_the_sender(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    tool = receivers()
    gw = gateway_factory(
        sqlite_url,
        f"""
routes:
  - name: iplan-tool
    match: {{source_formats: [ip-export]}}
    target_format: ip-export
    transport: http
    endpoint: {tool.url}
""",
    )
    posted = gw.client.post("/ip-exports", content=EXPORT.read_bytes(), headers=AUTH)
    assert posted.status_code == 202, posted.text
    gw.drain()
    [delivered] = tool.taken()
    assert delivered.headers["content-type"].startswith("application/json")
    assert delivered.body.lstrip().startswith(b"{"), "written as ip-export JSON"
    assert parse(delivered.body) == parse(EXPORT.read_bytes())
    assert gw.get(f"/messages/{posted.json()['id']}")["status"] == "delivered"
