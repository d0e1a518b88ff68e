"""Cost as history grows: the processor time of one delivery into the FHIR store with few and with many
messages stored (the same patients updated again and again, so their resources gather versions), and
the search by every business key with many stored, the patient whose messages are all old included.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx
from sqlalchemy import Engine, text

from bench.stores import analyze, fill_messages

Body = Callable[[int], bytes]


@dataclass
class History:
    """One store on which history is grown step by step, through the gateway and in bulk."""

    url: str
    body: Body
    measured: int = 0  # messages sent through the spine so far

    def __post_init__(self) -> None:
        from samband.features.registry import MIGRATIONS
        from samband.gateway.delivery.worker import DeliveryWorker
        from samband.gateway.runtime import start_services
        from samband.gateway.settings import Settings

        self.svc = start_services(Settings(database_url=self.url, dev_api_key="bench"), migrations=MIGRATIONS)
        self.worker = DeliveryWorker(self.svc)

    @property
    def engine(self) -> Engine:
        return self.svc.engine

    def receive(self, count: int) -> None:
        from samband.gateway import pipeline

        for _ in range(count):
            pipeline.receive(self.svc, self.body(self.measured), "application/xml")
            self.measured += 1

    def deliver_all(self) -> int:
        done = 0
        while n := self.worker.deliver_due():
            done += n
        return done

    def stored(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM messages")).scalar_one())

    def grow_to(self, total: int, patients: int = 1000) -> dict[str, Any]:
        """Bulk rows up to ``total`` stored messages, and as many old versions of the measured patients'
        resources as they would have if the history were spread over ``patients`` patients."""
        keys = fill_messages(self.engine, max(0, total - self.stored()), patients)
        self.add_versions(max(0, total // patients - self.versions()))
        return keys

    def versions(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(text("SELECT coalesce(max(version), 0) FROM fhir_resources")).scalar_one()
            )

    def add_versions(self, extra: int) -> None:
        """``extra`` earlier versions under every stored resource (its versions renumbered above them)."""
        if extra <= 0:
            return
        columns = "resource_type, resource_id, patient, body, source_message_id, updated_at"
        with self.engine.begin() as conn:
            conn.execute(text("UPDATE fhir_resources SET version = version + :n"), {"n": extra})
            conn.execute(text("UPDATE fhir_index SET version = version + :n"), {"n": extra})  # stays current
            for version in range(1, extra + 1):
                conn.execute(
                    text(
                        f"INSERT INTO fhir_resources (version, current, {columns}) "
                        f"SELECT :v, :f, {columns} FROM fhir_resources WHERE current = :t"
                    ),
                    {"v": version, "f": False, "t": True},
                )
        analyze(self.engine)

    def delivery_cost(self, batch: int) -> dict[str, Any]:
        """Processor and wall time per delivery of ``batch`` fresh messages (received untimed first)."""
        self.deliver_all()
        self.receive(batch)
        wall, cpu = time.perf_counter(), time.process_time()
        delivered = self.deliver_all()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return {
            "stored": self.stored(),
            "versions_per_resource": self.versions(),
            "delivered": delivered,
            "ms_per_delivery": wall * 1000 / max(delivered, 1),
            "cpu_ms_per_delivery": cpu * 1000 / max(delivered, 1),
        }

    def close(self) -> None:
        self.svc.engine.dispose()


def search_times(base_url: str, key: str, keys: dict[str, Any], repeat: int = 5) -> dict[str, Any]:
    """Median and worst time of ``GET /messages?<key>=<value>`` (first page) for every business key, and
    of one message by id (the yardstick: a primary-key read through the same API)."""
    times: dict[str, Any] = {}
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        some = client.get("/messages", params={"limit": 1}).json()
        one_id = some["items"][0]["id"] if some.get("items") else None
        for name, value in keys.items():
            params = {name.split(" ")[0]: value}
            times[name] = _timed(partial(client.get, "/messages", params=params), repeat)
        if one_id:
            times["by id (yardstick)"] = _timed(lambda: client.get(f"/messages/{one_id}"), repeat)
    return times


def _timed(call: Callable[[], httpx.Response], repeat: int) -> dict[str, Any]:
    call()  # warm
    spent = []
    status = 0
    for _ in range(repeat):
        started = time.perf_counter()
        status = call().status_code
        spent.append((time.perf_counter() - started) * 1000)
    return {"median_ms": statistics.median(spent), "max_ms": max(spent), "status": status}
