"""Three workers on one store poll the local Meldingstjener for the same HER-id at once, with a
poll interval so short that their looks overlap: each message is stored once, marked read, and
answered with exactly one AppRec (the journal's key and the AppRec claim), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from samband.features.registry import MIGRATIONS
from samband.gateway.delivery.worker import DeliveryWorker
from samband.gateway.runtime import start_services
from samband.gateway.settings import Settings
from samband.integrations.nhn_msh import MshClient
from samband.integrations.nhn_msh.local import LocalMeldingstjener, running_meldingstjener
from samband.integrations.nhn_msh.local.helseid import SCOPE
from samband.integrations.nhn_msh.local.spec import find_definition
from tests.integration.messages import RECEIVER_HER, SENDER_HER, fhir_store_routes, hodemelding, msg_id_of
from tests.integration.nhn_gateway import entries, journal, stored, wait_for

SENDER, RECEIVER = int(SENDER_HER), int(RECEIVER_HER)
MESSAGES = 5


@pytest.fixture(scope="module")
def msh() -> Iterator[LocalMeldingstjener]:
    try:
        find_definition()
    except Exception as exc:  # the reference folder is not beside the checkout
        pytest.skip(f"NHN's API definition is not available: {exc}")
    with running_meldingstjener([SENDER, RECEIVER]) as started:
        yield started
    assert started.app.invalid_requests() == [] and started.app.invalid_responses == []


def test_workers_whose_looks_overlap_take_each_message_once(
    msh: LocalMeldingstjener, database_url: str, tmp_path: Path
) -> None:
    sender_key = msh.new_client(f"sender-{tmp_path.name}", tmp_path / "sender.jwk", [SENDER])
    receiver_key = msh.new_client(f"samband-{tmp_path.name}", tmp_path / "b.jwk", [RECEIVER])
    routes = tmp_path / "routes.yaml"
    routes.write_text(fhir_store_routes())
    settings: dict[str, Any] = {
        "database_url": database_url,
        "routes": routes,
        "dev_api_key": "k",
        "nhn_receiver_her_ids": [RECEIVER],
        "nhn_base_url": msh.url,
        "nhn_token_url": msh.token_url,
        "nhn_client_id": f"samband-{tmp_path.name}",
        "nhn_key_path": receiver_key,
        "nhn_scope": [SCOPE],
        "nhn_issuer": msh.helseid.issuer,
        "nhn_poll_seconds": 0.01,  # the lease runs out while a look is still going: they overlap
        "nhn_poll_batch": 2,  # pages of two, read one after the other
    }
    workers = [
        DeliveryWorker(start_services(Settings(**settings), migrations=MIGRATIONS), name=f"w{i}")
        for i in range(3)
    ]
    documents = [hodemelding(patient_seed=i) for i in range(MESSAGES)]
    answers_before = len(entries(msh, SENDER))
    with MshClient(msh.settings_for(sender_key, f"sender-{tmp_path.name}")) as sender:
        for document in documents:
            sender.send(document)
    stop = threading.Event()

    def loop(worker: DeliveryWorker) -> None:
        while not stop.is_set():
            worker.run_once()

    threads = [threading.Thread(target=loop, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    engine = workers[0].svc.engine
    try:
        wait_for("every AppRec", lambda: sum(1 for r in journal(engine) if r.answered_at) == MESSAGES, 120)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        check(msh, engine, [msg_id_of(d) for d in documents], answers_before)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        for worker in workers:
            if worker.nhn is not None:
                worker.nhn.close()
            worker.svc.engine.dispose()


def check(msh: LocalMeldingstjener, engine: sa.Engine, msg_ids: list[str], answers_before: int) -> None:
    """Each message stored once and delivered, read at the service, answered by one AppRec."""
    wanted = sorted(msg_ids)
    inbound = [(k, m, s) for d, k, m, s in stored(engine) if d == "inbound"]
    assert sorted(str(m) for _, m, _ in inbound) == wanted
    assert {(k, s) for k, _, s in inbound} == {("message", "delivered")}
    assert len(journal(engine)) == MESSAGES
    mine = [e for e in entries(msh, RECEIVER) if e[0] in wanted]
    assert len(mine) == MESSAGES and all(read for _, _, read in mine)
    back = [msg for msg, is_apprec, _ in entries(msh, SENDER)[answers_before:] if is_apprec]
    assert len(back) == len(set(back)) == MESSAGES  # one AppRec per message, none twice
