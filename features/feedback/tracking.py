"""Jobs after the first send: the daily digest, AppRec tracking with retry and alert, waiting drafts.

HIS 80415 §3: one AppRec per message; none after the timeout counts as negative. A negative or
missing AppRec re-sends the message with a new MsgId while attempts remain (rules.yaml
``tracking.max_attempts``), then raises an operator alert; every step shows in the timeline.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from samband.features.feedback import store, store_jobs
from samband.features.feedback.batching import admissible, digest_due, fold
from samband.features.feedback.cases import case_for_patient
from samband.features.feedback.compose import GpMessage, compose_digest
from samband.features.feedback.facts import PersonContact, ServiceLine
from samband.features.feedback.render import render
from samband.features.feedback.rules import Channel
from samband.features.feedback.service import FeedbackService


def flush_digests(fb: FeedbackService) -> int:
    """Send each patient's digest when it is due; items the consent no longer covers are dropped."""
    now = fb.svc.now()
    policy = fb.rules.digest
    with fb.svc.engine.begin() as conn:
        waiting = store_jobs.patients_with_digest_items(conn)
    sent = 0
    for patient_id in sorted(waiting):
        with fb.svc.engine.begin() as conn:
            if not digest_due(store.last_digest_at(conn, patient_id), now, policy):
                continue
        case = case_for_patient(fb, patient_id, None)
        with fb.svc.engine.begin() as conn:
            sent += _flush_one(fb, conn, patient_id, case, now)
    return sent


def _flush_one(fb: FeedbackService, conn: Connection, patient_id: str, case: Any, now: datetime) -> int:
    state = store.load_state(conn, patient_id)
    pairs = store_jobs.digest_items(conn, patient_id)
    keep, drop = admissible([item for _, item in pairs], state.consent)
    ids = {item.event_key: row_id for row_id, item in pairs}
    for item in drop:
        store_jobs.update_digest_item(conn, ids[item.event_key], dropped="no-consent")
    if not keep or case is None:
        return 0
    rule = fb.rules.by_id(fb.rules.digest.rule_id)
    on = now.astimezone(fb.rules.digest.timezone).date()
    keys = tuple(item.event_key for item in keep)
    message = compose_digest(rule, fold(keep), case.facts, fb.texts, on, keys)
    base: dict[str, object] = {
        "event_id": None,
        "patient_id": patient_id,
        "rule_id": rule.id,
        "action": "send",
    }
    decision_id = fb.send(conn, message, state, case, now, base)
    for item in keep:
        store_jobs.update_digest_item(conn, ids[item.event_key], decision_id=decision_id)
    store.save_state(conn, state, now, digest_at=now)
    return 1


def draft_of(data: dict[str, Any]) -> GpMessage:
    """A stored draft (JSON) back as a ``GpMessage``."""
    contact = PersonContact(**data["contact"]) if data.get("contact") else None
    services = tuple(
        ServiceLine(
            **{
                **s,
                "start": _date(s.get("start")),
                "end": _date(s.get("end")),
                "amount": Decimal(str(s["amount"])) if s.get("amount") is not None else None,
            }
        )
        for s in data.get("services") or ()
    )
    answer_by = _date(data.get("answer_by"))
    return GpMessage(
        rule_id=data["rule_id"],
        channel=Channel(data["channel"]),
        patient_id=data["patient_id"],
        heading=data["heading"],
        lines=tuple(data["lines"]),
        contact=contact,
        services=services,
        ask=data.get("ask"),
        answer_by=answer_by,
        event_keys=tuple(data.get("event_keys") or ()),
    )


def _date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _resend(fb: FeedbackService, row: Any, now: datetime, why: str) -> None:
    """Send the message again with a new MsgId while attempts remain, else mark it failed; alert both."""
    policy = fb.rules.tracking
    case = case_for_patient(fb, row.patient_id, None) if row.draft else None
    with fb.transaction() as conn:
        if row.attempts >= policy.max_attempts or case is None:
            store.update_decision(conn, row.id, now, status="failed")
            store.alert(conn, row.patient_id, f"apprec-{why}-final", now, msg_id=row.msg_id, rule=row.rule_id)
            return
        state = store.load_state(conn, row.patient_id)
        gp = fb.gp_address(state, case)
        if gp is None:
            return
        facts = dataclasses.replace(case.facts, gp=gp)
        rendered = render(draft_of(row.draft), facts, fb.svc.context(), case.conversation)
        out_id, status = fb.queue_message(conn, rendered.xml, row.message_id, now)
        store.alert(conn, row.patient_id, f"apprec-{why}", now, msg_id=row.msg_id, resent_as=rendered.msg_id)
        store.update_decision(
            conn,
            row.id,
            now,
            status=status,
            message_id=out_id,
            msg_id=rendered.msg_id,
            attempts=row.attempts + 1,
        )


def track(fb: FeedbackService) -> int:
    """Follow the AppRec of every queued feedback message: acked, refused (retry), missing (retry)."""
    now = fb.svc.now()
    timeout = timedelta(hours=fb.rules.tracking.apprec_timeout_hours)
    with fb.svc.engine.begin() as conn:
        rows = store_jobs.queued_decisions(conn)
    changed = 0
    for row in rows:
        if row.message_status == "accepted":
            with fb.svc.engine.begin() as conn:
                store.update_decision(conn, row.id, now, status="acked")
        elif row.message_status == "refused":
            _resend(fb, row, now, "negative")
        elif row.completed_at is not None and now - row.completed_at > timeout:
            _resend(fb, row, now, "missing")
        else:
            continue
        changed += 1
    return changed


def retry_waiting(fb: FeedbackService) -> int:
    """Drafts that had no GP address: try again (the referral or the register may know it now)."""
    now = fb.svc.now()
    with fb.svc.engine.begin() as conn:
        rows = store_jobs.waiting_decisions(conn)
    done = 0
    for row in rows:
        case = case_for_patient(fb, row.patient_id, None)
        if case is None or not row.draft:
            continue
        with fb.transaction() as conn:
            state = store.load_state(conn, row.patient_id)
            if fb.gp_address(state, case) is None:
                continue
            base: dict[str, object] = {
                "event_id": row.event_id,
                "patient_id": row.patient_id,
                "rule_id": row.rule_id,
                "action": "send",
            }
            new_id = fb.send(conn, draft_of(row.draft), state, case, now, base)
            store.update_decision(conn, row.id, now, status="superseded", detail=f"sent as decision {new_id}")
        done += 1
    return done
