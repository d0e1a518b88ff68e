"""The store failing in the middle of processing is transient: the message stays ``received`` (never
``failed``), the sender is told to try again, and a worker takes it over once its claim runs out.

The connection is really broken, at a real statement: on PostgreSQL its backend is terminated
(``pg_terminate_backend``), on SQLite its DBAPI connection is closed, right before the statement
that queues the delivery runs (a SQLAlchemy ``before_cursor_execute`` listener on the gateway's
engine, the public event API; no code of the gateway is replaced).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy
from sqlalchemy import Engine, event, text

from tests.integration.conftest import GatewayFactory
from tests.integration.messages import FHIR_STORE_ROUTES, hodemelding

GRACE = 5.0


@contextmanager
def connection_dies_before(engine: Engine, statement: str) -> Iterator[list[str]]:
    """Break the connection that is about to run the first statement starting with ``statement``
    (once); yields the list the broken statement is recorded in."""
    broken: list[str] = []
    admin = sqlalchemy.create_engine(engine.url) if engine.dialect.name == "postgresql" else None

    def before(conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        if broken or not sql.lstrip().upper().startswith(statement):
            return
        broken.append(sql)
        dbapi = conn.connection.dbapi_connection
        if admin is None:
            dbapi.close()
            return
        pid = dbapi.info.backend_pid
        with admin.begin() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # gone before the statement is sent
            with admin.begin() as other:
                alive = other.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
                ).scalar()
            if not alive:
                break
            time.sleep(0.02)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield broken
    finally:
        event.remove(engine, "before_cursor_execute", before)
        if admin is not None:
            admin.dispose()


def test_a_connection_lost_mid_processing_leaves_the_message_for_the_take_over(
    database_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(database_url, FHIR_STORE_ROUTES, processing_grace_seconds=GRACE)
    with connection_dies_before(gw.services.engine, "INSERT INTO DELIVERIES") as broken:
        answer = gw.post(hodemelding())
    assert broken, "the connection was broken under the processing"
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"]
    [error] = answer.json()["errors"]
    assert error["code"] == "store.unavailable"
    mid = answer.json()["id"]
    stored = gw.get(f"/messages/{mid}")
    assert stored["status"] == "received" and stored["error"] is None
    assert "failed" not in gw.events(mid)

    assert gw.drain() == 0, "not taken over while its claim holds"
    gw.clock.advance(GRACE + 1)
    gw.drain()
    done = gw.get(f"/messages/{mid}")
    assert done["status"] == "delivered", done
    assert len(done["deliveries"]) == 1, "the broken transaction left nothing behind"
    assert gw.events(mid).count("routed") == 1
