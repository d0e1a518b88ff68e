"""The timeline as a FHIR Bundle, and a stored draft read back as the same GP message."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import jsonschema

from samband.features.feedback.compose import GpMessage
from samband.features.feedback.facts import ServiceLine
from samband.features.feedback.rules import SCHEMA_FILE, Channel
from samband.features.feedback.store import jsonable
from samband.features.feedback.timeline import as_bundle
from samband.features.feedback.tracking import draft_of
from tests.unit.features.feedback.helpers import OLA

ENTRIES: list[dict[str, Any]] = [
    {
        "at": "2026-02-03T10:00:00+00:00",
        "type": "event",
        "id": "e1",
        "kind": "coordinator.appointed",
        "source": "ip-export",
        "source_ref": "plan@10",
        "subject": "p-ola",
    },
    {
        "at": "2026-02-03T10:00:01+00:00",
        "type": "feedback",
        "id": "d1",
        "event": "e1",
        "rule": "F3",
        "action": "send",
        "status": "acked",
        "channel": "ORIENTERING_TJENESTETILBUD",
        "heading": "Koordinator",
        "text": "Ola Hansen",
        "gp_her": "80111",
        "msg_id": "m-1",
        "message_id": "x",
        "attempts": 1,
        "apprec": "ok",
    },
    {
        "at": "2026-02-03T10:00:02+00:00",
        "type": "decision",
        "id": "d2",
        "event": "e1",
        "rule": "F3N",
        "action": "suppress",
        "status": "suppressed",
        "reason": "already-known",
    },
]


def test_the_timeline_bundle_has_a_task_per_event_and_a_communication_with_provenance_per_message() -> None:
    bundle = as_bundle(ENTRIES, "12845300079")
    resources = [e["resource"] for e in bundle["entry"]]
    assert [r["resourceType"] for r in resources] == ["Task", "Communication", "Provenance"]
    task, communication, provenance = resources
    assert task["businessStatus"]["text"] == "coordinator.appointed"
    assert communication["status"] == "completed" and communication["identifier"][0]["value"] == "m-1"
    assert communication["recipient"][0]["identifier"]["value"] == "80111"
    assert provenance["target"][0]["reference"] == f"Communication/{communication['id']}"
    assert provenance["entity"][0]["what"]["reference"] == f"Task/{task['id']}"


def test_a_draft_survives_the_store() -> None:
    service = ServiceLine(
        "Hjemmesykepleie", amount=Decimal("3"), unit="besøk per uke", start=date(2026, 2, 1)
    )
    message = GpMessage(
        "F7",
        Channel.ORIENTERING_TJENESTETILBUD,
        "p",
        "Endring",
        ("a", "b"),
        OLA,
        services=(service,),
        answer_by=date(2026, 4, 5),
        event_keys=("k",),
    )
    assert draft_of(json.loads(json.dumps(jsonable(message)))) == message


def test_the_rules_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
