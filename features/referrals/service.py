"""POST /referrals behind the HTTP layer: gate the flag, compose the referral, queue it, record it.

A flag that may not leave (declined, not relevant, pending) is recorded by its flag id and reason
only: no national id, no criteria, no message. A referral is stored and queued like any outbound
message; its ServiceRequest goes to the FHIR store and the feedback state learns the referring GP.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from samband.features.feedback import store
from samband.features.feedback.events import EventKind, FeedbackEvent
from samband.features.feedback.service import FeedbackService
from samband.features.feedback.state import apply_event
from samband.features.referrals.compose import compose_referral
from samband.features.referrals.flag import IdentificationFlag
from samband.features.referrals.gate import gate
from samband.gateway.store import fhir as fhir_store


def referral_event(flag: IdentificationFlag, msg_id: str, at: datetime) -> FeedbackEvent:
    assert flag.patient is not None
    return FeedbackEvent(
        kind=EventKind.REFERRAL_SENT,
        patient_id=flag.patient.national_id,
        at=at,
        source="referral",
        source_ref=msg_id,
        facts={
            "referrer_her": flag.gp.her_id,
            "gp_feedback_consent": flag.consent.gp_feedback,
            "flag_id": flag.flag_id,
            "receiver": f"{flag.receiver.name}, {flag.receiver.service_name}",
        },
    )


def submit(fb: FeedbackService, flag: IdentificationFlag) -> dict[str, Any]:
    """The answer to POST /referrals: ``sent`` with the MsgId, or ``kept-local`` with the reason."""
    decision = gate(flag)
    now = fb.svc.now()
    if not decision.send:
        with fb.svc.engine.begin() as conn:
            store.add_referral(conn, flag.flag_id, "kept-local", now, reason=decision.reason)
        return {"status": "kept-local", "reason": decision.reason, "flag_id": flag.flag_id}
    referral = compose_referral(flag, fb.svc.context())
    event = referral_event(flag, referral.msg_id, now)
    with fb.svc.engine.begin() as conn:
        out_id, routed = fb.queue_message(conn, referral.xml, None, now)
        fhir_store.upsert_resource(conn, referral.service_request, out_id, now)
        store.add_referral(
            conn,
            flag.flag_id,
            "sent",
            now,
            patient_id=event.patient_id,
            gp_her=flag.gp.her_id,
            reason=decision.reason,
            message_id=out_id,
            msg_id=referral.msg_id,
            service_request=referral.service_request,
        )
        if store.insert_event(conn, event, now) is not None:
            state = apply_event(store.load_state(conn, event.patient_id), event)
            store.save_state(conn, state, now)
    return {
        "status": "sent",
        "flag_id": flag.flag_id,
        "message_id": out_id,
        "msg_id": referral.msg_id,
        "delivery": routed,
        "service_request": referral.service_request["id"],
    }
