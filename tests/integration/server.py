"""The real app served by uvicorn on a free loopback port, in a thread, with an httpx client for it;
or the real ``samband serve`` as a subprocess (``serve``)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from samband.gateway.runtime import Services


class LiveServer:
    def __init__(self, app: FastAPI) -> None:
        self.app = app
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.client = httpx.Client(timeout=30)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 60  # start-up on a loaded machine
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.client.base_url = httpx.URL(f"http://127.0.0.1:{port}")

    def stop(self) -> None:
        self.client.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)
        services: Services = self.app.state.services
        services.engine.dispose()


def free_port() -> int:
    """A port nothing listens on now (loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(port: int, env: dict[str, str], log: Path, *options: str) -> subprocess.Popen[bytes]:
    """The real ``samband serve`` (with ``options``) as a subprocess on ``port``, once its
    ``/healthz`` answers 200."""
    process = start_serve(port, env, log, *options)
    wait_healthy(port, process, log)
    return process


def start_serve(port: int, env: dict[str, str], log: Path, *options: str) -> subprocess.Popen[bytes]:
    """``samband serve`` (with ``options``) started on ``port`` (not yet answering: ``wait_healthy``)."""
    command = [
        sys.executable,
        "-c",
        "from samband.gateway.cli.main import main; main()",
        "serve",
        "--port",
        str(port),
        *options,
    ]
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_healthy(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until ``/healthz`` on ``port`` answers 200; the process is killed if it never does."""
    deadline = time.monotonic() + 90  # start-up on a loaded machine; not a performance check
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"samband serve did not start:\n{log.read_text()}")
