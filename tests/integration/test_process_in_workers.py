"""``SAMBAND_PROCESS_IN_WORKERS``: a post is answered once stored and checked, the workers do the rest;
a refusal is still answered at once; ``serve --workers 1`` does the rest in a worker process."""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import AUTH, XML_HEADERS, GatewayFactory
from tests.integration.messages import hodemelding
from tests.integration.server import free_port, serve


def test_accepted_when_stored_then_translated_delivered_and_answered_by_the_worker(
    database_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(database_url, process_in_workers=True)
    raw = hodemelding()
    posted = gw.post(raw)
    assert posted.status_code == 202, posted.text
    body = posted.json()
    assert body["status"] == "received" and body["duplicate"] is False and body["msg_id"]
    mid = body["id"]
    assert gw.get(f"/messages/{mid}")["status"] == "received"
    assert gw.client.get(f"/messages/{mid}/raw", headers=AUTH).content == raw

    again = gw.post(raw).json()  # the same message again, before the worker ran
    gw.drain()
    both = {m: gw.get(f"/messages/{m}") for m in (mid, again["id"])}
    assert sorted(m["status"] for m in both.values()) == ["delivered", "duplicate"], "processed once only"
    [message] = [m for m in both.values() if m["status"] == "delivered"]  # the worker's order decides
    assert message["apprec"]["status"] == "1"
    assert [d["status"] for d in message["deliveries"]] == ["delivered"]
    assert len(gw.get("/fhir/Patient")["entry"]) == 1


def test_a_refused_message_is_still_answered_422_at_once_with_its_negative_apprec(
    database_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(database_url, process_in_workers=True)
    refused = gw.post(hodemelding().replace(b"<GenDate>", b"<GenDateX>", 1))
    assert refused.status_code == 422
    body = refused.json()
    assert body["status"] == "rejected" and body["errors"][0]["code"] and body["apprec_id"]
    apprec = gw.client.get(f"/messages/{body['id']}/apprec", headers=AUTH)
    assert apprec.status_code == 200 and b'<Status V="2"' in apprec.content
    garbage = gw.post(b"this is not xml")
    assert garbage.status_code == 422 and garbage.json()["errors"][0]["code"] == "xml.not-well-formed"
    assert gw.drain() == 0, "nothing left for the worker"


def test_past_the_backlog_bound_a_post_is_refused_with_retry_after_and_nothing_stored(
    sqlite_url: str, gateway_factory: GatewayFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("samband.gateway.backpressure.REFRESH_SECONDS", 0.0)  # count on every post
    gw = gateway_factory(sqlite_url, process_in_workers=True, max_backlog=2)
    assert [gw.post(hodemelding()).status_code for _ in range(2)] == [202, 202]
    busy = gw.post(hodemelding())
    assert busy.status_code == 503 and busy.headers["Retry-After"]
    assert busy.json()["errors"][0]["code"] == "store.backlog-full"
    assert gw.get("/messages", direction="inbound")["total"] == 2, "nothing stored"
    gw.drain()
    assert gw.post(hodemelding()).status_code == 202, "taken in again once the workers caught up"


def test_a_burst_between_two_counts_of_the_backlog_stops_at_the_bound(
    sqlite_url: str, gateway_factory: GatewayFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backlog is counted once a minute here, yet the posts let in since are held against the
    bound too: a burst never stores more than the bound."""
    monkeypatch.setattr("samband.gateway.backpressure.REFRESH_SECONDS", 60.0)
    gw = gateway_factory(sqlite_url, process_in_workers=True, max_backlog=3)
    answers = [gw.post(hodemelding()).status_code for _ in range(6)]
    assert answers == [202, 202, 202, 503, 503, 503]
    assert gw.get("/messages", direction="inbound")["total"] == 3


def test_serve_with_a_worker_process_delivers_what_the_api_accepted(tmp_path: Path) -> None:
    """With worker processes a post is answered once stored and checked, unless the environment
    says otherwise (SAMBAND_PROCESS_IN_WORKERS is not set here)."""
    port = free_port()
    env = {
        **os.environ,
        "SAMBAND_DATABASE_URL": f"sqlite:///{tmp_path / 'samband.db'}",
        "SAMBAND_DEV_API_KEY": AUTH["Authorization"].removeprefix("Bearer "),
        "SAMBAND_WORKER_POLL_SECONDS": "0.05",
    }
    env.pop("SAMBAND_ROUTES", None)
    env.pop("SAMBAND_PROCESS_IN_WORKERS", None)
    process = serve(port, env, tmp_path / "serve.log", "--workers", "1")
    try:
        url = f"http://127.0.0.1:{port}"
        posted = httpx.post(f"{url}/messages", content=hodemelding(), headers=XML_HEADERS, timeout=30)
        assert posted.status_code == 202 and posted.json()["status"] == "received", posted.text
        status = ""
        deadline = time.monotonic() + 90  # the worker process starts slowly on a loaded machine
        while status != "delivered" and time.monotonic() < deadline:
            time.sleep(0.2)
            answer = httpx.get(f"{url}/messages/{posted.json()['id']}", headers=AUTH, timeout=30)
            status = answer.json()["status"]
        assert status == "delivered", (tmp_path / "serve.log").read_text()
        assert "1 worker process(es)" in (tmp_path / "serve.log").read_text()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_warnings_of_the_checks_at_the_post_are_taken_in_by_the_worker_as_in_the_request(
    database_url: str, gateway_factory: GatewayFactory
) -> None:
    raw = hodemelding(msg_id="not-a-uuid-but-kept")  # taken in with the warning msghead.msgid-not-uuid
    in_request = gateway_factory(database_url, process_in_workers=False)
    expected = in_request.get(f"/messages/{in_request.post(raw).json()['id']}")["issues"]
    assert "msghead.msgid-not-uuid" in [i["code"] for i in expected]

    gw = gateway_factory(database_url, process_in_workers=True)
    posted = gw.post(hodemelding(msg_id="not-a-uuid-either"))
    assert posted.status_code == 202, posted.text
    mid = posted.json()["id"]
    gw.drain()
    message = gw.get(f"/messages/{mid}")
    assert message["status"] == "delivered"
    assert message["issues"] == [
        {**i, "text": i["text"].replace("not-a-uuid-but-kept", "not-a-uuid-either")} for i in expected
    ]
    [received] = [e for e in gw.get(f"/messages/{mid}/events")["events"] if e["kind"] == "received"]
    assert "msghead.msgid-not-uuid" in [w["code"] for w in received["detail"]["checked"]]


def test_two_copies_taken_in_at_once_by_two_workers_one_is_delivered_and_one_is_the_repeat(
    database_url: str, gateway_factory: GatewayFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from samband.gateway import pipeline

    gw = gateway_factory(database_url, process_in_workers=True)
    raw = hodemelding()
    ids = [gw.post(raw).json()["id"] for _ in range(2)]
    metrics = gw.services.metrics
    counted = metrics.received
    other: list[str] = []

    def second_worker_meanwhile(message_type: str | None, source_format: str | None) -> None:
        """Right after the first worker has looked for the copy's original, a second worker takes
        the other copy in, from start to end."""
        counted(message_type, source_format)
        if not other:
            other.append(ids[1])
            pipeline.process(gw.services, ids[1])

    monkeypatch.setattr(metrics, "received", second_worker_meanwhile)
    pipeline.process(gw.services, ids[0])
    monkeypatch.setattr(metrics, "received", counted)
    gw.drain()
    statuses = sorted(gw.get(f"/messages/{m}")["status"] for m in ids)
    assert statuses == ["delivered", "duplicate"], "exactly one copy is the repeat of the other"
