"""The benchmark's databases: a SQLite file in a temporary folder, and on PostgreSQL a database of its
own that it creates and drops (never the tables the tests use); the commit-rate yardstick; bulk history.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, make_url, text

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class Backend:
    name: str  # sqlite | postgresql
    folder: Path
    postgres_base: str | None = None

    @contextmanager
    def database(self, label: str) -> Iterator[str]:
        """A fresh, empty database for one part of the run; gone afterwards."""
        if self.postgres_base is None:
            path = self.folder / f"{label}.db"
            yield f"sqlite:///{path}"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            return
        yield from _postgres_database(self.postgres_base, f"samband_bench_{label}_{os.getpid()}")


def postgres_base() -> str | None:
    """The PostgreSQL server to measure (``SAMBAND_TEST_POSTGRES_URL`` or the local default) when it
    answers, else None."""
    url = os.environ.get("SAMBAND_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        return None
    finally:
        engine.dispose()
    return url


def _postgres_database(base: str, name: str) -> Iterator[str]:
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def engine_for(url: str) -> Engine:
    from samband.gateway.store.db import make_engine

    return make_engine(url)


INSERT = text("INSERT INTO bench_commit VALUES (:i, :r)")


def commit_rate(url: str, concurrency: int, seconds: float) -> dict[str, float]:
    """The database's own rate of one-row commits (an INSERT, a COMMIT), from ``concurrency`` threads
    each with its own connection: what the store could do if nothing else took time."""
    engine = engine_for(url)
    blob = "BYTEA" if engine.dialect.name == "postgresql" else "BLOB"
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE bench_commit (id VARCHAR(36) PRIMARY KEY, raw {blob})"))
    counts = [0] * concurrency
    deadline = time.perf_counter() + seconds
    raw = os.urandom(4096)

    def loop(slot: int) -> None:
        with engine.connect() as conn:
            while time.perf_counter() < deadline:
                conn.execute(
                    text("INSERT INTO bench_commit VALUES (:i, :r)"), {"i": str(uuid.uuid4()), "r": raw}
                )
                conn.commit()
                counts[slot] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    engine.dispose()
    return {"rate": sum(counts) / elapsed, "concurrency": concurrency}


def fill_messages(engine: Engine, total: int, patients: int, chunk: int = 5000) -> dict[str, Any]:
    """Bulk history: ``total`` more message rows with every business key filled, spread over a year,
    ``patients`` patients (the first one's messages all the oldest), as few bytes each as can be.
    Returns keys that exist (to search for)."""
    from samband.gateway.store.tables import messages

    start = datetime.now(UTC) - timedelta(days=365)
    step = timedelta(days=365) / max(total, 1)
    old_patient = "bench-old-patient"
    rows: list[dict[str, Any]] = []
    keys: dict[str, Any] = {}
    for i in range(total):
        patient = old_patient if i < 50 else f"bench-patient-{i % patients}"
        at = start + step * i
        row: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "direction": "inbound" if i % 3 else "outbound",
            "kind": "message" if i % 3 else "translation",
            "format": "msghead",
            "content_type": "application/xml",
            "raw": b"<bench/>",
            "sha256": f"{i:064x}",
            "size": 8,
            "msg_id": str(uuid.uuid4()),
            "msg_type": ("PLO", "DIALOG_NOTAT", "APPREC", "HELSEOPPLYSNINGER_LEGE")[i % 4],
            "conversation_ref": f"bench-conversation-{i // 10}",
            "patient_id": patient,
            "sender_her": str(100000 + i % 50),
            "receiver_her": str(200000 + i % 50),
            "status": ("delivered", "routed", "rejected", "accepted")[i % 4],
            "received_at": at,
            "updated_at": at,
            "issues": [],
        }
        rows.append(row)
        if i == total // 2:
            keys = {
                "msg_id": row["msg_id"],
                "conversation_id": row["conversation_ref"],
                "patient": row["patient_id"],
                "sender_her": row["sender_her"],
                "receiver_her": row["receiver_her"],
                "type": row["msg_type"],
                "status": row["status"],
                "direction": row["direction"],
                "patient (all old)": old_patient,
            }
        if len(rows) >= chunk:
            with engine.begin() as conn:
                conn.execute(messages.insert(), rows)
            rows = []
    if rows:
        with engine.begin() as conn:
            conn.execute(messages.insert(), rows)
    analyze(engine)
    return keys


def analyze(engine: Engine) -> None:
    """What autovacuum would do soon after a bulk load: fresh planner statistics and, on PostgreSQL,
    the dead rows of the bulk updates cleared (a test server may run with autovacuum off)."""
    if engine.dialect.name != "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
