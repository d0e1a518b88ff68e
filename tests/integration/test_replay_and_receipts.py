"""Replay (all routes, selected ones, override endpoint), AppRecs that answer our messages, timeouts,
and a stored-but-unprocessed message taken over after a crash."""

from __future__ import annotations

from collections.abc import Callable

from samband.adapters.apprec import build_apprec, original_facts, serialize_apprec
from samband.gateway import pipeline
from samband.gateway.store import repository as repo
from samband.gateway.store.repository import Kind
from tests.integration.conftest import AUTH, GatewayFactory
from tests.integration.messages import hodemelding
from tests.integration.receiver import Receiver

ROUTES = """
routes:
  - name: peer
    target_format: as-is
    transport: http
    endpoint: {a}
  - name: archive
    target_format: as-is
    transport: http
    endpoint: {b}
"""


def routes(a: Receiver, b: Receiver) -> str:
    return ROUTES.replace("{a}", a.url).replace("{b}", b.url)


def test_replay_to_an_override_endpoint_goes_there_and_nowhere_else(
    database_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    a, b, tester = receivers(), receivers(), receivers()
    gw = gateway_factory(database_url, routes(a, b))
    original = gw.post(hodemelding()).json()["id"]
    gw.drain()
    apprecs_before = gw.get("/messages", source_id=original, direction="outbound")["total"]

    answer = gw.client.post(
        f"/messages/{original}/replay",
        json={"endpoint": tester.url},
        headers={**AUTH, "X-Samband-Actor": "someone else"},  # a name the caller gives counts for nothing
    )
    assert answer.status_code == 202, answer.text
    replayed = answer.json()["id"]
    gw.drain()

    [taken] = tester.taken()
    assert taken.body == gw.client.get(f"/messages/{original}/raw", headers=AUTH).content
    assert len(a.taken()) == 1 and len(b.taken()) == 1, "nothing more to the configured routes"
    replay = gw.get(f"/messages/{replayed}")
    assert replay["kind"] == "replay" and replay["source_id"] == original
    assert [d["route"] for d in replay["deliveries"]] == ["replay-override"]
    assert replay["deliveries"][0]["endpoint"] == tester.url
    assert replay["apprec"] is None, "a replay never sends the sender a second AppRec"
    assert gw.get("/messages", source_id=original, direction="outbound")["total"] == apprecs_before
    replay_event = next(
        e for e in gw.get(f"/messages/{original}/events")["events"] if e["kind"] == "replayed"
    )
    assert replay_event["actor"] == "dev-key"
    assert replay_event["detail"]["replay"] == replayed
    assert replay_event["detail"]["endpoint"] == tester.url
    [recorded] = gw.get(f"/messages/{original}")["replays"]
    assert recorded["id"] == replayed and recorded["actor"] == "dev-key"
    assert recorded["endpoint"] == tester.url


def test_replay_to_selected_destinations_and_to_all(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    a, b = receivers(), receivers()
    gw = gateway_factory(sqlite_url, routes(a, b))
    original = gw.post(hodemelding()).json()["id"]
    gw.drain()
    gw.client.post(f"/messages/{original}/replay", json={"destinations": ["archive"]}, headers=AUTH)
    gw.drain()
    assert (len(a.taken()), len(b.taken())) == (1, 2)
    gw.client.post(f"/messages/{original}/replay", headers=AUTH)
    gw.drain()
    assert (len(a.taken()), len(b.taken())) == (2, 3)
    unknown = gw.client.post(f"/messages/{original}/replay", json={"destinations": ["nope"]}, headers=AUTH)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["code"] == "replay.unknown-destination"
    missing = gw.client.post("/messages/not-a-message/replay", headers=AUTH)
    assert missing.status_code == 404


def test_apprec_for_a_message_we_sent_updates_its_status(
    database_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    a, b = receivers(), receivers()
    gw = gateway_factory(database_url, routes(a, b))
    source = gw.post(hodemelding()).json()["id"]
    gw.drain()
    sent = gw.get("/messages", source_id=source, direction="outbound", kind="forward")["items"]
    peer_copy = next(m for m in sent if m["route"] == "peer")
    delivered = a.taken()[0].body
    their_apprec = serialize_apprec(build_apprec(original_facts(delivered), status="2"))

    answer = gw.post(their_apprec)
    assert answer.status_code == 202, answer.text
    updated = gw.get(f"/messages/{peer_copy['id']}")
    assert updated["status"] == "refused"
    assert updated["apprec_received"]["status"] == "2"
    assert updated["apprec_received"]["id"] == answer.json()["id"]
    assert "apprec.received" in gw.events(peer_copy["id"])
    stored = gw.get(f"/messages/{answer.json()['id']}")
    assert stored["format"] == "apprec" and stored["source_id"] == peer_copy["id"]
    assert stored["apprec"] is None, "an AppRec is never answered"


def test_missing_apprec_raises_an_event_and_a_metric(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    a, b = receivers(), receivers()
    gw = gateway_factory(sqlite_url, routes(a, b), apprec_timeout_seconds=60, job_interval_seconds=1)
    source = gw.post(hodemelding()).json()["id"]
    gw.drain()
    gw.clock.advance(59)
    gw.drain()
    assert "apprec.overdue" not in gw.events(source)
    gw.clock.advance(2)
    gw.drain()
    assert gw.events(source).count("apprec.overdue") == 2, "one per destination that owes an AppRec"
    gw.clock.advance(120)
    gw.drain()
    assert gw.events(source).count("apprec.overdue") == 2, "raised once, not on every pass"
    metrics = gw.client.get("/metrics", headers=AUTH).text
    assert 'samband_apprec_missing_total{message_type="HELSEOPPLYSNINGER_LEGE",route="peer"} 1.0' in metrics


def test_a_message_stored_before_a_crash_is_taken_over(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    a, b = receivers(), receivers()
    gw = gateway_factory(sqlite_url, routes(a, b), processing_grace_seconds=5)
    mid = pipeline.store_raw(gw.services, hodemelding(), "application/xml", Kind.MESSAGE)
    assert gw.drain() == 0, "its first processing still holds the claim"
    gw.clock.advance(6)
    gw.drain()
    assert len(a.taken()) == 1 and len(b.taken()) == 1
    assert gw.get(f"/messages/{mid}")["status"] == "delivered"


def test_parts_that_could_not_be_mapped_give_apprec_status_3(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    a, b = receivers(), receivers()
    gw = gateway_factory(sqlite_url, routes(a, b))
    mid = gw.post(hodemelding()).json()["id"]
    lost = {"path": "/MsgHead/Document/RefDoc/Content/X", "code": "mapping.lost", "severity": "error",
            "text": "X could not be mapped", "text_no": "X kunne ikke overføres"}  # fmt: skip
    with gw.services.engine.begin() as conn:
        repo.update_message(conn, mid, gw.clock(), issues=[lost])
    gw.drain()
    apprec = gw.client.get(f"/messages/{mid}/apprec", headers=AUTH)
    assert apprec.headers["X-Samband-AppRec-Status"] == "3"
    assert b'<Status V="3"' in apprec.content and b'V="X99"' in apprec.content
    assert "X kunne ikke overføres".encode() in apprec.content
