"""``samband replay`` against a real store: by id, by search, from a folder; dry run; exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from samband.gateway.cli.main import app
from tests.integration.conftest import GatewayFactory
from tests.integration.messages import hodemelding, msg_id_of
from tests.integration.receiver import Receiver

ROUTE = "routes:\n  - name: peer\n    target_format: as-is\n    transport: http\n    endpoint: {a}\n"


@pytest.fixture
def setup(
    sqlite_url: str,
    gateway_factory: GatewayFactory,
    receivers: Callable[[], Receiver],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[str, Receiver, Receiver, str]:
    peer, tester = receivers(), receivers()
    gw = gateway_factory(sqlite_url, ROUTE.replace("{a}", peer.url))
    monkeypatch.setenv("SAMBAND_ROUTES", str(gw.services.settings.routes))
    monkeypatch.setenv("SAMBAND_DEV_API_KEY", "cli")
    mid = gw.post(hodemelding()).json()["id"]
    gw.drain()
    return sqlite_url, peer, tester, mid


def test_replay_one_message_by_id_to_an_override_endpoint(setup: tuple[str, Receiver, Receiver, str]) -> None:
    url, peer, tester, mid = setup
    result = CliRunner().invoke(app, ["replay", mid, "--to", tester.url, "--database-url", url])
    assert result.exit_code == 0, result.output
    assert len(tester.taken()) == 1 and len(peer.taken()) == 1
    assert "deliveries delivered" in result.output


def test_replay_by_search_and_dry_run(setup: tuple[str, Receiver, Receiver, str]) -> None:
    url, peer, tester, _mid = setup
    dry = CliRunner().invoke(app, ["replay", "status=delivered", "--dry-run", "--database-url", url])
    assert dry.exit_code == 0 and "1 message(s); nothing sent" in dry.output
    assert len(peer.taken()) == 1
    real = CliRunner().invoke(app, ["replay", "type=HELSEOPPLYSNINGER_LEGE", "--database-url", url])
    assert real.exit_code == 0, real.output
    assert len(peer.taken()) == 2 and tester.taken() == []
    bad = CliRunner().invoke(app, ["replay", "colour=blue", "--database-url", url])
    assert bad.exit_code == 2


def test_replay_a_folder_and_report_refusals(
    setup: tuple[str, Receiver, Receiver, str], tmp_path: Path
) -> None:
    url, peer, tester, _mid = setup
    folder = tmp_path / "files"
    folder.mkdir()
    good = hodemelding()
    (folder / "a.xml").write_bytes(good)
    result = CliRunner().invoke(app, ["replay", str(folder), "--to", tester.url, "--database-url", url])
    assert result.exit_code == 0, result.output
    assert [t.msg_id for t in tester.taken()] == [msg_id_of(good)]
    assert msg_id_of(good) not in {t.msg_id for t in peer.taken()}, "--to sends there and nowhere else"
    (folder / "b.xml").write_bytes(b"<not-closed>")
    received = CliRunner().invoke(app, ["replay", str(folder), "--database-url", url])
    assert received.exit_code == 1, "the broken file is refused"
    assert "messages rejected" in received.output
    assert msg_id_of(good) in {t.msg_id for t in peer.taken()}
