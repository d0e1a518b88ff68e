"""Several workers on one store: no delivery twice (SKIP LOCKED, leases), jobs once, lost claims retaken."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest

from samband.features.registry import MIGRATIONS
from samband.gateway import pipeline
from samband.gateway.delivery.worker import DeliveryWorker
from samband.gateway.runtime import Services, start_services
from samband.gateway.settings import Settings
from samband.gateway.store import deliveries as queue
from samband.gateway.store.jobs import run_job
from samband.gateway.store.repository import Kind
from tests.integration.conftest import GatewayFactory, pg_schema_url
from tests.integration.messages import hodemelding
from tests.integration.receiver import Receiver

ONE_ROUTE = """
routes:
  - name: peer
    target_format: as-is
    transport: http
    endpoint: {a}
"""


@pytest.fixture
def pg_schema(pg_url: str) -> Iterator[str]:
    yield from pg_schema_url(pg_url)


def _worker_services(url: str, routes_file: str, n: int) -> list[Services]:
    return [
        start_services(
            Settings(database_url=url, routes=routes_file, dev_api_key="k", worker_batch=5),
            migrations=MIGRATIONS,
        )
        for _ in range(n)
    ]


def test_four_workers_on_postgresql_deliver_each_message_exactly_once(
    pg_schema: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver], tmp_path: object
) -> None:
    peer = receivers()
    gw = gateway_factory(pg_schema, ONE_ROUTE.replace("{a}", peer.url))
    for _ in range(60):
        assert gw.post(hodemelding()).status_code == 202
    routes_file = str(gw.services.settings.routes)
    workers = [
        DeliveryWorker(s, name=f"w{i}") for i, s in enumerate(_worker_services(pg_schema, routes_file, 4))
    ]

    def drain(worker: DeliveryWorker) -> None:
        while worker.deliver_due():
            pass

    threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    keys = peer.keys()
    assert len(peer.taken()) == 60 and len(keys) == 60 and set(keys.values()) == {1}
    assert len({t.headers["x-samband-message-id"] for t in peer.taken()}) == 60
    with gw.services.engine.begin() as conn:
        owners = conn.exec_driver_sql("SELECT worker, count(*) FROM delivery_attempts GROUP BY worker").all()
    assert sum(n for _, n in owners) == 60
    assert len(owners) > 1, "the work was shared"
    for w in workers:
        w.svc.engine.dispose()


def test_scheduled_job_runs_once_across_workers(database_url: str, gateway_factory: GatewayFactory) -> None:
    gw = gateway_factory(database_url)
    ran: list[str] = []
    barrier = threading.Barrier(6)

    def attempt(name: str) -> None:
        barrier.wait()
        run_job(gw.services, "nightly", name, 60, lambda: ran.append(name))

    threads = [threading.Thread(target=attempt, args=(f"w{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(ran) == 1
    gw.clock.advance(61)
    assert run_job(gw.services, "nightly", "late", 60, lambda: ran.append("late"))
    assert ran[-1] == "late" and len(ran) == 2


def test_a_claim_lost_with_its_worker_is_taken_again_after_the_lease(
    database_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    peer = receivers()
    gw = gateway_factory(database_url, ONE_ROUTE.replace("{a}", peer.url), lease_seconds=30)
    lease = gw.worker.lease
    assert lease >= timedelta(seconds=3 * (5 + 30)), "a claim outlives the route's longest try"
    mid = gw.post(hodemelding()).json()["id"]
    svc = gw.services
    with svc.engine.begin() as conn:
        [claimed] = queue.claim_due(conn, "dead-worker", svc.now(), lease, 10, set())
        assert queue.start_attempt(conn, claimed, "dead-worker", svc.now(), lease) == 1
    assert gw.drain() == 0, "the lease still holds"
    gw.clock.advance(lease.total_seconds() + 1)
    gw.drain()
    assert len(peer.taken()) == 1
    [delivery] = gw.get(f"/messages/{mid}")["deliveries"]
    assert [(a["worker"], a["outcome"]) for a in delivery["attempts"]] == [
        ("dead-worker", "in-doubt"),
        ("test-worker", "delivered"),
    ]


def test_a_claim_that_ran_out_before_its_turn_is_not_sent(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    peer = receivers()
    gw = gateway_factory(sqlite_url, ONE_ROUTE.replace("{a}", peer.url))
    gw.post(hodemelding())
    svc = gw.services
    with svc.engine.begin() as conn:
        [claimed] = queue.claim_due(conn, "slow-worker", svc.now(), timedelta(seconds=30), 10, set())
    gw.clock.advance(31)
    with svc.engine.begin() as conn:
        [retaken] = queue.claim_due(conn, "other-worker", svc.now(), timedelta(seconds=30), 10, set())
        assert queue.start_attempt(conn, claimed, "slow-worker", svc.now(), timedelta(seconds=30)) is None
        assert queue.start_attempt(conn, retaken, "other-worker", svc.now(), timedelta(seconds=30)) == 1


def test_request_and_takeover_racing_on_one_message_process_it_once(
    database_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    peer = receivers()
    gw = gateway_factory(database_url, ONE_ROUTE.replace("{a}", peer.url))
    mids = [pipeline.store_raw(gw.services, hodemelding(), "application/xml", Kind.MESSAGE) for _ in range(5)]
    barrier = threading.Barrier(10)
    outcomes: list[str] = []

    def process(mid: str) -> None:
        barrier.wait()
        outcomes.append(pipeline.process(gw.services, mid).status)

    threads = [threading.Thread(target=process, args=(mid,)) for mid in mids for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("routed") == 10, "both callers see the one result"
    gw.drain()
    assert len(peer.taken()) == 5 and set(peer.keys().values()) == {1}
    for mid in mids:
        assert len(gw.get(f"/messages/{mid}")["deliveries"]) == 1
        assert gw.events(mid).count("routed") == 1
