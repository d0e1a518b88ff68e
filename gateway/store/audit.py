"""The audit trail: who read which patient's data, replayed a message, switched a route or was refused.

Rows are appended and never changed: on both databases a trigger refuses ``UPDATE``, ``DELETE`` (and
on PostgreSQL ``TRUNCATE``) of ``audit`` and ``audit_patients``, whoever asks (``APPEND_ONLY``,
installed by migration 0005). A later migration that rebuilds one of these tables on SQLite (a batch
``ALTER``) drops its triggers with it and must install them again.

The patient is kept as the rest of the store keeps it: the national identity number (FNR/DNR) of
``messages.patient_id``, so the trail can answer "who saw this patient's data". The trail has no
foreign key to the messages: the message retention never prunes it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, or_, select

from samband.gateway.store.tables import audit, audit_patients

MAX_LIMIT = 500


class Action(StrEnum):
    """What an audit row records."""

    READ_RAW = "read-raw"  # GET /messages/{id}/raw
    READ_MESSAGE = "read-message"  # GET /messages/{id}
    READ_EVENTS = "read-events"  # GET /messages/{id}/events
    READ_APPREC = "read-apprec"  # GET /messages/{id}/apprec
    SEARCH = "search"  # GET /messages
    FHIR_READ = "fhir-read"  # GET /fhir/{type}/{id}
    FHIR_SEARCH = "fhir-search"  # GET /fhir/{type}
    TIMELINE = "timeline"  # GET /patients/{id}/timeline
    REPLAY = "replay"  # a replay stored (API or CLI), with where it goes
    REPLAY_REFUSED = "replay-refused"  # a replay to an endpoint outside the allow-list
    BULK_REPLAY = "bulk-replay"  # POST /messages/replay: one row for every message a search found
    TEST_MESSAGE = "test-message"  # POST /routes/{name}/test-message: a built-in example sent to a route
    ROUTE_HOLD = "route-hold"
    ROUTE_RELEASE = "route-release"
    LOGIN_REFUSED = "login-refused"  # 401/403 from the authentication
    READ_AUDIT = "read-audit"  # GET /audit


class AuditOutcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"


ROUTE_SWITCHES = (str(Action.ROUTE_HOLD), str(Action.ROUTE_RELEASE))

_REFUSE = "the audit trail is append-only"
APPEND_ONLY: dict[str, tuple[str, ...]] = {
    "postgresql": (
        "CREATE FUNCTION samband_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"RAISE EXCEPTION USING MESSAGE = '{_REFUSE}; ' || TG_OP || ' on ' || TG_TABLE_NAME || ' refused', "
        "ERRCODE = 'insufficient_privilege'; END $$",
        *(
            statement
            for table in ("audit", "audit_patients")
            for statement in (
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION samband_audit_append_only()",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION samband_audit_append_only()",
            )
        ),
    ),
    "sqlite": tuple(
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}; {op} on {table} refused'); END"
        for table in ("audit", "audit_patients")
        for op in ("UPDATE", "DELETE")
    ),
}
"""The statements that make the audit tables append-only, per database dialect."""

DROP_APPEND_ONLY: dict[str, tuple[str, ...]] = {
    "postgresql": ("DROP FUNCTION samband_audit_append_only() CASCADE",),
    "sqlite": tuple(
        f"DROP TRIGGER {table}_no_{op}"
        for table in ("audit", "audit_patients")
        for op in ("update", "delete")
    ),
}


@dataclass(frozen=True)
class Entry:
    """What one audit row says beside who and when: the action, its target, the patient (or, for a
    search, every patient it showed), the outcome and the detail."""

    action: Action
    target: str | None = None
    patient: str | None = None
    patients: Collection[str] = ()
    outcome: AuditOutcome = AuditOutcome.OK
    detail: dict[str, Any] | None = None


def add(conn: Connection, at: datetime, actor: str, client_id: str | None, entry: Entry) -> int:
    """Append one row (and one ``audit_patients`` row per distinct patient of the entry); its id."""
    values = {
        "at": at,
        "actor": actor[:200],
        "client_id": client_id[:200] if client_id else None,
        "action": str(entry.action),
        "target": entry.target[:255] if entry.target else None,
        "patient": entry.patient[:100] if entry.patient else None,
        "outcome": str(entry.outcome),
        "detail": entry.detail or {},
    }
    row_id = int(conn.execute(audit.insert().values(**values).returning(audit.c.id)).scalar_one())
    distinct = sorted({p[:100] for p in entry.patients if p})
    if distinct:
        conn.execute(audit_patients.insert(), [{"audit_id": row_id, "patient": p} for p in distinct])
    return row_id


@dataclass(frozen=True)
class AuditQuery:
    """The filters of ``GET /audit``; each one given narrows the result."""

    patient: str | None = None
    actor: str | None = None
    action: str | None = None
    target: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    offset: int = 0


def _clauses(q: AuditQuery) -> list[ColumnElement[bool]]:
    c = audit.c
    clauses: list[ColumnElement[bool]] = []
    exact = {c.actor: q.actor, c.action: q.action, c.target: q.target}
    clauses.extend(column == value for column, value in exact.items() if value is not None)
    if q.patient is not None:
        listed = select(audit_patients.c.audit_id).where(audit_patients.c.patient == q.patient)
        clauses.append(or_(c.patient == q.patient, c.id.in_(listed)))
    if q.since is not None:
        clauses.append(c.at >= q.since)
    if q.until is not None:
        clauses.append(c.at < q.until)
    return clauses


def search(conn: Connection, q: AuditQuery) -> tuple[int, list[dict[str, Any]]]:
    """(total matching, one page of rows, newest first) for the query."""
    clauses = _clauses(q)
    total = conn.execute(select(func.count()).select_from(audit).where(*clauses)).scalar_one()
    page = (
        select(audit)
        .where(*clauses)
        .order_by(audit.c.at.desc(), audit.c.id.desc())
        .limit(min(max(q.limit, 1), MAX_LIMIT))
        .offset(max(q.offset, 0))
    )
    rows = list(conn.execute(page))
    listed = _patients_of(conn, [r.id for r in rows])
    return int(total), [_item(r, listed.get(r.id, [])) for r in rows]


def _patients_of(conn: Connection, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if not ids:
        return found
    query = (
        select(audit_patients.c.audit_id, audit_patients.c.patient)
        .where(audit_patients.c.audit_id.in_(ids))
        .order_by(audit_patients.c.audit_id, audit_patients.c.patient)
    )
    for audit_id, patient in conn.execute(query):
        found.setdefault(audit_id, []).append(patient)
    return found


def _item(row: Any, patients: list[str]) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "actor": row.actor,
        "client_id": row.client_id,
        "action": row.action,
        "target": row.target,
        "patient": row.patient,
        "patients": patients,
        "outcome": row.outcome,
        "detail": row.detail,
    }


def route_history(conn: Connection, routes: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Every hold and release of each route, oldest first: when, who, and the state it left."""
    names = list(routes)
    history: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    if not names:
        return history
    query = (
        select(audit.c.at, audit.c.actor, audit.c.client_id, audit.c.action, audit.c.target)
        .where(audit.c.action.in_(ROUTE_SWITCHES), audit.c.target.in_(names))
        .order_by(audit.c.at, audit.c.id)
    )
    for row in conn.execute(query):
        history[row.target].append(
            {
                "at": row.at.isoformat(),
                "by": row.actor,
                "client_id": row.client_id,
                "action": "hold" if row.action == Action.ROUTE_HOLD else "release",
                "enabled": row.action == Action.ROUTE_RELEASE,
            }
        )
    return history
