"""What operators and testers do beside reading, through the running app against a real loopback
receiver: per-route statistics, bulk replay of a search result with its confirm step and one audit
row, and a built-in test message sent to one route.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.integration.conftest import AUTH, Gateway, GatewayFactory
from tests.integration.messages import hodemelding
from tests.integration.receiver import Receiver


def routes(url: str) -> str:
    return f"""
routes:
  - name: kommune
    match: {{source_formats: [msghead]}}
    target_format: as-is
    transport: http
    endpoint: {url}
    retry: {{delays: [1s], max_attempts: 1}}
  - name: test-fhir
    match: {{message_types: [NOTHING_MATCHES_THIS]}}
    target_format: fhir
    transport: http
    endpoint: {url}/fhir
"""


def post(gw: Gateway, path: str, body: dict[str, Any]) -> Any:
    return gw.client.post(path, json=body, headers=AUTH)


def statistics(gw: Gateway) -> dict[str, dict[str, Any]]:
    return {r["route"]: r for r in gw.get("/routes/statistics", hours=1)["routes"]}


def test_failed_messages_are_counted_per_route_then_reprocessed_in_bulk_with_one_audit_row(
    database_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    receiver = receivers()
    gw = gateway_factory(database_url, routes(receiver.url))
    receiver.status = 503
    for seed in (1, 2):
        assert gw.post(hodemelding(patient_seed=seed)).status_code == 202
    gw.drain()
    stats = statistics(gw)
    assert list(stats) == ["kommune", "test-fhir"], "every route of the file, in its order"
    assert (
        stats["kommune"] | {"queued": 2, "delivered": 0, "failed_attempts": 2, "dead_letters": 2}
        == stats["kommune"]
    )
    assert stats["test-fhir"]["queued"] == 0 and stats["test-fhir"]["latency_seconds"]["median"] is None

    search = {"status": "failed"}
    dry = post(gw, "/messages/replay", {**search, "dry_run": True})
    assert dry.status_code == 202, dry.text
    found = dry.json()["messages"]
    assert len(found) == 2 and {m["status"] for m in found} == {"failed"}
    ids = [m["id"] for m in found]

    unconfirmed = post(gw, "/messages/replay", search)
    assert unconfirmed.status_code == 409
    assert unconfirmed.json()["errors"][0]["code"] == "replay.bulk-unconfirmed"
    wrong = post(gw, "/messages/replay", {**search, "confirm": ids[:1]})
    assert wrong.status_code == 409, "a confirmation must name exactly what the search finds"

    receiver.status = 200
    done = post(gw, "/messages/replay", {**search, "confirm": ids})
    assert done.status_code == 202, done.text
    replays = done.json()["replays"]
    assert len(replays) == 2 and {r["status"] for r in replays} == {"routed"}
    gw.drain()
    assert len(receiver.requests) == 2
    kommune = statistics(gw)["kommune"]
    assert kommune["delivered"] == 2 and kommune["queue_depth"] == 0 and kommune["dead_letters_now"] == 2
    assert kommune["latency_seconds"]["median"] is not None

    rows = gw.get("/audit", action="bulk-replay")["items"]
    assert len(rows) == 1 and sorted(rows[0]["detail"]["messages"]) == sorted(ids)
    assert len(rows[0]["detail"]["replays"]) == 2 and len(rows[0]["patients"]) == 2
    assert gw.get("/audit", action="replay")["items"] == [], "one row for the whole bulk replay"
    for original in ids:
        assert "replayed" in gw.events(original)


def test_a_bulk_replay_refuses_a_search_too_wide_and_an_unknown_route(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    gw = gateway_factory(sqlite_url, routes(receivers().url))
    assert gw.post(hodemelding()).status_code == 202
    [m] = post(gw, "/messages/replay", {"direction": "inbound", "dry_run": True}).json()["messages"]
    order = {"direction": "inbound", "confirm": [m["id"]], "destinations": ["x"]}
    unknown = post(gw, "/messages/replay", order)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["code"] == "replay.unknown-destination"
    assert gw.get("/messages", kind="replay")["total"] == 0, "nothing replayed"


def test_a_test_message_goes_through_one_route_only_and_is_audited(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    receiver = receivers()
    gw = gateway_factory(sqlite_url, routes(receiver.url))
    names = [e["name"] for e in gw.get("/test-messages")["examples"]]
    assert names == ["plo-innlagt", "dialog-notat"]
    sent = post(gw, "/test-messages", {"route": "test-fhir", "example": "plo-innlagt"})
    assert sent.status_code == 202, sent.text
    gw.drain()
    [taken] = receiver.requests
    assert taken.path == "/in/fhir" and b'"resourceType"' in taken.body, "translated to the route's format"
    replay = gw.get(f"/messages/{sent.json()['id']}")
    assert replay["kind"] == "replay" and [d["route"] for d in replay["deliveries"]] == ["test-fhir"]
    assert "test-message" in gw.events(replay["source_id"])
    [row] = gw.get("/audit", action="test-message")["items"]
    assert row["target"] == "test-fhir" and row["detail"]["example"] == "plo-innlagt"
    unknown = post(gw, "/test-messages", {"route": "test-fhir", "example": "nope"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["code"] == "test-message.unknown-example"
    assert post(gw, "/test-messages", {"route": "nope", "example": "dialog-notat"}).status_code == 422
