"""``make bench``: each throughput goal of the gateway beside a yardstick measured in the same run.

Yardsticks: raw lxml parse + XSD validation of the same message; a minimal FastAPI endpoint that stores
the raw bytes and commits (``bench/minimal.py``); the database's own one-row commit rate. The load comes
from a separate process (``bench/load.py``): closed loop for the most accepted, a constant rate for the
latency line. Runs on SQLite, and on PostgreSQL when one answers (``SAMBAND_TEST_POSTGRES_URL`` or the
local default; in a database of its own that it drops afterwards). Results go to
``var/bench/<timestamp>.json`` for comparison between commits.

    python bench/throughput.py [--quick | --full] [--backend sqlite|postgresql|both]
                               [--mode TEXT …] [--no-history]

Machines are shared and noisy: read the ratios, which compare figures measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import servers  # noqa: E402
from bench.goals import lines_for, report  # noqa: E402
from bench.history import History, search_times  # noqa: E402
from bench.stores import Backend, commit_rate, postgres_base  # noqa: E402
from bench.translate import translate_rates  # noqa: E402
from tests.integration.messages import TEMPLATE, synthetic_fnr  # noqa: E402

PATIENT = "13116900216"  # the patient ident in the template, replaced by a synthetic one per message


@dataclass(frozen=True)
class Plan:
    """How long each part runs and how much history it builds."""

    name: str
    seconds: float  # each yardstick load and the latency run
    sustained: float  # the closed-loop run of the gateway (accepted and delivered)
    concurrency: int
    rate: float  # the steady offered rate of the latency line
    history: tuple[int, int]  # stored messages at the two delivery-cost points
    searched: int  # stored messages for the search line
    patients: int  # patients the load spreads over


PLANS = {
    "smoke": Plan("smoke", 1.0, 2.0, 4, 50.0, (150, 300), 2_000, 20),
    "quick": Plan("quick", 6.0, 15.0, 16, 200.0, (1_000, 10_000), 100_000, 200),
    "full": Plan("full", 30.0, 300.0, 32, 200.0, (1_000, 100_000), 1_000_000, 2_000),
}


class Messages:
    """The test Hodemelding with a fresh MsgId and one of ``patients`` synthetic patients."""

    def __init__(self, folder: Path, patients: int) -> None:
        self.template = TEMPLATE.read_bytes()
        self.path = folder / "template.xml"
        self.path.write_bytes(self.template)
        self.patients = [synthetic_fnr(seed) for seed in range(patients)]

    def body(self, turn: int) -> bytes:
        from bench.load import MSG_ID

        raw = MSG_ID.sub(
            f"<MsgId>bench-{os.getpid()}-{turn}-{time.time_ns()}</MsgId>".encode(), self.template
        )
        return raw.replace(PATIENT.encode(), self.patients[turn % len(self.patients)].encode(), 1)


def yardstick_endpoint(backend: Backend, plan: Plan, msgs: Messages, log: Path) -> dict[str, Any]:
    found: dict[str, Any] = {}
    with backend.database("commit") as url:
        found["commit"] = commit_rate(url, plan.concurrency, plan.seconds)
    with backend.database("minimal") as url, servers.minimal(url, log) as server:
        closed = servers.load(
            server, msgs.path, mode="closed", seconds=plan.seconds, concurrency=plan.concurrency
        )
        steady = servers.load(server, msgs.path, mode="rate", seconds=plan.seconds, rate=plan.rate)
    found["minimal"] = {"closed": asdict(closed), "rate": asdict(steady), "cpu_ms": closed.cpu_ms_per_message}
    with backend.database("minimal_plain") as url, servers.minimal(url, log, loop="asyncio", http="h11") as s:
        plain = servers.load(s, msgs.path, mode="closed", seconds=plan.seconds, concurrency=plan.concurrency)
    found["minimal_plain"] = {"closed": asdict(plain), "cpu_ms": plain.cpu_ms_per_message}
    return found


@dataclass(frozen=True)
class Mode:
    """One way to run ``samband serve``: its worker processes and settings."""

    label: str
    workers: int | None = None
    env: tuple[tuple[str, str], ...] = ()
    latency: bool = True  # also the pause and the steady-rate run after the closed loop


IN_WORKERS = ("SAMBAND_PROCESS_IN_WORKERS", "true")
ONE_BY_ONE = (("SAMBAND_GROUP_COMMIT", "false"), ("SAMBAND_WORKER_NICE", "0"))
MODES = (
    Mode("serve"),
    Mode("serve --workers 1, processed in workers, one commit each", 1, (IN_WORKERS, *ONE_BY_ONE)),
    Mode("serve --workers 1, processed in workers, group commit", 1, (IN_WORKERS,)),
    Mode("the same, backlog bound 300", 1, (IN_WORKERS, ("SAMBAND_MAX_BACKLOG", "300")), latency=False),
    Mode("serve --workers 2, processed in workers, group commit", 2, (IN_WORKERS,)),
)
"""Group commit and workers at a lower priority (``SAMBAND_WORKER_NICE``) are the defaults; the
"one commit each" mode turns both off, so the run shows what they bring."""


def gateway(backend: Backend, plan: Plan, msgs: Messages, log: Path, mode: Mode) -> dict[str, Any]:
    """``samband serve`` under a closed-loop load (accepted; delivered meanwhile; backlog sampled), a
    pause for the worker to catch up, then the steady rate (latency)."""
    from bench.stores import engine_for

    found: dict[str, Any] = {"mode": mode.label}
    common: dict[str, Any] = {"patients": msgs.patients, "placeholder": PATIENT}
    with (
        backend.database("gateway") as url,
        servers.samband(url, log, workers=mode.workers, **dict(mode.env)) as server,
    ):
        engine = engine_for(url)
        before = servers.delivered_of(engine)
        commits = servers.commits_of(server)
        run = servers.load(
            server, msgs.path, mode="closed", seconds=plan.sustained, concurrency=plan.concurrency,
            backlog=engine, **common,
        )  # fmt: skip
        delivered = servers.delivered_of(engine) - before
        done, stored = (after - was for after, was in zip(servers.commits_of(server), commits, strict=True))
        found["per_commit"] = stored / done if done else None
        found["closed"] = asdict(run)
        found["delivered_rate"] = delivered / (plan.sustained + 1.0)  # the load's warm-up second included
        found["cpu_ms"] = run.cpu_ms_per_message
        warm = servers.warm_rss(run.samples, plan.sustained)
        found["rss_mb"] = {"start": run.rss_before_mb, "warm": warm, "end": run.rss_after_mb}
        found["messages_sent"] = run.result["answered"]
        found["backlog_max"] = max((n for _t, n, _mb in run.samples), default=0)
        if mode.latency:
            found["drain"] = drain(engine, timeout=max(10.0, plan.seconds * 2))
            steady = servers.load(
                server, msgs.path, mode="rate", seconds=plan.seconds, rate=plan.rate, **common
            )
            found["rate"] = asdict(steady)
            found["rss_mb"]["end"] = steady.rss_after_mb
            found["messages_sent"] += steady.result["answered"]
        engine.dispose()
    return found


def drain(engine: Any, timeout: float) -> dict[str, Any]:
    """Wait (up to ``timeout``) for the backlog to empty with no load: how fast the worker alone goes."""
    start_backlog = servers.backlog_of(engine)
    started = time.monotonic()
    left = start_backlog
    while left and time.monotonic() - started < timeout:
        time.sleep(1.0)
        left = servers.backlog_of(engine)
    spent = time.monotonic() - started
    return {"backlog": start_backlog, "left": left, "seconds": spent, "rate": (start_backlog - left) / spent}


def history(backend: Backend, plan: Plan, msgs: Messages, log: Path) -> dict[str, Any]:
    found: dict[str, Any] = {}
    few, many = plan.history
    with backend.database("history") as url:
        h = History(url, msgs.body)
        try:
            h.receive(min(100, few // 2))  # real history first: resources with versions
            h.deliver_all()
            h.grow_to(few)
            found["few"] = h.delivery_cost(batch=50 if plan.name != "smoke" else 10)
            h.grow_to(many)
            found["many"] = h.delivery_cost(batch=50 if plan.name != "smoke" else 10)
            keys = h.grow_to(plan.searched)
        finally:
            h.close()
        with servers.samband(url, log, SAMBAND_WORKER_ENABLED="false") as server:
            found["search"] = search_times(server.url, servers.KEY, keys)
            found["search_stored"] = plan.searched
    return found


def run_backend(
    backend: Backend, plan: Plan, msgs: Messages, log: Path, modes: tuple[Mode, ...], with_history: bool
) -> dict[str, Any]:
    sys.stderr.write(f"[{backend.name}] yardsticks …\n")
    found = yardstick_endpoint(backend, plan, msgs, log)
    found["gateway"] = []
    for mode in modes:
        sys.stderr.write(f"[{backend.name}] samband {mode.label} …\n")
        found["gateway"].append(gateway(backend, plan, msgs, log, mode))
    if with_history:
        sys.stderr.write(f"[{backend.name}] history and search …\n")
        found["history"] = history(backend, plan, msgs, log)
    return found


def commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, cwd=ROOT, check=False)
    return done.stdout.decode().strip() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", dest="plan", action="store_const", const="quick", help="the default")
    size.add_argument("--full", dest="plan", action="store_const", const="full", help="5 min sustained, 1M")
    size.add_argument("--smoke", dest="plan", action="store_const", const="smoke", help="seconds: CI")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument(
        "--mode", action="append", metavar="TEXT", help="only the modes of serve whose label has TEXT"
    )
    parser.add_argument("--no-history", action="store_true", help="no delivery-cost, search lines")
    args = parser.parse_args()
    modes = tuple(m for m in MODES if not args.mode or any(t in m.label for t in args.mode))
    plan = PLANS[args.plan or "quick"]
    logging.disable(logging.INFO)
    xsd = ROOT.parent / "shared" / "reference" / "xsd"
    if "SAMBAND_XSD_DIR" not in os.environ and xsd.is_dir():
        os.environ["SAMBAND_XSD_DIR"] = str(xsd)
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="samband-bench-") as tmp:
        folder = Path(tmp)
        msgs = Messages(folder, plan.patients)
        log = folder / "servers.log"
        translate = translate_rates(msgs.template, seconds=min(plan.seconds, 3.0))
        backends = []
        if args.backend in ("sqlite", "both"):
            backends.append(Backend("sqlite", folder))
        pg = postgres_base() if args.backend in ("postgresql", "both") else None
        if pg:
            backends.append(Backend("postgresql", folder, pg))
        elif args.backend != "sqlite":
            sys.stderr.write("PostgreSQL does not answer: measuring SQLite only\n")
        results = {b.name: run_backend(b, plan, msgs, log, modes, not args.no_history) for b in backends}
    lines = [
        line for name, found in results.items() for line in lines_for(name, found, translate, asdict(plan))
    ]
    sys.stdout.write(report(lines))
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"{started:%Y%m%dT%H%M%SZ}.json"
    document = {
        "commit": commit(),
        "started": started.isoformat(),
        "plan": asdict(plan),
        "load": os.getloadavg(),
        "translate": translate,
        "results": results,
        "lines": [asdict(line) for line in lines],
    }
    out.write_text(json.dumps(document, indent=1, default=str))
    sys.stdout.write(f"\nresults: {out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
