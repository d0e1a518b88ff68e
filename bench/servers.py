"""The processes of a benchmark run: ``samband serve`` and the yardstick endpoint as subprocesses on
free loopback ports, the load client (``bench/load.py``) as another, and what the run reads from the
server process while it works (processor time, resident memory) and from the store (the backlog).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, text

from tests.integration.server import free_port

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
KEY = "bench-key"
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str

    def cpu_seconds(self) -> float:
        """User + system processor time the server process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def rss_mb(self) -> float:
        """Resident memory of the server and of the worker processes it started (``--workers N``)."""
        return sum(_rss_mb(pid) for pid in (self.process.pid, *_children(self.process.pid)))


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:  # gone meanwhile
        pass
    return 0.0


def _children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent:
            found.append(int(stat.parent.name))
    return found


def environment(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SAMBAND_ROUTES"}  # the default route: fhir-store
    env.update(
        PYTHONPATH=str(ROOT),
        SAMBAND_DATABASE_URL=database_url,
        SAMBAND_DEV_API_KEY=KEY,
        **extra,
    )
    return env


@contextmanager
def running(
    command: list[str], env: dict[str, str], port: int, log: Path, workers: int = 0
) -> Iterator[Server]:
    """The server in ``command`` until the block ends (SIGTERM, then SIGKILL after 15 s); with
    ``workers``, once that many worker processes said they started (so the load meets them)."""
    seen = _started(log)
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[1:3]} did not start:\n{log.read_text()[-3000:]}")
            try:
                up = httpx.get(f"{url}/healthz", timeout=2).status_code == 200
                if up and _started(log) - seen >= workers:
                    break
                time.sleep(0.2)
            except httpx.TransportError:
                time.sleep(0.2)
        yield Server(process, url)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _started(log: Path) -> int:
    return log.read_text(errors="replace").count("delivery worker ") if log.exists() else 0


def samband(database_url: str, log: Path, *, workers: int | None = None, **env: str) -> Any:
    port = free_port()
    command = [sys.executable, "-c", "from samband.gateway.cli.main import main; main()", "serve"]
    command += ["--port", str(port)]
    if workers is not None:
        command += ["--workers", str(workers)]
    return running(command, environment(database_url, **env), port, log, workers or 0)


def minimal(database_url: str, log: Path, *, loop: str = "auto", http: str = "auto") -> Any:
    port = free_port()
    command = [sys.executable, str(BENCH / "minimal.py"), "--database-url", database_url]
    command += ["--port", str(port), "--loop", loop, "--http", http]
    return running(command, environment(database_url), port, log)


@dataclass
class Load:
    """One run of the load client: its summary, and the server's processor time and memory around it."""

    result: dict[str, Any]
    cpu_seconds: float
    rss_before_mb: float
    rss_after_mb: float
    samples: list[tuple[float, int, float]] = field(default_factory=list)  # (seconds in, backlog, MB)

    @property
    def cpu_ms_per_message(self) -> float | None:
        accepted = self.result["accepted"]
        return self.cpu_seconds * 1000 / accepted if accepted else None


def load(
    server: Server,
    body: Path,
    *,
    mode: str,
    seconds: float,
    concurrency: int = 16,
    rate: float = 200.0,
    patients: list[str] | None = None,
    placeholder: str = "",
    backlog: Engine | None = None,
) -> Load:
    """Run the load client against ``server`` and wait for its summary (sampling the backlog meanwhile)."""
    command = [sys.executable, str(BENCH / "load.py"), "--url", f"{server.url}/messages"]
    command += ["--body", str(body), "--key", KEY, "--mode", mode, "--seconds", str(seconds)]
    command += ["--concurrency", str(concurrency), "--rate", str(rate)]
    command += ["--patients", ",".join(patients or []), "--placeholder", placeholder]
    cpu, rss = server.cpu_seconds(), server.rss_mb()
    samples: list[tuple[float, int, float]] = []
    stop = threading.Event()
    sampler = threading.Thread(target=_sample, args=(backlog, server, samples, stop), daemon=True)
    if backlog is not None:
        sampler.start()
    done = subprocess.run(command, capture_output=True, check=True, cwd=ROOT, timeout=seconds + 300)
    stop.set()
    if backlog is not None:
        sampler.join()
    result = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return Load(result, server.cpu_seconds() - cpu, rss, server.rss_mb(), samples)


def _sample(
    engine: Engine, server: Server, samples: list[tuple[float, int, float]], stop: threading.Event
) -> None:
    started = time.monotonic()
    while not stop.is_set():
        samples.append((time.monotonic() - started, backlog_of(engine), server.rss_mb()))
        stop.wait(2.0)


def warm_rss(samples: list[tuple[float, int, float]], seconds: float) -> float | None:
    """Resident memory once a quarter of the run is over: caches filled, schemas compiled, pools open."""
    later = [mb for at, _backlog, mb in samples if at >= seconds / 4]
    return later[0] if later else None


BACKLOG = text(
    "SELECT (SELECT count(*) FROM deliveries WHERE status = 'pending')"
    " + (SELECT count(*) FROM messages WHERE status = 'received' AND direction = 'inbound')"
)
DELIVERED = text("SELECT count(*) FROM deliveries WHERE status = 'delivered'")


def commits_of(server: Server) -> tuple[float, float]:
    """(group commits, messages they stored) so far, from the server's ``/metrics``."""
    answer = httpx.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {KEY}"}, timeout=10)
    found = {"samband_store_group_commits_total": 0.0, "samband_store_group_committed_messages_total": 0.0}
    for line in answer.text.splitlines():
        name, _, value = line.partition(" ")
        if name in found:
            found[name] = float(value)
    return found["samband_store_group_commits_total"], found["samband_store_group_committed_messages_total"]


def backlog_of(engine: Engine) -> int:
    """Work accepted and not yet done: deliveries waiting, and messages stored but not processed."""
    with engine.connect() as conn:
        return int(conn.execute(BACKLOG).scalar_one())


def delivered_of(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(DELIVERED).scalar_one())
