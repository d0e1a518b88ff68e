"""Delivery on a real store with real loopback receivers: retries on schedule, dead letter, kill switch."""

from __future__ import annotations

from collections.abc import Callable

from tests.integration.conftest import AUTH, GatewayFactory
from tests.integration.messages import hodemelding
from tests.integration.receiver import Receiver

TWO_RECEIVERS = """
routes:
  - name: down-one
    target_format: as-is
    transport: http
    endpoint: {a}
    retry: {delays: [30s, 2m], max_attempts: 4}
  - name: up-one
    target_format: as-is
    transport: http
    endpoint: {b}
"""


def two(a: Receiver, b: Receiver) -> str:
    return TWO_RECEIVERS.replace("{a}", a.url).replace("{b}", b.url)


def test_receiver_down_is_retried_on_schedule_while_others_deliver(
    database_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    a, b = receivers(), receivers()
    gw = gateway_factory(database_url, two(a, b))
    a.status = 503
    ids = [gw.post(hodemelding()).json()["id"] for _ in range(3)]
    gw.drain()
    assert len(b.taken()) == 3, "the healthy route keeps delivering"
    assert a.refused == 3 and a.taken() == []

    message = gw.get(f"/messages/{ids[0]}")
    down = next(d for d in message["deliveries"] if d["route"] == "down-one")
    assert down["status"] == "pending" and down["attempts_made"] == 1
    assert down["attempts"][0]["outcome"] == "failed"
    assert down["attempts"][0]["error_code"] == "delivery.http-unavailable"
    assert message["status"] == "routed" and message["apprec"] is None

    gw.clock.advance(29)
    assert gw.drain() == 0, "nothing is tried before the schedule says so"
    gw.clock.advance(2)
    gw.drain()
    assert a.refused == 6, "second try after 30 s"
    gw.clock.advance(119)
    assert gw.drain() == 0
    a.status = 200
    gw.clock.advance(2)
    gw.drain()
    keys = a.keys()
    assert len(keys) == 3 and set(keys.values()) == {1}, "after recovery each arrives exactly once"
    assert len(b.taken()) == 3
    for mid in ids:
        done = gw.get(f"/messages/{mid}")
        assert done["status"] == "delivered"
        down = next(d for d in done["deliveries"] if d["route"] == "down-one")
        assert [x["outcome"] for x in down["attempts"]] == ["failed", "failed", "delivered"]
        assert "delivery.retry" in gw.events(mid)


def test_cap_reached_dead_letters_and_a_refusal_is_never_retried(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    a, b = receivers(), receivers()
    gw = gateway_factory(sqlite_url, two(a, b))
    a.status = 503
    mid = gw.post(hodemelding()).json()["id"]
    for _ in range(4):
        gw.drain()
        gw.clock.advance(121)
    message = gw.get(f"/messages/{mid}")
    down = next(d for d in message["deliveries"] if d["route"] == "down-one")
    assert down["status"] == "dead" and down["attempts_made"] == 4
    assert a.refused == 4
    assert message["status"] == "failed" and message["apprec"] is None
    assert "delivery.dead" in gw.events(mid)

    a.status = 400
    refused_id = gw.post(hodemelding()).json()["id"]
    gw.drain()
    refused = gw.get(f"/messages/{refused_id}")
    down = next(d for d in refused["deliveries"] if d["route"] == "down-one")
    assert down["status"] == "dead" and down["attempts_made"] == 1
    assert down["last_error"]["code"] == "delivery.http-refused"
    assert refused["status"] == "failed"
    assert refused["apprec"]["status"] == "2", "the system behind the gateway said no: Avvist"
    apprec = gw.client.get(f"/messages/{refused_id}/apprec", headers=AUTH).content
    assert b"Mottakersystemet avviste meldingen" in apprec
    metrics = gw.client.get("/metrics", headers=AUTH).text
    assert 'samband_messages_dead_lettered_total{route="down-one"} 2.0' in metrics
    assert "samband_dead_letters 2.0" in metrics


def test_kill_switch_holds_a_route_without_losing_or_dead_lettering(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    a, b = receivers(), receivers()
    gw = gateway_factory(sqlite_url, two(a, b))
    held = gw.client.post("/routes/down-one/hold", headers=AUTH)
    assert held.status_code == 200 and held.json()["enabled"] is False
    mid = gw.post(hodemelding()).json()["id"]
    for _ in range(3):
        gw.drain()
        gw.clock.advance(3600)
    assert a.taken() == [] and a.refused == 0
    assert len(b.taken()) == 1
    down = next(d for d in gw.get(f"/messages/{mid}")["deliveries"] if d["route"] == "down-one")
    assert down["status"] == "pending" and down["attempts_made"] == 0
    assert {r["name"]: r["enabled"] for r in gw.get("/routes")["routes"]}["down-one"] is False
    gw.client.post("/routes/down-one/release", headers=AUTH)
    gw.drain()
    assert len(a.taken()) == 1
    assert gw.get(f"/messages/{mid}")["status"] == "delivered"


def test_queue_metrics_show_depth_age_and_long_failures(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    a, b = receivers(), receivers()
    gw = gateway_factory(sqlite_url, two(a, b))
    a.status = 503
    gw.post(hodemelding())
    gw.drain()
    gw.clock.advance(2 * 3600)
    metrics = gw.client.get("/metrics", headers=AUTH).text
    assert "samband_queue_depth 1.0" in metrics
    assert "samband_failing_after_one_hour 1.0" in metrics
    assert "samband_oldest_undelivered_age_seconds 7200" in metrics
    assert (
        'samband_messages_received_total{message_type="HELSEOPPLYSNINGER_LEGE",source_format="msghead"} 1.0'
        in metrics
    )
    assert (
        'samband_messages_delivered_total{message_type="HELSEOPPLYSNINGER_LEGE",route="up-one"} 1.0'
        in metrics
    )
    assert 'samband_received_to_delivered_seconds_count{route="up-one"} 1.0' in metrics
