"""Two real ``samband serve`` processes on loopback and the local Meldingstjener between them
(issue 13, "Done when"): a PLO message posted to Samband A goes out over A's ``nhn-msh`` route to
HER 91100; Samband B, which receives for 91100, takes it by polling, stores it, translates it and
sends its AppRec back through the API; A's follow-up brings that AppRec onto A's sent message.
On the way A's first send and a later look answer 503 (tried again), and B is killed hard right
after storing the message (before marking it read): the restarted B neither loses the message nor
stores or answers it twice."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from samband.gateway.delivery.worker import CRASH_VARIABLE as SEND_CRASH
from samband.gateway.nhn.poller import CRASH_VARIABLE
from samband.integrations.nhn_msh.local import LocalMeldingstjener, running_meldingstjener
from samband.integrations.nhn_msh.local.helseid import SCOPE
from samband.integrations.nhn_msh.local.spec import find_definition
from tests.integration.messages import RECEIVER_HER, SENDER_HER, fhir_store_routes, hodemelding, msg_id_of
from tests.integration.nhn_gateway import entries, nhn_env, wait_for
from tests.integration.server import free_port, start_serve, wait_healthy

KEY = "two-gateways-key"
HEADERS = {"Authorization": f"Bearer {KEY}"}
SENDER, RECEIVER = int(SENDER_HER), int(RECEIVER_HER)
CRASHED = 70


class Gateway:
    """One ``samband serve`` with its own store, stopped and started again by the test."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env, self.log, self.port = env, folder / "serve.log", free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.extra: dict[str, str] = {}

    def start(self, **extra: str) -> None:
        self.extra = extra
        self.process = start_serve(self.port, {**self.env, **extra}, self.log)

    def wait_up(self) -> None:
        assert self.process is not None
        wait_healthy(self.port, self.process, self.log)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def get(self, path: str) -> Any:
        answer = httpx.get(self.url + path, headers=HEADERS, timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def kinds(self, message_id: str) -> list[str]:
        return [event["kind"] for event in self.get(f"/messages/{message_id}/events")["events"]]


@pytest.fixture(scope="module")
def msh() -> Iterator[LocalMeldingstjener]:
    try:
        find_definition()
    except Exception as exc:  # the reference folder is not beside the checkout
        pytest.skip(f"NHN's API definition is not available: {exc}")
    with running_meldingstjener([SENDER, RECEIVER]) as started:
        yield started


def _base_env(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SAMBAND_DATABASE_URL": f"sqlite:///{folder / 'samband.db'}",
        "SAMBAND_DEV_API_KEY": KEY,
        "SAMBAND_WORKER_POLL_SECONDS": "0.05",
        "SAMBAND_JOB_INTERVAL_SECONDS": "0.5",
        "SAMBAND_LEASE_SECONDS": "2",  # a follow-up that failed is asked again this soon
    }


@pytest.fixture(scope="module")
def gateway_a(msh: LocalMeldingstjener, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """Samband A: PLO messages go out over its nhn-msh route, from a client bound to HER 5078."""
    folder = tmp_path_factory.mktemp("a")
    key_path = msh.new_client("samband-a", folder / "a.jwk", [SENDER])
    routes = folder / "routes.yaml"
    routes.write_text(
        f"""
routes:
  - name: nhn
    match: {{message_types: [HELSEOPPLYSNINGER_LEGE]}}
    target_format: as-is
    transport: nhn-msh
    retry: {{delays: [1s], max_attempts: 5}}
    timeouts: {{connect: 1s, total: 2s}}  # a try killed midway is taken over after (1 + 2) * 3 + 5 s
    options:
      base_url: {msh.url}
      source_system: "Samband A, test"
      token_url: {msh.token_url}
      client_id: samband-a
      key_path: {key_path}
      scope: {SCOPE}
      issuer: {msh.helseid.issuer}
      follow_up: 1s
"""
    )
    gateway = Gateway({**_base_env(folder), "SAMBAND_ROUTES": str(routes)}, folder)
    gateway.start()  # B starts beside it (one start-up wait for both)
    yield gateway
    gateway.stop()


@pytest.fixture(scope="module")
def gateway_b(msh: LocalMeldingstjener, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """Samband B: receives for HER 91100 by polling, with a client bound to it; keeps what it
    receives in its FHIR store. Its first process ends hard right after storing a message."""
    folder = tmp_path_factory.mktemp("b")
    key_path = msh.new_client("samband-b", folder / "b.jwk", [RECEIVER])
    routes = folder / "routes.yaml"
    routes.write_text(fhir_store_routes())
    env = {
        **_base_env(folder),
        **nhn_env(msh, key_path, "samband-b", [RECEIVER]),
        "SAMBAND_ROUTES": str(routes),
        "SAMBAND_HER_ID": RECEIVER_HER,
    }
    gateway = Gateway(env, folder)
    gateway.start(**{CRASH_VARIABLE: "stored"})  # B dies right after storing what it takes
    yield gateway
    gateway.stop()


@pytest.mark.slow
def test_a_plo_message_from_a_reaches_b_by_polling_and_b_s_apprec_comes_back_to_a(
    msh: LocalMeldingstjener, gateway_a: Gateway, gateway_b: Gateway
) -> None:
    gateway_a.wait_up()
    gateway_b.wait_up()
    msh.app.fail_next(1, 503, path="/Messages", method="POST")  # A's first send fails
    document = hodemelding()
    posted = httpx.post(
        gateway_a.url + "/messages",
        content=document,
        headers={**HEADERS, "Content-Type": "application/xml"},
        timeout=30,
    )
    assert posted.status_code == 202, posted.text
    source = posted.json()["id"]

    assert gateway_b.process is not None and gateway_b.process.wait(timeout=120) == CRASHED
    assert entries(msh, RECEIVER) == [(msg_id_of(document), False, False)]  # still unread
    msh.app.fail_next(1, 503, path="/Messages", method="GET")  # the next look (B's, or A's follow-up)
    gateway_b.start()
    gateway_b.wait_up()

    [delivery] = gateway_a.get(f"/messages/{source}")["deliveries"]
    assert [a["outcome"] for a in delivery["attempts"]] == ["failed", "delivered"]
    sent = delivery["message_id"]
    answered = wait_for(
        "B's AppRec on A's message", lambda: gateway_a.get(f"/messages/{sent}")["apprec_received"], 120
    )
    assert answered["status"] == "1" and gateway_a.get(f"/messages/{sent}")["status"] == "accepted"
    assert "apprec.received" in gateway_a.kinds(sent)

    # B: the message stored once, translated into its FHIR store, answered once through the API
    [received] = gateway_b.get("/messages?direction=inbound")["items"]
    assert (received["msg_id"], received["status"]) == (msg_id_of(document), "delivered")
    assert (received["sender_her"], received["receiver_her"]) == (SENDER_HER, RECEIVER_HER)
    detail = gateway_b.get(f"/messages/{received['id']}")
    assert [t["route"] for t in detail["translations"]] == ["fhir-store"]
    for resource in ("Patient", "Communication"):  # the translation is in B's FHIR store
        assert len(gateway_b.get(f"/fhir/{resource}").get("entry", [])) == 1, resource
    kinds = gateway_b.kinds(received["id"])
    assert kinds.count("received") == 1 and kinds.count("apprec.sent") == 1
    apprec = gateway_b.get(f"/messages/{received['id']}")["apprec"]
    assert apprec["status"] == "1"

    # the service: read at 91100, exactly one AppRec back to 5078, taken by A; every request valid
    assert entries(msh, RECEIVER) == [(msg_id_of(document), False, True)]
    assert [(is_apprec, read) for _, is_apprec, read in entries(msh, SENDER)] == [(True, True)]
    assert len(gateway_a.get("/messages?type=APPREC&direction=inbound")["items"]) == 1
    assert [s.status for s in msh.app.seen].count(503) == 2
    assert msh.app.invalid_requests() == [] and msh.app.invalid_responses == []


@pytest.mark.slow
def test_a_killed_after_sending_sends_again_and_b_stores_and_answers_it_once(
    msh: LocalMeldingstjener, gateway_a: Gateway, gateway_b: Gateway
) -> None:
    """A dies after ``POST /Messages`` was answered, before it kept the service's id: NHN's API has
    no idempotency key, so the restarted A sends the message again (a second id, the same MsgId).
    B stores the repeat as a ``duplicate`` of the first (by MsgId), translates and answers it once
    (the repeat gets the same AppRec again, which A takes as a repeat too)."""
    if gateway_b.extra:  # this test alone: B without its crash
        gateway_b.stop()
        gateway_b.start()
    gateway_b.wait_up()
    gateway_a.stop()
    gateway_a.start(**{SEND_CRASH: "sent"})
    gateway_a.wait_up()
    document = hodemelding()
    posted = httpx.post(
        gateway_a.url + "/messages",
        content=document,
        headers={**HEADERS, "Content-Type": "application/xml"},
        timeout=30,
    )
    assert posted.status_code == 202, posted.text
    source = posted.json()["id"]
    assert gateway_a.process is not None and gateway_a.process.wait(timeout=120) == CRASHED
    gateway_a.start()
    gateway_a.wait_up()

    sent = gateway_a.get(f"/messages/{source}")["deliveries"][0]["message_id"]
    answered = wait_for(
        "B's AppRec on A's message", lambda: gateway_a.get(f"/messages/{sent}")["apprec_received"], 120
    )
    assert answered["status"] == "1"
    [delivery] = gateway_a.get(f"/messages/{source}")["deliveries"]
    outcomes = [(a["outcome"], a["error_code"]) for a in delivery["attempts"]]
    assert outcomes == [("in-doubt", "worker.lost"), ("delivered", None)]  # the killed try, then again
    assert delivery["remote_id"] == delivery["attempts"][1]["detail"]["remote_id"]
    copies = [e for e in msh.app.service.entries.values() if e.sent.msg_id == msg_id_of(document)]
    assert len(copies) == 2  # sent twice: the service holds both

    def both_taken() -> list[Any]:
        found = gateway_b.get(f"/messages?direction=inbound&msg_id={msg_id_of(document)}")["items"]
        return found if len(found) == 2 and all(m["status"] != "received" for m in found) else []

    received = wait_for("both copies taken by B", both_taken, 120)
    statuses = sorted(m["status"] for m in received)
    assert statuses == ["delivered", "duplicate"], statuses
    [first] = [m for m in received if m["status"] == "delivered"]
    assert [t["route"] for t in gateway_b.get(f"/messages/{first['id']}")["translations"]] == ["fhir-store"]
    assert gateway_a.kinds(sent).count("apprec.received") == 1
    assert msh.app.invalid_requests() == [] and msh.app.invalid_responses == []
