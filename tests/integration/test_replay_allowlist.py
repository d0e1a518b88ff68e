"""Replay endpoints outside ``SAMBAND_REPLAY_ALLOWED_ENDPOINTS``: 403 ``replay.endpoint-not-allowed``,
an audit row, and nothing stored or sent (a live receiver proves nothing arrived), through the API
and ``samband replay --to``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from samband.gateway.cli.main import app
from tests.integration.conftest import AUTH, Gateway, GatewayFactory
from tests.integration.messages import hodemelding, synthetic_fnr
from tests.integration.receiver import Receiver

ROUTE = "routes:\n  - {{name: peer, target_format: as-is, transport: http, endpoint: '{url}'}}\n"


def stored_count(gw: Gateway) -> int:
    return int(gw.get("/messages", limit=1)["total"])


def test_a_replay_to_an_endpoint_off_the_list_is_refused_audited_and_sends_nothing(
    database_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    peer, allowed, elsewhere = receivers(), receivers(), receivers()
    gw = gateway_factory(
        database_url, ROUTE.format(url=peer.url), replay_allowed_endpoints=[allowed.url.removesuffix("in")]
    )
    original = gw.post(hodemelding(patient_seed=9)).json()["id"]
    gw.drain()
    before = stored_count(gw)

    answer = gw.client.post(
        f"/messages/{original}/replay",
        json={"endpoint": elsewhere.url},
        headers=AUTH,
    )

    assert answer.status_code == 403, answer.text
    [error] = answer.json()["errors"]
    assert error["code"] == "replay.endpoint-not-allowed" and error["received"] == elsewhere.url
    gw.drain()
    assert elsewhere.taken() == [] and len(peer.taken()) == 1, "nothing went anywhere"
    assert stored_count(gw) == before and gw.get(f"/messages/{original}")["replays"] == []
    assert "replayed" not in gw.events(original)
    [row] = gw.get("/audit", action="replay-refused")["items"]
    assert (row["actor"], row["target"], row["patient"], row["outcome"]) == (
        "dev-key", original, synthetic_fnr(9), "refused")  # fmt: skip
    assert row["detail"]["endpoint"] == elsewhere.url and "not in" in row["detail"]["reason"]

    sent = gw.client.post(f"/messages/{original}/replay", json={"endpoint": allowed.url}, headers=AUTH)
    assert sent.status_code == 202, sent.text
    gw.drain()
    assert len(allowed.taken()) == 1 and elsewhere.taken() == []
    [replayed] = gw.get("/audit", action="replay")["items"]
    assert replayed["detail"]["endpoint"] == allowed.url


@pytest.mark.parametrize("endpoint", ["file:///tmp/out", "/tmp/out"])
def test_a_replay_to_anything_but_http_is_refused(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver], endpoint: str
) -> None:
    gw = gateway_factory(sqlite_url, ROUTE.format(url=receivers().url))
    original = gw.post(hodemelding()).json()["id"]
    body = {"endpoint": endpoint, "transport": "file-drop"}
    answer = gw.client.post(f"/messages/{original}/replay", json=body, headers=AUTH)
    assert answer.status_code == 403
    assert "scheme" in answer.json()["errors"][0]["detail"]


def test_in_development_mode_loopback_endpoints_are_allowed_without_a_list(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    peer, tester = receivers(), receivers()
    gw = gateway_factory(sqlite_url, ROUTE.format(url=peer.url))
    original = gw.post(hodemelding()).json()["id"]
    answer = gw.client.post(f"/messages/{original}/replay", json={"endpoint": tester.url}, headers=AUTH)
    assert answer.status_code == 202, answer.text
    gw.drain()
    assert len(tester.taken()) == 1
    far = gw.client.post(
        f"/messages/{original}/replay", json={"endpoint": "https://test.kommune.example/in"}, headers=AUTH
    )
    assert far.status_code == 403, "only loopback URLs without a list"


def test_samband_replay_to_refuses_before_storing_or_sending(
    sqlite_url: str,
    gateway_factory: GatewayFactory,
    receivers: Callable[[], Receiver],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    peer, allowed, elsewhere = receivers(), receivers(), receivers()
    gw = gateway_factory(sqlite_url, ROUTE.format(url=peer.url))
    monkeypatch.setenv("SAMBAND_ROUTES", str(gw.services.settings.routes))
    monkeypatch.setenv("SAMBAND_REPLAY_ALLOWED_ENDPOINTS", allowed.url)
    original = gw.post(hodemelding()).json()["id"]
    gw.drain()
    before = stored_count(gw)

    refused = CliRunner().invoke(
        app, ["replay", original, "--to", elsewhere.url, "--database-url", sqlite_url]
    )
    assert refused.exit_code == 1 and "replay.endpoint-not-allowed" in refused.output
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "a.xml").write_bytes(hodemelding())
    files = CliRunner().invoke(
        app, ["replay", str(folder), "--to", elsewhere.url, "--database-url", sqlite_url]
    )
    assert files.exit_code == 1
    assert elsewhere.taken() == [] and stored_count(gw) == before, "nothing stored, nothing sent"
    rows = gw.get("/audit", action="replay-refused")["items"]
    assert [r["target"] for r in rows] == [str(folder), original]
    assert all(r["actor"].startswith("cli:") for r in rows)

    sent = CliRunner().invoke(app, ["replay", original, "--to", allowed.url, "--database-url", sqlite_url])
    assert sent.exit_code == 0, sent.output
    assert len(allowed.taken()) == 1
