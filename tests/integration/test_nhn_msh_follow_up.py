"""The follow-up of a message sent over ``nhn-msh``, pass by pass on a clock the test moves, on SQLite
and PostgreSQL: a failing status call leaves it due and raises the NHN alert, a change of state goes
on the timeline once, the receiver's AppRec is received and taken, and then the service is asked no
more. And what ``samband check`` says of such a route."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from samband.gateway.alerts.conditions import CONDITIONS, Check
from samband.gateway.cli.main import app
from samband.gateway.store.tables import deliveries
from samband.integrations.nhn_msh import AppRecStatus
from samband.integrations.nhn_msh.local import LocalMeldingstjener
from samband.integrations.nhn_msh.local.helseid import SCOPE
from tests.integration.conftest import Gateway, GatewayFactory
from tests.integration.messages import RECEIVER_HER, SENDER_HER, hodemelding, msg_id_of
from tests.support.nhn_msh_server import meldingstjener, msh_client

SENDER, RECEIVER = int(SENDER_HER), int(RECEIVER_HER)


@pytest.fixture(scope="module")
def msh() -> Iterator[LocalMeldingstjener]:
    yield from meldingstjener([SENDER, RECEIVER])


def routes(msh: LocalMeldingstjener, client_id: str, key_path: Path) -> str:
    return f"""
routes:
  - name: nhn
    match: {{message_types: [HELSEOPPLYSNINGER_LEGE]}}
    target_format: as-is
    transport: nhn-msh
    options:
      base_url: {msh.url}
      token_url: {msh.token_url}
      client_id: {client_id}
      key_path: {key_path}
      scope: {SCOPE}
      follow_up: 10s
"""


def follow_up_at(gw: Gateway, delivery_id: str) -> object:
    with gw.services.engine.begin() as conn:
        query = select(deliveries.c.follow_up_at).where(deliveries.c.id == delivery_id)
        return conn.execute(query).scalar_one()


def next_pass(gw: Gateway, seconds: float = 31) -> None:
    """Past the job interval and the lease of the last claim: the follow-up job runs again."""
    gw.clock.advance(seconds)
    gw.worker.run_once()


def nhn_alert_items(gw: Gateway) -> list[tuple[str, str, str]]:
    """(route, request, code) of what the ``nhn-unreachable`` condition finds now."""
    with gw.services.engine.begin() as conn:
        check = Check(gw.clock(), None, gw.services.settings)
        found = CONDITIONS["nhn-unreachable"].find(conn, check)
    return sorted((i["route"], i.get("operation", ""), i["code"]) for i in found.items)


def status_calls(msh: LocalMeldingstjener, remote_id: str) -> int:
    return len([s for s in msh.app.seen if s.path == f"/Messages/{remote_id}/status"])


def test_the_follow_up_ends_with_the_receivers_apprec(
    database_url: str, gateway_factory: GatewayFactory, msh: LocalMeldingstjener, tmp_path: Path
) -> None:
    client_id = f"samband-{tmp_path.name}"  # one client per database run
    key_path = msh.new_client(client_id, tmp_path / f"{client_id}.jwk", [SENDER])
    gw = gateway_factory(database_url, routes(msh, client_id, key_path))
    document = hodemelding()
    source = gw.post(document).json()["id"]
    gw.drain()
    [delivery] = gw.get(f"/messages/{source}")["deliveries"]
    remote_id, sent = delivery["remote_id"], delivery["message_id"]
    assert delivery["status"] == "delivered" and remote_id

    msh.app.fail_next(1, 503, path=f"/Messages/{remote_id}/status")
    next_pass(gw)
    assert status_calls(msh, remote_id) == 1 and follow_up_at(gw, delivery["id"]) is not None
    assert "delivery.remote-status" not in gw.events(source)
    status_path = f"GET /Messages/{remote_id}/status"
    assert nhn_alert_items(gw) == [("nhn", status_path, "nhn-msh.unavailable")]

    next_pass(gw)
    next_pass(gw)  # the same state again: no second event
    assert gw.events(source).count("delivery.remote-status") == 1

    with msh_client(msh, tmp_path, f"receiver-{tmp_path.name}", [RECEIVER]) as receiver:
        [entry] = receiver.unread([RECEIVER], business_document_id=msg_id_of(document))
        receiver.business_document(entry.id)
        receiver.mark_read(entry.id, RECEIVER)
        receiver.send_apprec(entry.id, RECEIVER, AppRecStatus.REJECTED)
    msh.app.fail_next(1, 503, path="/Messages/", method="PUT")  # stored, but not yet taken there
    next_pass(gw)
    answered = gw.get(f"/messages/{sent}")
    assert answered["status"] == "refused" and answered["apprec_received"]["status"] == "2"
    assert follow_up_at(gw, delivery["id"]) is not None
    assert [i[1].split(" ")[0] for i in nhn_alert_items(gw)] == ["GET", "PUT"]
    next_pass(gw)  # the same AppRec again: received once, now taken
    assert follow_up_at(gw, delivery["id"]) is None
    assert gw.events(sent).count("apprec.received") == 1
    assert gw.events(source).count("delivery.remote-status") == 2
    with msh_client(msh, tmp_path, client_id) as ours:
        assert [m for m in ours.unread([SENDER]) if m.is_apprec] == []

    asked = status_calls(msh, remote_id)
    next_pass(gw)
    assert status_calls(msh, remote_id) == asked  # nothing more to ask
    assert msh.app.invalid_requests() == []


def test_check_asks_helseid_for_every_message_service_route(
    msh: LocalMeldingstjener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``samband check``: a route whose HelseID client gets a token is ok; one HelseID refuses is a
    problem that names the route and the refusal."""
    key_path = msh.new_client(f"check-{tmp_path.name}", tmp_path / "check.jwk", [SENDER])
    route_file = tmp_path / "routes.yaml"
    route_file.write_text(routes(msh, f"check-{tmp_path.name}", key_path), encoding="utf-8")
    monkeypatch.setenv("SAMBAND_ROUTES", str(route_file))
    database = ["--database-url", f"sqlite:///{tmp_path / 'samband.db'}"]
    passed = CliRunner().invoke(app, ["check", *database])
    [nhn] = [line for line in passed.stdout.splitlines() if line.split()[1:2] == ["nhn"]]
    assert not nhn.startswith("problem") and "HelseID tokens for nhn" in nhn

    route_file.write_text(routes(msh, "unknown-client", key_path), encoding="utf-8")
    failed = CliRunner().invoke(app, ["check", *database])
    assert failed.exit_code == 1
    assert "problem  nhn        route nhn: no HelseID token" in failed.stdout
    assert "helseid.refused" in failed.stdout and "invalid_client" in failed.stdout
