"""Feeds the feedback service from the store: inbound ip-exports, PLO and Dialogmelding messages the
pipeline accepted, then the digest and AppRec tracking jobs. ``run_once`` is safe to repeat.

Each inbound message is handled once (``feedback_seen``); ip-exports are compared with the last
full export of the plan (``feedback_plans``) by ``features.changes.detect_changes``.
"""

from __future__ import annotations

import logging

from samband.adapters.iplan.io import parse as parse_ip_export
from samband.adapters.iplan.io import serialize_json
from samband.adapters.msghead import MsgHead, parse_msghead, parse_payload, read_envelope
from samband.features.changes.detect import apply_delta, detect_changes
from samband.features.feedback import store, store_jobs
from samband.features.feedback.cases import bare_case, case_for_patient, case_from_export
from samband.features.feedback.events import EventKind, FeedbackEvent
from samband.features.feedback.from_iplan import events_from_changes
from samband.features.feedback.render import channel_codes
from samband.features.feedback.service import FeedbackService
from samband.features.feedback.tracking import flush_digests, retry_waiting, track
from samband.gateway.store import repository as repo
from samband.kernel.errors import GatewayError, MappingError
from samband.mappings.iplan_fhir.facade import fhir_to_ip_export

log = logging.getLogger(__name__)

HANDLED_STATUSES = ("routed", "delivered", "failed", "stored")
FORMATS = ("ip-export", "msghead", "fhir")


def on_ip_export(fb: FeedbackService, message_id: str, raw: bytes) -> str:
    export = parse_ip_export(raw)
    with fb.svc.engine.begin() as conn:
        previous_raw = store.load_plan(conn, export.plan.id)
    previous = parse_ip_export(previous_raw, invariants=False) if previous_raw else None
    changes = detect_changes(previous, export)
    full = apply_delta(previous, export) if previous is not None and export.export_kind == "delta" else export
    if previous is not None and full.plan.revision <= previous.plan.revision:
        return "no-change"
    events = events_from_changes(changes, full.plan, fb.texts)
    fb.handle(events, case_from_export(fb, full, message_id))
    now = fb.svc.now()
    with fb.svc.engine.begin() as conn:
        plan = full.plan
        store.save_plan(
            conn, plan.id, plan.subject.national_id.value, plan.revision, serialize_json(full), now
        )
    return f"events:{len(events)}"


def _known_patient(fb: FeedbackService, patient_id: str) -> bool:
    with fb.svc.engine.begin() as conn:
        return store.known_patient(conn, patient_id)


def dialog_answer(head: MsgHead) -> dict[str, str]:
    """The answer category (Notat/TemaKodet, kodeverk 9069) and text of a Dialogmelding answer."""
    payload = head.payload
    if payload is None or payload.root != "Dialogmelding":
        return {}
    model = parse_payload(payload)
    note = next(iter(getattr(model, "notater", ())), None)
    if note is None:
        return {}
    found = {"answer_code": note.tema_kodet.v or ""}
    if note.tekst_notat_innhold is not None:
        found["answer_text"] = note.tekst_notat_innhold.text
    return found


def on_msghead(fb: FeedbackService, message_id: str, raw: bytes) -> str:
    """LOG_* from the hospital, DIALOG_AVVIK and DIALOG_SVAR from the GP, for patients with a case."""
    envelope = read_envelope(raw)
    spec = channel_codes()["inbound"].get(envelope.msg_type or "")
    if spec is None or not envelope.patient_id or not _known_patient(fb, envelope.patient_id):
        return "not-feedback"
    head = parse_msghead(raw)
    sender = head.msg_info.sender.organisation
    at = envelope.generated_at or fb.svc.now()
    facts = {
        "event_text": spec["text"],
        "event_date": at,
        "institution": sender.name,
        "gp_her": envelope.sender_her,
        "msg_id": envelope.msg_id,
        **dialog_answer(head),
    }
    event = FeedbackEvent(
        kind=EventKind(spec["kind"]),
        patient_id=envelope.patient_id,
        at=at,
        source="msghead",
        source_ref=envelope.msg_id or message_id,
        facts=facts,
    )
    case = case_for_patient(fb, envelope.patient_id, message_id) or bare_case(envelope.patient_id, message_id)
    fb.handle([event], case)
    if event.kind is EventKind.GP_REPORTED_ERROR:
        with fb.svc.engine.begin() as conn:
            store.alert(
                conn,
                event.patient_id,
                "gp-avvik",
                fb.svc.now(),
                gp=envelope.sender_her,
                msg_id=envelope.msg_id,
                answers=envelope.parent_ref,
            )
    return event.kind.value


def on_fhir(fb: FeedbackService, message_id: str, raw: bytes) -> str:
    """A FHIR Bundle that describes an individual plan (CarePlan, CareTeam, … as docs/ip-export.md maps
    them) is read as the ip-export it stands for; any other Bundle is not a feedback source."""
    try:
        export = fhir_to_ip_export(raw, fb.svc.context())
    except MappingError:
        return "not-feedback"
    return on_ip_export(fb, message_id, export.result)


HANDLERS = {"ip-export": on_ip_export, "msghead": on_msghead, "fhir": on_fhir}


def pending(fb: FeedbackService, limit: int = 200) -> list[tuple[str, str]]:
    """Inbound messages the pipeline accepted that feedback has not looked at, oldest first."""
    with fb.svc.engine.begin() as conn:
        return store_jobs.unseen_messages(conn, FORMATS, HANDLED_STATUSES, limit)


def handle_message(fb: FeedbackService, message_id: str, fmt: str) -> str:
    with fb.svc.engine.begin() as conn:
        raw = repo.get_raw(conn, message_id)
        message = repo.get_message(conn, message_id)
    if raw is None or message is None:
        raise KeyError(message_id)
    try:
        outcome = HANDLERS[fmt](fb, message_id, raw)
    except GatewayError as exc:
        log.warning("feedback could not use message %s: [%s]", message_id, exc.code)
        outcome = exc.code
        with fb.svc.engine.begin() as conn:
            store.alert(  # the patient named, so the coordinator knows whose plan is behind
                conn,
                message.patient_id,
                "feedback-input-refused",
                fb.svc.now(),
                message=message_id,
                error=exc.as_dict(),
            )
    with fb.svc.engine.begin() as conn:
        store_jobs.mark_seen(conn, message_id, outcome, fb.svc.now())
    return outcome


def run_once(fb: FeedbackService) -> int:
    """One pass: new inbound messages, due digests, AppRec tracking and waiting drafts."""
    done = 0
    for message_id, fmt in pending(fb):
        handle_message(fb, message_id, fmt)
        done += 1
    done += flush_digests(fb)
    done += track(fb)
    done += retry_waiting(fb)
    return done
