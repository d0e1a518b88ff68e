"""Group commit (``SAMBAND_GROUP_COMMIT``): posts that come together are stored in one transaction,
each answered only once it is committed; a batch that fails is stored again one message at a time,
so a bad message fails only its own request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from samband.gateway import pipeline
from samband.gateway.store.group_commit import Rows
from samband.gateway.store.repository import Kind
from tests.integration.conftest import AUTH, Gateway, GatewayFactory
from tests.integration.messages import hodemelding

KEY = {"Authorization": AUTH["Authorization"]}


def commits(gw: Gateway) -> tuple[float, float]:
    """(group commits, messages they stored) as ``GET /metrics`` tells them."""
    found = {"samband_store_group_commits_total": 0.0, "samband_store_group_committed_messages_total": 0.0}
    for line in gw.client.get("/metrics", headers=KEY).text.splitlines():
        name, _, value = line.partition(" ")
        if name in found:
            found[name] = float(value)
    return found["samband_store_group_commits_total"], found["samband_store_group_committed_messages_total"]


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"never came: {what}"
        time.sleep(0.01)


def post_while_held(
    gw: Gateway, monkeypatch: pytest.MonkeyPatch, first: Callable[[], Any], rest: Sequence[Callable[[], Any]]
) -> list[Future[Any]]:
    """``first`` alone in the first commit, whose insert waits until every call of ``rest`` has come
    and waits behind it; then all go on. What each call returned (or raised), in order. The gateway
    has one committer thread (``group_commit_threads=1``), so the rest wait for that one."""
    committer = gw.services.committer
    release, writing = threading.Event(), threading.Event()
    insert = committer._insert

    def wait_then_insert(batch: list[Rows]) -> None:
        writing.set()
        release.wait(timeout=60)
        insert(batch)

    monkeypatch.setattr(committer, "_insert", wait_then_insert)
    with ThreadPoolExecutor(max_workers=len(rest) + 1) as pool:
        try:
            futures = [pool.submit(first)]
            wait_for(writing.is_set, "the first commit")
            futures += [pool.submit(call) for call in rest]
            wait_for(lambda: committer._waiting.qsize() == len(rest), "every later call waiting")
        finally:
            release.set()
    return futures


def test_fifty_concurrent_posts_are_all_answered_202_and_stored_once_in_fewer_commits(
    database_url: str, gateway_factory: GatewayFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    gw = gateway_factory(database_url, process_in_workers=True, group_commit_threads=1)
    bodies = [hodemelding(patient_seed=n) for n in range(50)]
    before = commits(gw)
    posts = [partial(gw.post, raw) for raw in bodies]
    futures = post_while_held(gw, monkeypatch, posts[0], posts[1:])
    answers = [f.result() for f in futures]
    assert [a.status_code for a in answers] == [202] * 50, [a.text for a in answers if a.status_code != 202]
    ids = [a.json()["id"] for a in answers]
    assert len(set(ids)) == 50
    stored = gw.get("/messages", direction="inbound", limit=100)
    assert stored["total"] == 50 and {m["id"] for m in stored["items"]} == set(ids), "each stored once"
    for mid, raw in zip(ids, bodies, strict=True):
        assert gw.client.get(f"/messages/{mid}/raw", headers=KEY).content == raw
    done, messages = (after - was for after, was in zip(commits(gw), before, strict=True))
    assert messages == 50 and done == 2, "the first post alone, the 49 that waited behind it in one commit"
    assert gw.drain() and {gw.get(f"/messages/{m}")["status"] for m in ids} == {"delivered"}


def test_an_exact_repeat_in_the_same_commit_is_stored_twice_and_processed_once(
    database_url: str, gateway_factory: GatewayFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    gw = gateway_factory(database_url, process_in_workers=True, group_commit_threads=1)
    raw = hodemelding()
    post = partial(gw.post, raw)
    answers = [
        f.result() for f in post_while_held(gw, monkeypatch, partial(gw.post, hodemelding()), [post, post])
    ]
    assert [a.status_code for a in answers] == [202] * 3
    repeats = [a.json() for a in answers[1:]]
    assert [(r["status"], r["duplicate"]) for r in repeats] == [("received", False)] * 2
    gw.drain()
    statuses = sorted(gw.get(f"/messages/{r['id']}")["status"] for r in repeats)
    assert statuses == ["delivered", "duplicate"], "the worker processes it once, as a repeat posted later"


def test_one_message_that_cannot_be_stored_fails_alone_and_the_rest_of_its_batch_is_stored(
    database_url: str, gateway_factory: GatewayFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    gw = gateway_factory(database_url, process_in_workers=True, group_commit_threads=1)
    svc = gw.services

    def store(seed: int, source_id: str | None = None) -> str:
        return pipeline.store_raw(
            svc, hodemelding(patient_seed=seed), "application/xml", Kind.MESSAGE, source_id
        )

    bad = "00000000-0000-0000-0000-000000000000"  # names a message that is not there: refused by the store
    futures = post_while_held(
        gw,
        monkeypatch,
        lambda: store(0),
        [lambda: store(1), lambda: store(2, source_id=bad), lambda: store(3)],
    )
    with pytest.raises(IntegrityError):
        futures[2].result()
    good = [futures[i].result() for i in (0, 1, 3)]
    stored = gw.get("/messages", direction="inbound", limit=100)
    assert sorted(m["id"] for m in stored["items"]) == sorted(good)
    for mid in good:
        assert gw.events(mid)[0] == "received"


def test_a_request_that_gave_up_before_its_commit_is_not_stored_and_the_others_are_answered(
    sqlite_url: str, gateway_factory: GatewayFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    gw = gateway_factory(sqlite_url, process_in_workers=True, group_commit_threads=1)
    svc = gw.services
    given_up: list[Future[None]] = []

    def submit(seed: int, give_up: bool = False) -> str:
        mid, stored = pipeline.submit_raw(
            svc, hodemelding(patient_seed=seed), "application/xml", Kind.MESSAGE
        )
        if give_up:
            assert stored.cancel(), "not yet committed: it can still be given up"
            given_up.append(stored)
            return mid
        stored.result(timeout=60)
        return mid

    futures = post_while_held(
        gw, monkeypatch, lambda: submit(0), [lambda: submit(1, give_up=True), lambda: submit(2)]
    )
    first, gone, last = (f.result() for f in futures)
    stored = {m["id"] for m in gw.get("/messages", direction="inbound")["items"]}
    assert stored == {first, last} and gone not in stored and given_up[0].cancelled()


def test_without_group_commit_each_post_is_its_own_transaction(
    sqlite_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(sqlite_url, process_in_workers=True, group_commit=False)
    assert [gw.post(hodemelding(patient_seed=n)).status_code for n in range(3)] == [202] * 3
    assert commits(gw) == (0, 0)
    assert gw.get("/messages", direction="inbound")["total"] == 3
