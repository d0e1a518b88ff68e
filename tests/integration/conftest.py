"""Integration fixtures: a real store (SQLite file or a PostgreSQL schema of its own), real loopback
HTTP receivers, the real app behind a TestClient, a worker driven pass by pass on a controllable clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy

from samband.gateway.app import create_app
from samband.gateway.delivery.worker import DeliveryWorker
from samband.gateway.runtime import Services
from samband.gateway.settings import Settings
from tests.integration.receiver import Receiver
from tests.integration.server import LiveServer

API_KEY = "integration-key"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
XML_HEADERS = {**AUTH, "Content-Type": "application/xml"}


class Clock:
    """A clock the test moves: retry schedules and AppRec timeouts without sleeping."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def pg_schema_url(base_url: str) -> Iterator[str]:
    """A fresh schema on the PostgreSQL server, dropped afterwards; the URL puts it first on the path."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sqlalchemy.create_engine(base_url)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each store test runs on a real SQLite file and on real PostgreSQL (skipped when none answers)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'samband.db'}"
        return
    base = request.getfixturevalue("pg_url")
    yield from pg_schema_url(base)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'samband.db'}"


@pytest.fixture
def receivers() -> Iterator[Callable[[], Receiver]]:
    started: list[Receiver] = []

    def start() -> Receiver:
        receiver = Receiver()
        receiver.start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


@dataclass
class Gateway:
    """The running app, its services, a worker and the clock, as one handle for a test."""

    client: httpx.Client
    services: Services
    worker: DeliveryWorker
    clock: Clock

    def post(self, raw: bytes, path: str = "/messages") -> Any:
        return self.client.post(path, content=raw, headers=XML_HEADERS)

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, headers=AUTH, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def drain(self, passes: int = 50) -> int:
        """Run worker passes until one finds nothing due; returns how much was done."""
        total = 0
        for _ in range(passes):
            done = self.worker.run_once()
            total += done
            if not done:
                return total
        raise AssertionError("the worker never ran out of work")

    def events(self, message_id: str) -> list[str]:
        return [e["kind"] for e in self.get(f"/messages/{message_id}/events")["events"]]


GatewayFactory = Callable[..., Gateway]


@pytest.fixture
def gateway_factory(tmp_path: Path) -> Iterator[GatewayFactory]:
    servers: list[LiveServer] = []

    def make(database_url: str, routes_yaml: str | None = None, **overrides: Any) -> Gateway:
        routes_path = None
        if routes_yaml is not None:
            routes_path = tmp_path / f"routes-{len(servers)}.yaml"
            routes_path.write_text(routes_yaml, encoding="utf-8")
        settings = Settings(
            database_url=database_url,
            routes=routes_path,
            dev_api_key=API_KEY,
            worker_enabled=False,
            her_id="8140000",
            **overrides,
        )
        app = create_app(settings)
        clock = Clock()
        services: Services = app.state.services
        services.now = clock
        server = LiveServer(app)
        server.start()
        servers.append(server)
        return Gateway(server.client, services, DeliveryWorker(services, name="test-worker"), clock)

    yield make
    for server in servers:
        server.stop()
