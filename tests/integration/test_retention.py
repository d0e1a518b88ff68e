"""Retention on a real store: ``samband prune --dry-run`` shows what would go per kind and changes
nothing; ``samband prune`` clears the bytes of settled messages past their retention (never one in
flight), records each prune, and a pruned message answers ``retention.raw-pruned``; the scheduled
job does the same under its lease."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from samband.gateway import retention
from samband.gateway.cli.main import app
from samband.gateway.store.retention import PruneKind, history
from samband.gateway.store.tables import audit
from tests.integration.conftest import AUTH, Gateway, GatewayFactory
from tests.integration.messages import hodemelding
from tests.integration.receiver import Receiver

ROUTE = """
routes:
  - name: fagsystem
    target_format: as-is
    transport: http
    endpoint: {url}
    match: {message_types: [HELSEOPPLYSNINGER_LEGE]}
    retry: {delays: [30d], max_attempts: 2}
"""
DAY = 24 * 3600


def _past_gateway(factory: GatewayFactory, url: str, receiver: Receiver, **settings: object) -> Gateway:
    """A gateway whose clock starts ten days ago, so the real clock of the CLI sees old messages."""
    gw = factory(url, ROUTE.replace("{url}", receiver.url), apprec_timeout_seconds=60, **settings)
    gw.clock.moment = datetime.now(UTC) - timedelta(days=10)
    return gw


def _settled_and_in_flight(gw: Gateway, receiver: Receiver) -> tuple[str, str]:
    """One message delivered (its AppRec given up on), one whose delivery is still being retried."""
    settled = gw.post(hodemelding()).json()["id"]
    gw.drain()
    receiver.status = 503
    in_flight = gw.post(hodemelding()).json()["id"]
    gw.drain()
    gw.clock.advance(120)
    gw.drain()  # the AppRec job flags the settled one's forward as overdue: it waits for nothing now
    assert gw.get(f"/messages/{settled}")["status"] == "delivered"
    assert gw.get(f"/messages/{in_flight}")["status"] == "routed"
    return settled, in_flight


def test_prune_dry_run_then_prune_clears_only_settled_bytes(
    database_url: str,
    gateway_factory: GatewayFactory,
    receivers: Callable[[], Receiver],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    receiver = receivers()
    gw = _past_gateway(gateway_factory, database_url, receiver)
    settled, in_flight = _settled_and_in_flight(gw, receiver)
    forward = next(d for d in gw.get(f"/messages/{settled}")["deliveries"])["message_id"]
    with gw.services.reads.begin() as conn:
        audit_rows = conn.execute(select(func.count()).select_from(audit)).scalar_one()
    monkeypatch.setenv("SAMBAND_RETENTION_RAW_DAYS", "5")
    monkeypatch.setenv("SAMBAND_RETENTION_TRANSLATIONS_DAYS", "5")
    cli = CliRunner()
    found = {m["id"] for m in gw.get("/messages", q="danser")["items"]}
    assert {settled, in_flight} <= found, "free text finds both by the patient's name"

    dry = cli.invoke(app, ["prune", "--dry-run", "--database-url", database_url])
    assert dry.exit_code == 0, dry.output
    assert "raw           kept 5 days" in dry.output
    assert ": 1 message(s) would be cleared" in dry.output, "the settled message, not the one in flight"
    assert ": 2 message(s) would be cleared" in dry.output, "what the gateway sent for it: forward, AppRec"
    assert "audit         kept for ever" in dry.output
    assert gw.client.get(f"/messages/{settled}/raw", headers=AUTH).status_code == 200, "nothing changed"

    real = cli.invoke(app, ["prune", "--database-url", database_url])
    assert real.exit_code == 0, real.output
    assert ": 1 message(s) cleared" in real.output and ": 2 message(s) cleared" in real.output

    gone = gw.client.get(f"/messages/{settled}/raw", headers=AUTH)
    assert gone.status_code == 410 and gone.json()["errors"][0]["code"] == "retention.raw-pruned"
    assert gw.client.get(f"/messages/{forward}/raw", headers=AUTH).status_code == 410
    kept = gw.get(f"/messages/{settled}")
    assert kept["status"] == "delivered" and kept["deliveries"], "the envelope and the trail stay"
    assert gw.client.get(f"/messages/{in_flight}/raw", headers=AUTH).content.startswith(b"<?xml")
    found = {m["id"] for m in gw.get("/messages", q="danser")["items"]}
    assert in_flight in found and settled not in found, "the words went with the bytes"
    assert settled in {m["id"] for m in gw.get("/messages", patient=kept["patient"])["items"]}
    replay = gw.client.post(f"/messages/{settled}/replay", json={}, headers=AUTH)
    assert replay.status_code == 410 and replay.json()["errors"][0]["code"] == "retention.raw-pruned"

    with gw.services.reads.begin() as conn:
        made = history(conn)
        assert conn.execute(select(func.count()).select_from(audit)).scalar_one() >= audit_rows
    assert sorted((p["kind"], p["count"], p["actor"]) for p in made) == [
        ("raw", 1, "samband prune"),
        ("translations", 2, "samband prune"),
    ]
    again = cli.invoke(app, ["prune", "--database-url", database_url])
    assert again.output.count("0 message(s) cleared") == 2, "the in-flight message is still kept"


def test_the_scheduled_prune_runs_under_its_lease(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    receiver = receivers()
    gw = _past_gateway(gateway_factory, sqlite_url, receiver, retention_raw_days=3)
    settled, in_flight = _settled_and_in_flight(gw, receiver)
    assert [p.count for p in retention.plan(gw.services) if p.kind is PruneKind.RAW] == [0]
    gw.clock.advance(3 * DAY)
    gw.drain()
    assert gw.client.get(f"/messages/{settled}/raw", headers=AUTH).status_code == 410
    assert gw.client.get(f"/messages/{in_flight}/raw", headers=AUTH).status_code == 200
    with gw.services.reads.begin() as conn:
        assert [(p["kind"], p["count"], p["actor"]) for p in history(conn)] == [("raw", 1, "retention-job")]


def test_prune_refuses_a_store_that_is_not_there(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'nowhere' / 'samband.db'}"
    result = CliRunner().invoke(app, ["prune", "--dry-run", "--database-url", missing])
    assert result.exit_code == 2 and "config.database-missing" in result.output
    assert not (tmp_path / "nowhere").exists(), "no empty store is made"
