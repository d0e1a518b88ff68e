"""What happened to a patient, in order: referral, decisions, team, plan, meetings, changes, and every
feedback message with its AppRec status; as JSON entries or as a FHIR Bundle (fhir.md §6.6:
Communication per message sent, Task per event, Provenance linking a message to its event).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row

from samband.features.feedback.store import case_rows
from samband.kernel.ids import stable_id

IDENT_FNR = "urn:oid:2.16.578.1.12.4.1.4.1"
HER_SYSTEM = "urn:oid:2.16.578.1.12.4.1.2"
APPREC = {"accepted": "ok", "refused": "avvist", "delivered": "venter", "pending": "ikke sendt"}


def _at(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _referrals(rows: list[Row[Any]]) -> list[dict[str, Any]]:
    return [
        {
            "at": _at(r.created_at),
            "type": "referral",
            "status": r.status,
            "msg_id": r.msg_id,
            "message_id": r.message_id,
        }
        for r in rows
    ]


def _events(rows: list[Row[Any]]) -> list[dict[str, Any]]:
    return [
        {
            "at": _at(r.at),
            "type": "event",
            "id": r.id,
            "kind": r.kind,
            "source": r.source,
            "source_ref": r.source_ref,
            "subject": r.subject_id,
        }
        for r in rows
    ]


def _decisions(rows: list[Row[Any]]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        entry: dict[str, Any] = {
            "at": _at(r.created_at),
            "type": "feedback" if r.message_id else "decision",
            "id": r.id,
            "event": r.event_id,
            "rule": r.rule_id,
            "action": r.action,
            "status": r.status,
        }
        if r.reason:
            entry["reason"] = r.reason
        if r.message_id:
            entry |= {
                "channel": r.channel,
                "heading": r.heading,
                "text": r.text,
                "gp_her": r.gp_her,
                "msg_id": r.msg_id,
                "message_id": r.message_id,
                "attempts": r.attempts,
                "apprec": APPREC.get(r.message_status or "", r.message_status),
            }
        out.append(entry)
    return out


def _alerts(rows: list[Row[Any]]) -> list[dict[str, Any]]:
    return [{"at": _at(r.created_at), "type": "alert", "kind": r.kind, "detail": r.detail} for r in rows]


def timeline(conn: Connection, patient_id: str) -> list[dict[str, Any]]:
    """Every entry about the patient, oldest first (stable within the same instant)."""
    rows = case_rows(conn, patient_id)
    entries = _referrals(rows["referrals"]) + _events(rows["events"])
    entries += _decisions(rows["decisions"]) + _alerts(rows["alerts"])
    order = {"referral": 0, "event": 1, "decision": 2, "feedback": 3, "alert": 4}
    return sorted(entries, key=lambda e: (e["at"] or "", order[e["type"]]))


def _subject(patient_id: str) -> dict[str, Any]:
    return {"identifier": {"system": IDENT_FNR, "value": patient_id}}


def _task(entry: dict[str, Any], patient_id: str) -> dict[str, Any]:
    return {
        "resourceType": "Task",
        "id": stable_id("Task", entry["id"]),
        "status": "completed",
        "intent": "order",
        "businessStatus": {"text": entry["kind"]},
        "for": _subject(patient_id),
        "authoredOn": entry["at"],
        "note": [{"text": f"{entry['source']}: {entry['source_ref']}"}],
    }


def _communication(entry: dict[str, Any], patient_id: str) -> dict[str, Any]:
    acked = entry.get("apprec") == "ok"
    return {
        "resourceType": "Communication",
        "id": stable_id("Communication", entry["id"]),
        "identifier": [{"system": "urn:samband:msgid", "value": entry["msg_id"]}],
        "status": "completed" if acked else "in-progress",
        "statusReason": {"text": f"AppRec: {entry.get('apprec')}"},
        "category": [{"coding": [{"system": "urn:samband:category", "code": "tilbakemelding-ip"}]}],
        "subject": _subject(patient_id),
        "sent": entry["at"],
        "recipient": [{"identifier": {"system": HER_SYSTEM, "value": entry.get("gp_her")}}],
        "payload": [{"contentString": f"{entry.get('heading')}\n{entry.get('text')}"}],
    }


def _provenance(entry: dict[str, Any]) -> dict[str, Any]:
    what = {"reference": f"Task/{stable_id('Task', entry['event'])}"} if entry.get("event") else None
    resource: dict[str, Any] = {
        "resourceType": "Provenance",
        "id": stable_id("Provenance", entry["id"]),
        "target": [{"reference": f"Communication/{stable_id('Communication', entry['id'])}"}],
        "recorded": entry["at"],
        "activity": {"coding": [{"system": "urn:samband:activity", "code": f"rule-{entry['rule']}"}]},
        "agent": [{"who": {"display": "Samband"}}],
    }
    if what:
        resource["entity"] = [{"role": "source", "what": what}]
    return resource


def as_bundle(entries: list[dict[str, Any]], patient_id: str) -> dict[str, Any]:
    """The timeline as a FHIR R4 collection Bundle: Task per event, Communication + Provenance per message."""
    resources: list[dict[str, Any]] = []
    for entry in entries:
        if entry["type"] == "event":
            resources.append(_task(entry, patient_id))
        elif entry["type"] == "feedback":
            resources += [_communication(entry, patient_id), _provenance(entry)]
    return {
        "resourceType": "Bundle",
        "id": stable_id("timeline", patient_id, str(len(entries))),
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }
