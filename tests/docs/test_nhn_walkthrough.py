"""docs/nhn.md's walk-through on one machine, run as written: the page's commands, its route file
and its receiver script, in a working folder laid out like a checkout (``.venv`` the running
environment, ``tests`` the repository's, its own ``var/``). The one substitution, as the page says:
ports 8090 and 8080 become free ones (every ``8090`` replaced; ``--port`` added to ``samband
serve``, whose default is 8080). The local message service needs NHN's definition (skipped without)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from samband.integrations.nhn_msh.local.spec import find_definition
from samband.kernel.errors import ConfigurationError
from tests.integration.server import free_port

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "nhn.md").read_text(encoding="utf-8")
START = DOC.index("## Walk-through on one machine")
WALK = DOC[START : DOC.index("\n## ", START + 1)]
BLOCKS = [m.group(2) for m in re.finditer(r"```(\w*)\n(.*?)```", WALK, re.S)]
T = TypeVar("T")


def dedent(block: str) -> str:
    lines = block.splitlines()
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(line[indent:] for line in lines) + "\n"


def wait_for(what: str, probe: Callable[[], T | None], seconds: float = 60) -> T:
    """The first truthy answer of ``probe`` (a wait, not a speed check)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"no {what} within {seconds} s")


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    try:
        find_definition()
    except ConfigurationError as exc:
        pytest.skip(f"NHN's API definition is not available: {exc}")
    folder = tmp_path / "samband"
    folder.mkdir()
    (folder / ".venv").symlink_to(Path(sys.prefix))
    (folder / "tests").symlink_to(ROOT / "tests")
    (folder / "var").mkdir()
    return folder


@pytest.fixture
def started(checkout: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def test_the_walk_through_works_as_written(checkout: Path, started: list[subprocess.Popen[bytes]]) -> None:
    service, gateway = free_port(), free_port()

    def ported(text: str) -> str:
        return text.replace("8090", str(service)).replace("8080", str(gateway))

    def shell(command: str, log: str) -> subprocess.Popen[bytes]:
        with (checkout / "var" / log).open("wb") as out:  # the child keeps its own descriptor
            process = subprocess.Popen(
                ["bash", "-c", command],
                cwd=checkout,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(process)
        return process

    def run(command: str) -> str:
        done = subprocess.run(
            ["bash", "-c", command], cwd=checkout, capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    dev, routes, serve, post, receiver, events = (dedent(block) for block in BLOCKS)
    service_log = checkout / "var" / "nhn-msh.log"
    shell(ported(dev), "nhn-msh.log")  # 1.
    wait_for("the service's settings", lambda: re.search(r"scope +nhn:msh/api", service_log.read_text()))
    printed = re.sub(r" +", " ", service_log.read_text())  # aligned in columns
    assert f"base_url http://127.0.0.1:{service}" in printed and "client_id samband-dev" in printed
    assert (checkout / "var" / "nhn-msh" / "samband-dev.jwk").is_file()

    (checkout / "var" / "nhn-routes.yaml").write_text(ported(routes), encoding="utf-8")  # 2.
    assert serve.rstrip().endswith("samband serve")
    server = shell(serve.rstrip() + f" --port {gateway}", "serve.log")

    def healthy() -> bool:
        assert server.poll() is None, (checkout / "var" / "serve.log").read_text()
        try:
            return httpx.get(f"http://127.0.0.1:{gateway}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    wait_for("the gateway", healthy, 90)

    answer = json.loads(run(ported(post)))  # 3.
    assert answer["status"] == "routed", answer
    headers = {"Authorization": "Bearer dev-key"}

    def message(mid: str) -> Any:
        return httpx.get(f"http://127.0.0.1:{gateway}/messages/{mid}", headers=headers, timeout=30).json()

    [delivery] = wait_for(
        "the delivery's remote_id",
        lambda: [d for d in message(answer["id"])["deliveries"] if d.get("remote_id")],
    )

    (checkout / "var" / "receiver.py").write_text(ported(receiver), encoding="utf-8")  # 4.
    read = run(".venv/bin/python var/receiver.py")
    sender, msg_id = read.split()
    assert sender == "8800003" and msg_id == message(delivery["message_id"])["msg_id"]

    sent = delivery["message_id"]  # 5.
    wait_for("the AppRec", lambda: message(sent)["apprec_received"], 60)
    assert message(sent)["status"] == "accepted"
    shown = json.loads(run(ported(events).replace("<id>", sent)))
    kinds = [event["kind"] for event in shown["events"]]
    assert "apprec.received" in kinds, kinds
    source_kinds = [
        e["kind"] for e in json.loads(run(ported(events).replace("<id>", answer["id"])))["events"]
    ]
    assert "delivery.remote-status" in source_kinds, source_kinds
