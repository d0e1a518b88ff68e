"""Receiving through NHN's message service: a real ``samband worker`` polls the local Meldingstjener
for its HER-id and is killed hard (``SAMBAND_TEST_NHN_CRASH_AT``) after each step in turn (fetched,
stored, marked read, AppRec sent), then restarted: the message is stored once, processed once,
answered with one AppRec (sent once more only when the kill fell between sending it and recording
it: the same document, the same MsgId); a resend of the message by its sender is recognised by its
MsgId and gets the same AppRec; a 503 from the service is tried again at the next look."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from samband.gateway.alerts.conditions import NHN_CODES
from samband.gateway.cli.check import Verdict, check_nhn
from samband.gateway.cli.serve import run_worker
from samband.gateway.nhn.poller import CRASH_VARIABLE, STEPS
from samband.gateway.settings import Settings
from samband.gateway.store.alerts import failed_looks
from samband.integrations.nhn_msh import AppRecStatus, MshClient
from samband.integrations.nhn_msh.local import LocalMeldingstjener, running_meldingstjener
from samband.integrations.nhn_msh.local.helseid import SCOPE
from samband.integrations.nhn_msh.local.spec import find_definition
from tests.integration.messages import RECEIVER_HER, SENDER_HER, fhir_store_routes, hodemelding, msg_id_of
from tests.integration.nhn_gateway import entries, journal, nhn_env, stored, wait_for

SENDER, RECEIVER = int(SENDER_HER), int(RECEIVER_HER)
CRASHED = 70


@pytest.fixture(scope="module")
def msh() -> Iterator[LocalMeldingstjener]:
    try:
        find_definition()
    except Exception as exc:  # the reference folder is not beside the checkout
        pytest.skip(f"NHN's API definition is not available: {exc}")
    with running_meldingstjener([SENDER, RECEIVER]) as started:
        yield started
    assert started.app.invalid_requests() == [] and started.app.invalid_responses == []


@pytest.fixture(scope="module")
def sender(msh: LocalMeldingstjener, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MshClient]:
    """The system at HER 5078, sending straight through the API."""
    key_path = msh.new_client("fastlege", tmp_path_factory.mktemp("sender") / "key.jwk", [SENDER])
    with MshClient(msh.settings_for(key_path, "fastlege")) as client:
        yield client


def _run_worker(env: dict[str, str], log: Path) -> None:
    """In the child: the environment and output of ``samband worker``, then its very function."""
    with log.open("ab") as out:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
    os.environ.clear()
    os.environ.update(env)
    run_worker(None)


def worker(env: dict[str, str], log: Path, crash_at: str | None = None) -> BaseProcess:
    """``samband worker`` in a process of its own (forked: the imports are made once, in the test)."""
    crash = {CRASH_VARIABLE: crash_at} if crash_at else {}
    process = multiprocessing.get_context("fork").Process(target=_run_worker, args=({**env, **crash}, log))
    process.start()
    return process


def crashed_at(step: str, env: dict[str, str], log: Path) -> None:
    process = worker(env, log, step)
    process.join(timeout=120)
    if process.exitcode is None:
        process.kill()
    assert process.exitcode == CRASHED, log.read_text()


def test_a_kill_after_each_step_loses_nothing_and_stores_nothing_twice(
    msh: LocalMeldingstjener, sender: MshClient, tmp_path: Path
) -> None:
    key_path = msh.new_client("samband-b", tmp_path / "b.jwk", [RECEIVER])
    routes = tmp_path / "routes.yaml"
    routes.write_text(fhir_store_routes())
    url = f"sqlite:///{tmp_path / 'b.db'}"
    env = {
        **os.environ,
        **nhn_env(msh, key_path, "samband-b", [RECEIVER]),
        "SAMBAND_DATABASE_URL": url,
        "SAMBAND_ROUTES": str(routes),
        "SAMBAND_HER_ID": RECEIVER_HER,
    }
    log = tmp_path / "worker.log"
    engine = sa.create_engine(url)
    document = hodemelding()
    msg_id = msg_id_of(document)
    sent_id = sender.send(document)
    assert STEPS == ("fetched", "stored", "read", "answered")

    crashed_at("fetched", env, log)
    assert stored(engine) == [] and entries(msh, RECEIVER) == [(msg_id, False, False)]

    crashed_at("stored", env, log)
    assert [(d, k) for d, k, _, _ in stored(engine)] == [("inbound", "message")]
    [row] = journal(engine)
    assert row.read_at is None and entries(msh, RECEIVER) == [(msg_id, False, False)]

    crashed_at("read", env, log)  # known by its id: marked read, not fetched or stored again
    assert entries(msh, RECEIVER) == [(msg_id, False, True)]
    assert len([m for m in stored(engine) if m[0] == "inbound"]) == 1

    crashed_at("answered", env, log)  # processed (taken over), delivered, AppRec sent once
    [apprec] = entries(msh, SENDER)
    assert apprec[1] is True
    assert sender.apprec_info(sent_id)[0].status is AppRecStatus.OK

    resent_id = sender.send(document)  # the sender sends the same message again (same MsgId)
    msh.app.fail_next(2, 503, path="/Messages", method="GET")  # the next two looks fail (not the sends)
    before = len(msh.app.seen)
    process = worker(env, log)
    try:
        wait_for("both AppRecs sent", lambda: len([r for r in journal(engine) if r.answered_at]) == 2)
    finally:
        process.terminate()
        process.join(timeout=30)
    looks = [s.status for s in msh.app.seen[before:] if s.method == "GET" and s.path == "/Messages"]
    assert looks[:2] == [503, 503]
    with engine.connect() as conn:  # what the nhn-unreachable alert reads
        failed = failed_looks(conn, datetime.now(UTC) - timedelta(hours=1), NHN_CODES)
    assert failed.count == 2
    assert [(i["route"], i["operation"], i["code"]) for i in failed.items] == [
        ("nhn-inbound", "GET /Messages", "nhn-msh.unavailable")
    ]

    inbound = [(k, m, s) for d, k, m, s in stored(engine) if d == "inbound"]
    assert inbound == [("message", msg_id, "delivered"), ("duplicate", msg_id, "duplicate")]
    outbound = [(k, s) for d, k, _, s in stored(engine) if d == "outbound"]
    assert outbound == [("translation", "delivered"), ("apprec", "delivered")]  # one AppRec made
    # the kill between sending and recording sent it once more; the resend gets it again: one MsgId
    back = entries(msh, SENDER)
    assert len(back) == 3 and {m for m, is_apprec, _ in back} == {apprec[0]} and all(a for _, a, _ in back)
    assert entries(msh, RECEIVER) == [(msg_id, False, True), (msg_id, False, True)]
    assert sender.apprec_info(resent_id)[0].status is AppRecStatus.OK
    engine.dispose()


def test_check_lists_the_unread_messages_of_every_her_id_received_for(
    msh: LocalMeldingstjener, tmp_path: Path
) -> None:
    key_path = msh.new_client("samband-check", tmp_path / "check.jwk", [RECEIVER])
    receiving: dict[str, Any] = {
        "nhn_base_url": msh.url,
        "nhn_token_url": msh.token_url,
        "nhn_client_id": "samband-check",
        "nhn_key_path": key_path,
        "nhn_scope": [SCOPE],
        "her_id": RECEIVER_HER,
    }
    bound = check_nhn(Settings(nhn_receiver_her_ids=[RECEIVER], **receiving))
    assert bound.verdict is Verdict.OK and f"receiving for {RECEIVER}" in bound.detail
    unbound = check_nhn(Settings(nhn_receiver_her_ids=[RECEIVER, SENDER], **receiving))
    assert unbound.verdict is Verdict.PROBLEM and "403" in unbound.detail and "SAMBAND_NHN_" in unbound.fix
