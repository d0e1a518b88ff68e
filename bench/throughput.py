"""Throughput and latency of Samband's hot paths, against raw lxml parse+validate as the yardstick.

Run: ``make bench`` (or ``python bench/throughput.py [--seconds N]``). Machines are shared and
noisy, so read the ratios to the yardstick, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import logging
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT.parent / "shared" / "reference" / "samples"
SAMPLE = SAMPLES / "plo" / "1_6" / "Orientering_om_tjenestetilbud_v1-6_Ny.xml"


def measure(name: str, work: Callable[[], object], seconds: float) -> tuple[str, float, list[float]]:
    """Run ``work`` repeatedly for about ``seconds``; return (name, ops/s, latencies in ms)."""
    work()
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        work()
        latencies.append((time.perf_counter() - started) * 1000)
    return name, len(latencies) / sum(latencies) * 1000, latencies


def yardstick(raw: bytes) -> Callable[[], object]:
    """Plain lxml: parse and validate against the compiled official schema set."""
    from samband.adapters.xml.schemas import compiled_schema, document_namespaces

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    schema = compiled_schema(document_namespaces(etree.fromstring(raw, parser)))
    return lambda: schema.validate(etree.fromstring(raw, parser))


def with_new_msg_id(raw: bytes) -> bytes:
    """The same message under a fresh MsgId, so the gateway does not take it for a repeat."""
    return re.sub(rb"<MsgId>[^<]+</MsgId>", f"<MsgId>{uuid.uuid4()}</MsgId>".encode(), raw, count=1)


def gateway_cases(raw: bytes, folder: Path) -> list[tuple[str, Callable[[], object]]]:
    """The service path on a real SQLite store: receive (store, validate, map, queue), then deliver."""
    from samband.features.registry import MIGRATIONS
    from samband.gateway import pipeline
    from samband.gateway.delivery.worker import DeliveryWorker
    from samband.gateway.runtime import start_services
    from samband.gateway.settings import Settings

    settings = Settings(database_url=f"sqlite:///{folder / 'bench.db'}", dev_api_key="bench")
    services = start_services(settings, migrations=MIGRATIONS)
    worker = DeliveryWorker(services)

    def receive() -> object:
        return pipeline.receive(services, with_new_msg_id(raw), "application/xml")

    def receive_and_deliver() -> object:
        if not drained:  # start from an empty queue: the receive case left its messages undelivered
            while worker.run_once():
                pass
            drained.append(True)
        receive()
        return worker.run_once()

    drained: list[bool] = []

    return [
        ("gateway receive (SQLite)", receive),
        ("gateway receive + deliver (SQLite)", receive_and_deliver),
    ]


def cases(raw: bytes, folder: Path) -> list[tuple[str, Callable[[], object]]]:
    from samband.adapters.formats import validate
    from samband.mappings.base import fixed_context
    from samband.mappings.registry import to_fhir

    return [
        ("lxml parse+validate (yardstick)", yardstick(raw)),
        ("samband validate", lambda: validate(raw)),
        ("PLO -> FHIR bundle", lambda: to_fhir(raw, fixed_context())),
        *gateway_cases(raw, folder),
    ]


def report(rows: list[tuple[str, float, list[float]]]) -> None:
    base = rows[0][1]
    header = f"{'case':34} {'ops/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'x yardstick':>12}"
    sys.stdout.write(header + "\n" + "-" * len(header) + "\n")
    for name, rate, lat in rows:
        p50 = statistics.median(lat)
        p95 = statistics.quantiles(lat, n=20)[18] if len(lat) >= 20 else max(lat)
        sys.stdout.write(f"{name:34} {rate:10.1f} {p50:8.2f} {p95:8.2f} {rate / base:12.3f}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="time per case")
    parser.add_argument("--sample", type=Path, default=SAMPLE, help="message to use")
    args = parser.parse_args()
    raw = args.sample.read_bytes()
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as folder:
        rows = [measure(name, work, args.seconds) for name, work in cases(raw, Path(folder))]
    report(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
