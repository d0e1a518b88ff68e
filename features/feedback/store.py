"""Reading and writing the case tables: state per patient, events, decisions, alerts, plans, referrals.

Small functions over one ``Connection`` so the service can keep a whole event in one transaction;
what the jobs read beside the case (inbound messages, digest items) is in ``store_jobs``.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Connection, Row, func, or_, select, update

from samband.features.feedback.events import FeedbackEvent
from samband.features.feedback.state import ConsentState, FeedbackState
from samband.features.feedback.tables import (
    feedback_alerts,
    feedback_decisions,
    feedback_events,
    feedback_plans,
    feedback_state,
    referrals,
)
from samband.gateway.store.alerts import ITEMS as ALERT_ITEMS
from samband.gateway.store.alerts import Found
from samband.gateway.store.tables import messages


def new_id() -> str:
    return str(uuid.uuid4())


def jsonable(value: Any) -> Any:
    """Facts as JSON: dataclasses as dicts, dates as ISO text, decimals as numbers."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Enum):
        return value.value
    return value


def load_state(conn: Connection, patient_id: str) -> FeedbackState:
    row = conn.execute(select(feedback_state).where(feedback_state.c.patient_id == patient_id)).first()
    if row is None:
        return FeedbackState(patient_id)
    return FeedbackState(
        patient_id=patient_id,
        consent=ConsentState(bool(row.consent_gp_feedback), bool(row.consent_plan_content)),
        gp_her=row.gp_her,
        referrer_her=row.referrer_her,
        blocked_gps=frozenset(row.blocked_gps or ()),
        known=dict(row.known or {}),
    )


def last_digest_at(conn: Connection, patient_id: str) -> datetime | None:
    row = conn.execute(
        select(feedback_state.c.last_digest_at).where(feedback_state.c.patient_id == patient_id)
    ).first()
    return None if row is None else row.last_digest_at


def save_state(
    conn: Connection, state: FeedbackState, now: datetime, digest_at: datetime | None = None
) -> None:
    values: dict[str, Any] = {
        "gp_her": state.gp_her,
        "referrer_her": state.referrer_her,
        "consent_gp_feedback": state.consent.gp_feedback,
        "consent_plan_content": state.consent.plan_content,
        "blocked_gps": sorted(state.blocked_gps),
        "known": dict(state.known),
        "updated_at": now,
    }
    if digest_at is not None:
        values["last_digest_at"] = digest_at
    exists = conn.execute(
        select(feedback_state.c.patient_id).where(feedback_state.c.patient_id == state.patient_id)
    ).first()
    if exists is None:
        conn.execute(feedback_state.insert().values(patient_id=state.patient_id, **values))
    else:
        conn.execute(
            update(feedback_state).where(feedback_state.c.patient_id == state.patient_id).values(**values)
        )


def insert_event(conn: Connection, event: FeedbackEvent, now: datetime) -> str | None:
    """Store the event; None when an event with the same key was stored before (duplicate)."""
    seen = conn.execute(select(feedback_events.c.id).where(feedback_events.c.event_key == event.key)).first()
    if seen is not None:
        return None
    event_id = new_id()
    conn.execute(
        feedback_events.insert().values(
            id=event_id,
            event_key=event.key,
            patient_id=event.patient_id,
            kind=event.kind.value,
            at=event.at,
            source=event.source,
            source_ref=event.source_ref,
            plan_id=event.plan_id,
            subject_id=event.subject_id,
            significant=event.significant,
            facts=jsonable(dict(event.facts)),
            created_at=now,
        )
    )
    return event_id


def insert_decision(conn: Connection, now: datetime, **values: Any) -> str:
    decision_id = new_id()
    values.setdefault("attempts", 0)
    conn.execute(
        feedback_decisions.insert().values(id=decision_id, created_at=now, updated_at=now, **jsonable(values))
    )
    return decision_id


def update_decision(conn: Connection, decision_id: str, now: datetime, **values: Any) -> None:
    conn.execute(
        update(feedback_decisions)
        .where(feedback_decisions.c.id == decision_id)
        .values(updated_at=now, **jsonable(values))
    )


def alert(conn: Connection, patient_id: str | None, kind: str, now: datetime, **detail: Any) -> str:
    """An operator event (shown in the timeline and the logs)."""
    alert_id = new_id()
    conn.execute(
        feedback_alerts.insert().values(
            id=alert_id, patient_id=patient_id, kind=kind, detail=jsonable(detail), created_at=now
        )
    )
    return alert_id


