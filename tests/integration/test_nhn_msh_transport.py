"""A real ``samband serve`` with a route over ``nhn-msh`` to the local Meldingstjener: a PLO message
posted to Samband reaches the receiving HER-id through the API, a 503 on the first send is retried
and nothing is sent twice, and the AppRec the receiver sends through the API comes back onto the
message's timeline the way any incoming AppRec does. A 401 or 403 (the gateway's own access) keeps
the delivery past the route's cap, raises the NHN alert and never answers the sender negatively."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx
import pytest

from samband.integrations.nhn_msh import AppRecStatus, MshClient
from samband.integrations.nhn_msh.local import LocalMeldingstjener
from samband.integrations.nhn_msh.local.helseid import SCOPE
from tests.integration.messages import RECEIVER_HER, SENDER_HER, hodemelding, msg_id_of
from tests.integration.server import free_port, serve
from tests.support.nhn_msh_server import meldingstjener, msh_client

KEY = "nhn-msh-test-key"
HEADERS = {"Authorization": f"Bearer {KEY}"}
SENDER, RECEIVER = int(SENDER_HER), int(RECEIVER_HER)
T = TypeVar("T")


def wait_for(what: str, probe: Callable[[], T | None], seconds: float = 60) -> T:
    """The first truthy answer of ``probe`` (a wait for the worker, not a speed check)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no {what} within {seconds} s")


@pytest.fixture(scope="module")
def msh() -> Iterator[LocalMeldingstjener]:
    yield from meldingstjener([SENDER, RECEIVER])


