"""FHIR search at a million stored resources on PostgreSQL, beside a full-scan yardstick.

Fills a database of its own in bulk on the server (``INSERT … SELECT`` over ``generate_series``, not
through the API): ``--patients`` Patients, each with ``--plans`` CarePlans (one active, the rest
revoked), and their ``fhir_index`` rows — the rows ``gateway/store/fhir_index.py`` writes for them,
checked on a sample. Secondary indexes are dropped while filling and built again after.

Then it times the real search code (``gateway/store/fhir_search.py``, the count and the page) for
``CarePlan?patient=<FNR>``, ``CarePlan?subject=Patient/<id>&status=active`` and
``Patient?identifier=<system>|<FNR>``, and the same searches with PostgreSQL's index scans switched off
(the full-scan yardstick), plus a sequential scan of the JSON for the same plans.

    python bench/fhir_search.py                  # 100,000 patients × 9 plans: 1,000,000 resources
    python bench/fhir_search.py --patients 2000  # seconds: a smoke run

Not part of the test suite; the numbers go in the closing note. Writes var/bench/fhir-search.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stores import Backend, engine_for, postgres_base  # noqa: E402
from samband.gateway.api.fhir_query import parse  # noqa: E402
from samband.gateway.store import fhir_search  # noqa: E402
from samband.gateway.store.db import run_migrations  # noqa: E402
from samband.gateway.store.fhir_index import index_rows  # noqa: E402

FNR = "urn:oid:2.16.578.1.12.4.1.4.1"
STATUS = "CASE WHEN j = 1 THEN 'active' ELSE 'revoked' END"
FILL = [
    """INSERT INTO fhir_resources (resource_type, resource_id, version, patient, current, body, updated_at)
    SELECT 'Patient', 'p' || i, 1, 'p' || i, true,
      json_build_object('resourceType', 'Patient', 'id', 'p' || i,
        'identifier', json_build_array(
          json_build_object('system', CAST(:fnr AS text), 'value', lpad(i::text, 11, '0')))),
      timestamp '2020-01-01' + (i % 2000) * interval '1 day'
    FROM generate_series(1, :patients) AS i""",
    f"""INSERT INTO fhir_resources (resource_type, resource_id, version, patient, current, body, updated_at)
    SELECT 'CarePlan', 'c' || i || '-' || j, 1, 'p' || i, true,
      json_build_object('resourceType', 'CarePlan', 'id', 'c' || i || '-' || j, 'status', {STATUS},
        'intent', 'plan', 'subject', json_build_object('reference', 'Patient/p' || i)),
      timestamp '2020-01-01' + ((i + j) % 2000) * interval '1 day'
    FROM generate_series(1, :patients) AS i, generate_series(1, :plans) AS j""",
    """INSERT INTO fhir_index (resource_type, resource_id, version, param, system, value)
    SELECT 'Patient', 'p' || i, 1, 'identifier', CAST(:fnr AS text), lpad(i::text, 11, '0')
    FROM generate_series(1, :patients) AS i""",
    f"""INSERT INTO fhir_index (resource_type, resource_id, version, param, system, value)
    SELECT 'CarePlan', 'c' || i || '-' || j, 1, param,
      NULL, CASE param WHEN 'status' THEN {STATUS} WHEN 'intent' THEN 'plan' ELSE 'Patient/p' || i END
    FROM generate_series(1, :patients) AS i, generate_series(1, :plans) AS j,
      (VALUES ('subject'), ('patient'), ('status'), ('intent')) AS params(param)""",
]
"""The bulk fill: the same rows the store writes (``index_rows``), made on the server."""
SECONDARY = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('fhir_resources', 'fhir_index') "
SECONDARY += "AND indexname NOT LIKE 'pk_%'"
NO_INDEX = ("SET LOCAL enable_indexscan = off", "SET LOCAL enable_bitmapscan = off",
            "SET LOCAL enable_indexonlyscan = off")  # fmt: skip
JSON_SCAN = text(
    "SELECT count(*) FROM fhir_resources WHERE resource_type = 'CarePlan' AND current "
    "AND (body::jsonb -> 'subject' ->> 'reference') = :ref"
)


def fill(engine: Engine, patients: int, plans: int) -> float:
    """The bulk fill with secondary indexes dropped and built again; returns its seconds."""
    started = time.perf_counter()
    with engine.begin() as conn:
        indexes = conn.execute(text(SECONDARY)).all()
        for name, _definition in indexes:
            conn.execute(text(f'DROP INDEX "{name}"'))
        for statement in FILL:
            conn.execute(text(statement), {"fnr": FNR, "patients": patients, "plans": plans})
        for _name, definition in indexes:
            conn.execute(text(definition))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE fhir_resources"))
        conn.execute(text("VACUUM ANALYZE fhir_index"))
    return time.perf_counter() - started


def check_rows_match_the_store(conn: Connection) -> None:
    """The bulk rows of one Patient and one CarePlan are exactly those the store writes."""
    for rtype, rid in (("Patient", "p1"), ("CarePlan", "c1-1")):
        body = conn.execute(
            text("SELECT body FROM fhir_resources WHERE resource_type = :t AND resource_id = :i"),
            {"t": rtype, "i": rid},
        ).scalar_one()
        made = conn.execute(
            text("SELECT param, system, value FROM fhir_index WHERE resource_type = :t AND resource_id = :i"),
            {"t": rtype, "i": rid},
        ).all()
        wanted = {(r["param"], r["system"], r["value"]) for r in index_rows(dict(body), 1)}
        assert {tuple(r) for r in made} == wanted, f"bulk rows of {rtype}/{rid} differ from the store's"


def timed(conn: Connection, rtype: str, items: list[tuple[str, str]], forced_scan: bool) -> float:
    """Milliseconds for one search (count and page) through the store's search code."""
    with conn.begin():
        for statement in NO_INDEX if forced_scan else ():
            conn.execute(text(statement))
        started = time.perf_counter()
        found = fhir_search.search(conn, parse(rtype, items, lenient=False).query)
        elapsed = (time.perf_counter() - started) * 1000
    assert found.matches, (rtype, items)
    return elapsed


