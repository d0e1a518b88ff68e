"""Replay does what it says: the target format and transport asked for are used (by the API and the
CLI, also when a worker takes the replay over), a format with no mapping or an unknown transport is
refused with its code, replaying nothing is exit 1 with the reason, a missing store is an error (none
is made), and the summary names each refused message with its code."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from samband.gateway.cli.main import app
from tests.integration.conftest import AUTH, Gateway, GatewayFactory
from tests.integration.messages import FHIR_STORE_ROUTES, hodemelding
from tests.integration.receiver import Receiver


@pytest.fixture
def stored(sqlite_url: str, gateway_factory: GatewayFactory) -> tuple[Gateway, str]:
    gw = gateway_factory(sqlite_url, FHIR_STORE_ROUTES)
    original = gw.post(hodemelding()).json()["id"]
    gw.drain()
    return gw, original


def _replay(gw: Gateway, original: str, **body: object) -> tuple[int, dict[str, Any]]:
    answer = gw.client.post(f"/messages/{original}/replay", json=body, headers=AUTH)
    return answer.status_code, answer.json()


def test_the_target_format_asked_for_is_delivered(
    stored: tuple[Gateway, str], receivers: Callable[[], Receiver]
) -> None:
    gw, original = stored
    tester = receivers()
    code, body = _replay(gw, original, endpoint=tester.url, target_format="plo")
    assert code == 202, body
    gw.drain()
    [taken] = tester.taken()
    assert taken.body.lstrip().startswith(b"<?xml") and b"<MsgHead" in taken.body, "PLO, not FHIR JSON"
    code, body = _replay(gw, original, endpoint=tester.url, target_format="fhir", transport="http")
    assert code == 202
    gw.drain()
    assert json.loads(tester.taken()[1].body)["resourceType"] == "Bundle"
    [first, second] = gw.get(f"/messages/{original}")["replays"]
    assert (first["target_format"], second["transport"]) == ("plo", "http")


def test_a_format_or_transport_it_cannot_use_is_refused_with_a_code(
    stored: tuple[Gateway, str], receivers: Callable[[], Receiver]
) -> None:
    gw, original = stored
    assert gw.get("/routes")["defaults"] is None, "a route file: no built-in outbox"
    tester = receivers()
    code, body = _replay(gw, original, endpoint=tester.url, target_format="hl7v2")
    assert code == 422
    [error] = body["errors"]
    assert error["code"] == "replay.no-mapping" and "plo" in error["expected"]
    code, body = _replay(gw, original, endpoint=tester.url, transport="carrier-pigeon")
    assert (code, body["errors"][0]["code"]) == (422, "replay.unknown-transport")
    code, body = _replay(gw, original, transport="http")  # a transport, but nowhere to use it
    assert code == 422
    assert gw.get(f"/messages/{original}")["replays"] == [], "nothing was stored or sent"
    assert tester.taken() == []


def test_a_format_the_routes_transport_cannot_carry_is_refused(
    sqlite_url: str, gateway_factory: GatewayFactory
) -> None:
    """A fresh install (no route file): PLO into the built-in fhir-store route would only dead-letter."""
    gw = gateway_factory(sqlite_url)
    original = gw.post(hodemelding()).json()["id"]
    gw.drain()
    for body in ({"target_format": "plo"}, {"target_format": "as-is", "destinations": ["fhir-store"]}):
        code, answer = _replay(gw, original, **body)
        assert code == 422, answer
        [error] = answer["errors"]
        assert error["code"] == "replay.not-carried"
        assert error["expected"] == "a format fhir-store carries: fhir"
    assert gw.get(f"/messages/{original}")["replays"] == [], "nothing was stored or sent"
    assert gw.get("/routes")["transports"]["fhir-store"] == ["fhir"]
    code, answer = _replay(gw, original, target_format="fhir")
    assert code == 202, answer
    gw.drain()
    assert gw.get("/messages", status="failed")["total"] == 0


def test_the_cli_honours_the_format_and_reports_what_it_refused(
    stored: tuple[Gateway, str], receivers: Callable[[], Receiver], monkeypatch: pytest.MonkeyPatch
) -> None:
    gw, original = stored
    tester = receivers()
    monkeypatch.setenv("SAMBAND_ROUTES", str(gw.services.settings.routes))
    monkeypatch.setenv("SAMBAND_DEV_API_KEY", "cli")
    url = gw.services.settings.database_url
    done = CliRunner().invoke(
        app, ["replay", original, "--to", tester.url, "--target-format", "plo", "--database-url", url]
    )
    assert done.exit_code == 0, done.output
    assert b"<MsgHead" in tester.taken()[0].body
    refused = CliRunner().invoke(
        app, ["replay", original, "--to", tester.url, "--target-format", "hl7v2", "--database-url", url]
    )
    assert refused.exit_code == 1
    assert "replay.no-mapping" in refused.output and original in refused.output


def test_replaying_nothing_is_an_error_with_its_reason(tmp_path: Path, sqlite_url: str) -> None:
    missing = tmp_path / "elsewhere" / "samband.db"
    done = CliRunner().invoke(app, ["replay", "some-id", "--database-url", f"sqlite:///{missing}"])
    assert done.exit_code == 2 and "config.database-missing" in done.output
    assert not missing.exists() and not missing.parent.exists(), "no empty store is made"
    empty = tmp_path / "samband.db"
    empty.touch()  # an empty store: the replay command migrates it, and finds nothing in it
    url = f"sqlite:///{empty}"
    for source, reason in (
        ("/nonexistent", "no folder /nonexistent"),
        ("no-such-id", "no stored message with id no-such-id"),
        ("status=failed", "no received message matches status=failed"),
    ):
        done = CliRunner().invoke(app, ["replay", source, "--database-url", url])
        assert done.exit_code == 1, done.output
        assert "replay.nothing" in done.output and reason in " ".join(done.output.split())