@pytest.fixture(scope="module")
def gateway(msh: LocalMeldingstjener, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("gateway")
    key_path = msh.new_client("samband-kommune", folder / "samband.jwk", her_ids=[SENDER])
    routes = folder / "routes.yaml"
    routes.write_text(
        f"""
routes:
  - name: nhn
    match: {{message_types: [HELSEOPPLYSNINGER_LEGE]}}
    target_format: as-is
    transport: nhn-msh
    retry: {{delays: [1s], max_attempts: 3}}
    options:
      base_url: {msh.url}
      api_version: 2
      source_system: "Samband, test"
      token_url: {msh.token_url}
      client_id: samband-kommune
      key_path: ${{NHN_KEY}}
      scope: {SCOPE}
      issuer: {msh.helseid.issuer}
      receiver_her_ids_subset: [{RECEIVER}]
      ebxml_overrides: {{applicationName: Samband}}
      follow_up: 1s
"""
    )
    env = {
        **os.environ,
        "NHN_KEY": str(key_path),
        "SAMBAND_DATABASE_URL": f"sqlite:///{folder / 'samband.db'}",
        "SAMBAND_ROUTES": str(routes),
        "SAMBAND_DEV_API_KEY": KEY,
        "SAMBAND_WORKER_POLL_SECONDS": "0.05",
        "SAMBAND_JOB_INTERVAL_SECONDS": "0.5",
        "SAMBAND_ALERT_INTERVAL_SECONDS": "1",
    }
    port = free_port()
    server = serve(port, env, folder / "serve.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="module")
def receiver(msh: LocalMeldingstjener, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MshClient]:
    """The receiving system at HER 91100, reading and answering through the API."""
    with msh_client(msh, tmp_path_factory.mktemp("receiver"), "legekontor", [RECEIVER]) as client:
        yield client


def get(gateway: str, path: str) -> Any:
    answer = httpx.get(gateway + path, headers=HEADERS, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_plo_message_goes_out_through_the_api_and_its_apprec_comes_back(
    msh: LocalMeldingstjener, gateway: str, receiver: MshClient
) -> None:
    msh.app.fail_next(1, 503, path="/Messages", method="POST")  # the first send fails
    document = hodemelding()
    posted = httpx.post(
        gateway + "/messages",
        content=document,
        headers={**HEADERS, "Content-Type": "application/xml"},
        timeout=30,
    )
    assert posted.status_code == 202, posted.text
    source = posted.json()["id"]

    unread = wait_for("message at the receiver", lambda: receiver.unread([RECEIVER]))
    [entry] = unread  # retried once, sent once
    assert entry.sender_her_id == SENDER and entry.business_document_id == msg_id_of(document)
    assert receiver.business_document(entry.id).content == document
    receiver.mark_read(entry.id, RECEIVER)

    [delivery] = get(gateway, f"/messages/{source}")["deliveries"]
    assert [a["outcome"] for a in delivery["attempts"]] == ["failed", "delivered"]
    assert delivery["attempts"][0]["error_code"] == "nhn-msh.unavailable"
    assert delivery["remote_id"] and delivery["attempts"][1]["detail"]["remote_id"] == delivery["remote_id"]

    receiver.send_apprec(entry.id, RECEIVER, AppRecStatus.OK)
    sent = delivery["message_id"]
    answered = wait_for(
        "AppRec on the timeline", lambda: get(gateway, f"/messages/{sent}")["apprec_received"]
    )
    assert answered["status"] == "1"
    assert get(gateway, f"/messages/{sent}")["status"] == "accepted"
    kinds = [event["kind"] for event in get(gateway, f"/messages/{sent}/events")["events"]]
    assert "apprec.received" in kinds
    statuses = [
        e
        for e in get(gateway, f"/messages/{source}/events")["events"]
        if e["kind"] == "delivery.remote-status"
    ]
    assert statuses and statuses[-1]["detail"]["receivers"][str(RECEIVER)]["apprec"] == "Ok"

    # the AppRec was received like any other: stored, linked to what it answers, taken at the service
    [apprec] = get(gateway, "/messages?type=APPREC&direction=inbound")["items"]
    assert get(gateway, f"/messages/{apprec['id']}/events")["events"][-1]["kind"] == "apprec.matched"
    assert receiver.unread([RECEIVER]) == []
    assert msh.app.invalid_requests() == [] and msh.app.invalid_responses == []


def test_a_401_or_403_keeps_the_delivery_and_raises_the_alert(
    msh: LocalMeldingstjener, gateway: str, receiver: MshClient
) -> None:
    """The service refusing the gateway's own token (401, also to a new one) or HER-id binding (403)
    is the gateway's configuration: more refused tries than the route's cap of 3, yet the delivery
    is kept, the sender gets no negative AppRec, ``nhn-unreachable`` is recorded, and once access
    holds again the message goes out once."""
    msh.app.fail_next(6, 401, path="/Messages", method="POST")  # three tries, each 401 twice
    msh.app.fail_next(1, 403, path="/Messages", method="POST")  # the fourth try
    document = hodemelding()
    posted = httpx.post(
        gateway + "/messages",
        content=document,
        headers={**HEADERS, "Content-Type": "application/xml"},
        timeout=30,
    )
    assert posted.status_code == 202, posted.text
    source = posted.json()["id"]

    def arrived() -> list[Any]:
        return [m for m in receiver.unread([RECEIVER]) if m.business_document_id == msg_id_of(document)]

    [entry] = wait_for("message at the receiver", arrived)
    receiver.mark_read(entry.id, RECEIVER)
    [delivery] = get(gateway, f"/messages/{source}")["deliveries"]
    attempts = [(a["outcome"], a["error_code"]) for a in delivery["attempts"]]
    assert attempts == [
        ("failed", "nhn-msh.unauthorized"),
        ("failed", "nhn-msh.unauthorized"),
        ("failed", "nhn-msh.unauthorized"),
        ("failed", "nhn-msh.forbidden"),
        ("delivered", None),
    ]
    assert not any(a["detail"].get("refused") for a in delivery["attempts"][:4])
    kinds = [e["kind"] for e in get(gateway, f"/messages/{source}/events")["events"]]
    assert "delivery.dead" not in kinds and kinds.count("delivery.retry") == 4
    answered = wait_for("the sender's AppRec", lambda: get(gateway, f"/messages/{source}")["apprec"])
    assert answered["status"] == "1"  # accepted, never the refusal a dead letter gives

    def alerted() -> list[Any]:
        items = get(gateway, "/alerts?condition=nhn-unreachable")["items"]
        codes = {i.get("code") for alert in items for i in alert["detail"].get("items", [])}
        return items if {"nhn-msh.unauthorized", "nhn-msh.forbidden"} & codes else []

    wait_for("the nhn-unreachable alert", alerted)