def operator_alerts(
    conn: Connection, since: datetime | None, kinds: Collection[str], endings: Collection[str]
) -> Found:
    """Operator events of ``kinds`` (or whose kind ends with one of ``endings``) after ``since``: how
    many, and the newest few by kind, rule and MsgId. No national id (an alert leaves the gateway): an
    event about a message (an ip-export feedback refused) names its internal id and code, with the
    console pages where an operator finds the message and, through it, the patient."""
    where = [
        or_(
            feedback_alerts.c.kind.in_(list(kinds)),
            *(feedback_alerts.c.kind.endswith(e, autoescape=True) for e in endings),
        )
    ]
    if since is not None:
        where.append(feedback_alerts.c.created_at > since)
    count = conn.execute(select(func.count()).select_from(feedback_alerts).where(*where)).scalar_one()
    rows = conn.execute(
        select(feedback_alerts).where(*where).order_by(feedback_alerts.c.created_at.desc()).limit(ALERT_ITEMS)
    )
    return Found(int(count), [_alert_item(r.kind, r.detail or {}, r.patient_id, r.created_at) for r in rows])


def _alert_item(kind: str, detail: Mapping[str, Any], patient: str | None, at: datetime) -> dict[str, Any]:
    item = {"kind": kind, "rule": detail.get("rule"), "msg_id": detail.get("msg_id"), "at": at.isoformat()}
    message = detail.get("message")
    if not isinstance(message, str):
        return item
    error = detail.get("error")
    code = error.get("code") if isinstance(error, Mapping) else None
    pages = {"console": f"/console#/message/{message}"}
    if patient:
        pages["patient_page"] = f"/console#/patient-of/{message}"
    return {**item, "message": message, "code": code, **pages}


def save_plan(
    conn: Connection, plan_id: str, patient_id: str, revision: int, export: bytes, now: datetime
) -> None:
    exists = conn.execute(select(feedback_plans.c.plan_id).where(feedback_plans.c.plan_id == plan_id)).first()
    values = {"patient_id": patient_id, "revision": revision, "export": export, "updated_at": now}
    if exists is None:
        conn.execute(feedback_plans.insert().values(plan_id=plan_id, **values))
    else:
        conn.execute(update(feedback_plans).where(feedback_plans.c.plan_id == plan_id).values(**values))


def load_plan(conn: Connection, plan_id: str) -> bytes | None:
    row = conn.execute(select(feedback_plans.c.export).where(feedback_plans.c.plan_id == plan_id)).first()
    return None if row is None else bytes(row.export)


def plan_of_patient(conn: Connection, patient_id: str) -> bytes | None:
    row = conn.execute(
        select(feedback_plans.c.export)
        .where(feedback_plans.c.patient_id == patient_id)
        .order_by(feedback_plans.c.updated_at.desc())
    ).first()
    return None if row is None else bytes(row.export)


def known_patient(conn: Connection, patient_id: str) -> bool:
    """True when the feature has a state or a plan for the patient (a case to write about)."""
    query = select(feedback_state.c.patient_id).where(feedback_state.c.patient_id == patient_id)
    return conn.execute(query).first() is not None or plan_of_patient(conn, patient_id) is not None


def add_referral(conn: Connection, flag_id: str, status: str, now: datetime, **values: Any) -> None:
    """Record an identification flag and what became of it (no content when it stayed local)."""
    conn.execute(
        referrals.insert().values(id=new_id(), flag_id=flag_id, status=status, created_at=now, **values)
    )


def referral_msg_id(conn: Connection, patient_id: str) -> str | None:
    """The MsgId of the patient's first referral sent through the gateway, or None."""
    row = conn.execute(
        select(referrals.c.msg_id)
        .where(referrals.c.patient_id == patient_id, referrals.c.status == "sent")
        .order_by(referrals.c.created_at)
    ).first()
    return None if row is None or not row.msg_id else str(row.msg_id)


def case_rows(conn: Connection, patient_id: str) -> dict[str, list[Row[Any]]]:
    """Everything stored about the patient's case, by kind: referrals, events, decisions (each with
    the status of the message it sent), alerts."""
    decisions = (
        select(feedback_decisions, messages.c.status.label("message_status"))
        .outerjoin(messages, messages.c.id == feedback_decisions.c.message_id)
        .where(feedback_decisions.c.patient_id == patient_id)
    )
    return {
        "referrals": list(conn.execute(select(referrals).where(referrals.c.patient_id == patient_id))),
        "events": list(
            conn.execute(select(feedback_events).where(feedback_events.c.patient_id == patient_id))
        ),
        "decisions": list(conn.execute(decisions)),
        "alerts": list(
            conn.execute(select(feedback_alerts).where(feedback_alerts.c.patient_id == patient_id))
        ),
    }