def measure(engine: Engine, patients: int, samples: int, scans: int) -> dict[str, Any]:
    chosen = random.Random(7).sample(range(1, patients + 1), samples)
    cases: dict[str, Callable[[int], tuple[str, list[tuple[str, str]]]]] = {
        "CarePlan?patient=<FNR>": lambda i: ("CarePlan", [("patient", f"{i:011d}")]),
        "CarePlan?subject=Patient/<id>&status=active": lambda i: (
            "CarePlan", [("subject", f"Patient/p{i}"), ("status", "active")]),
        "Patient?identifier=<system>|<FNR>": lambda i: ("Patient", [("identifier", f"{FNR}|{i:011d}")]),
    }  # fmt: skip
    results: dict[str, Any] = {}
    with engine.connect() as conn, engine.connect() as scan:
        # psycopg prepares a statement run often, and a prepared plan ignores enable_indexscan
        scan.connection.driver_connection.prepare_threshold = None  # type: ignore[union-attr]
        check_rows_match_the_store(conn)
        conn.commit()
        for name, case in cases.items():
            scanned = [timed(scan, *case(i), forced_scan=True) for i in chosen[:scans]]
            indexed = [timed(conn, *case(i), forced_scan=False) for i in chosen]
            results[name] = {"indexed_ms": _stats(indexed), "full_scan_ms": _stats(scanned)}
        json_scan = []
        for i in chosen[:scans]:
            started = time.perf_counter()
            scan.execute(JSON_SCAN, {"ref": f"Patient/p{i}"}).scalar_one()
            json_scan.append((time.perf_counter() - started) * 1000)
        scan.commit()
        results["JSON scan of CarePlan.subject"] = {"full_scan_ms": _stats(json_scan)}
    return results


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 2),
        "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
        "n": len(ordered),
    }


def report(results: dict[str, Any], resources: int, index_rows_count: int, seconds: float) -> str:
    lines = [f"FHIR search on PostgreSQL: {resources:,} resources, {index_rows_count:,} index rows "
             f"(filled in {seconds:.0f} s)", ""]  # fmt: skip
    for name, found in results.items():
        scan = found["full_scan_ms"]
        if "indexed_ms" not in found:
            lines.append(f"  {name:48} {'':>24}   yardstick {scan['median']:9.1f} ms")
            continue
        indexed = found["indexed_ms"]
        ratio = scan["median"] / indexed["median"] if indexed["median"] else float("inf")
        lines.append(
            f"  {name:48} median {indexed['median']:6.2f} ms p95 {indexed['p95']:6.2f} ms"
            f"   full scan {scan['median']:9.1f} ms   {ratio:8.0f}× faster"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--plans", type=int, default=9, help="CarePlans per patient")
    parser.add_argument("--samples", type=int, default=50, help="searches timed with the index")
    parser.add_argument("--scans", type=int, default=3, help="searches timed without it")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "fhir-search.json")
    args = parser.parse_args()
    base = postgres_base()
    if base is None:
        print("no PostgreSQL answers (SAMBAND_TEST_POSTGRES_URL): nothing measured")  # noqa: T201
        return 1
    with Backend("postgresql", args.out.parent, base).database("fhir_search") as url:
        engine = engine_for(url)
        run_migrations(engine)
        seconds = fill(engine, args.patients, args.plans)
        with engine.connect() as conn:
            resources = conn.execute(text("SELECT count(*) FROM fhir_resources")).scalar_one()
            rows = conn.execute(text("SELECT count(*) FROM fhir_index")).scalar_one()
        results = measure(engine, args.patients, args.samples, args.scans)
        engine.dispose()
    print(report(results, resources, rows, seconds))  # noqa: T201
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"resources": resources, "index_rows": rows, "fill_seconds": seconds,
                                    "searches": results}, indent=2))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
