"""The pivot facade: what a caller of to_fhir/from_fhir sees on good and bad input."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from samband.adapters.msghead.parse import parse_msghead
from samband.adapters.plo import parse_plo
from samband.adapters.xml.safe import parse_xml
from samband.adapters.xml.schemas import validate_with_catalog
from samband.kernel.errors import MappingError, MessageRejected, UnsupportedMessage
from samband.kernel.formats import Format
from samband.kernel.problems import Severity
from samband.mappings.base import fixed_context
from samband.mappings.common.view import BundleView
from samband.mappings.registry import SUPPORTED_TO_FHIR, can_write, from_fhir, to_fhir

TESTS = Path(__file__).resolve().parents[2]
PLO = TESTS / "messages" / "plo"
DIALOG = TESTS / "messages" / "dialogmelding"
HANDBUILT = TESTS / "golden" / "fhir_to_plo" / "careplan_handbuilt" / "input.json"


def bundle_of(path: Path) -> dict[str, Any]:
    return to_fhir(path.read_bytes(), fixed_context()).result


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_every_fixture_type_is_supported() -> None:
    kinds = {parse_msghead(p.read_bytes()).msg_type for p in [*PLO.glob("*.xml"), *DIALOG.glob("*.xml")]}
    assert kinds <= SUPPORTED_TO_FHIR
    assert len(kinds) == 17


def test_orientering_gives_careplan_with_services_and_careteam() -> None:
    bundle = bundle_of(PLO / "orientering_ny_1_6.xml")
    header = bundle["entry"][0]["resource"]
    assert header["eventCoding"]["code"] == "ORIENTERING_TJENESTETILBUD"
    assert header["sender"]["identifier"] == {"system": "urn:oid:2.16.578.1.12.4.1.2", "value": "8800002"}
    assert header["destination"][0]["receiver"]["identifier"]["value"] == "8800102"
    (plan,) = resources(bundle, "CarePlan")
    services = resources(bundle, "ServiceRequest")
    assert len(plan["activity"]) == len(services) == 3
    assert {s["code"]["coding"][0]["code"] for s in services} == {"1", "15", "6"}
    assert services[1]["occurrencePeriod"] == {"start": "2024-02-01", "end": "2024-12-31"}
    assert services[1]["quantityQuantity"] == {"value": 0.5, "unit": "timer per dag"}
    (team,) = resources(bundle, "CareTeam")
    assert len(team["participant"]) == 4
    assert resources(bundle, "RelatedPerson")[0]["relationship"][0]["coding"][0]["code"] == "SO"


def test_change_and_reply_link_to_the_earlier_message() -> None:
    bundle = bundle_of(PLO / "orientering_endring_1_5.xml")
    (provenance,) = resources(bundle, "Provenance")
    codes = {c["code"] for c in provenance["activity"]["coding"]}
    assert codes == {"modified-message", "M"}
    parent = provenance["entity"][0]["what"]["identifier"]["value"]
    assert parent.endswith("#6a1f4c2e-0000-4000-8000-000000000001")


def test_death_sets_patient_deceased() -> None:
    bundle = bundle_of(PLO / "log_dod_1_6.xml")
    assert resources(bundle, "Patient")[0]["deceasedDateTime"].startswith("2024-03-11T03:15:00")
    assert resources(bundle, "Encounter")[0]["status"] == "finished"


def test_translating_twice_gives_the_same_bundle() -> None:
    raw = (PLO / "helseopplysninger_lege_1_6.xml").read_bytes()
    first = to_fhir(raw, fixed_context()).result
    second = to_fhir(raw, fixed_context()).result
    assert first == second


def test_unsupported_payload_is_rejected_with_a_code() -> None:
    raw = (PLO / "orientering_ny_1_6.xml").read_bytes().replace(b"OrienteringOmTjenestetilbud", b"Ukjent")
    with pytest.raises(MessageRejected) as caught:
        to_fhir(raw, fixed_context())
    assert caught.value.code


def test_not_xml_is_rejected() -> None:
    with pytest.raises(MessageRejected):
        to_fhir(b"not xml at all", fixed_context())


def test_the_target_follows_the_event_and_an_unknown_event_is_refused_not_guessed() -> None:
    assert can_write(Format.FHIR, Format.PLO, ["ORIENTERING_TJENESTETILBUD"])
    assert can_write(Format.FHIR, Format.DIALOGMELDING, ["DIALOG_SVAR"])
    assert not can_write(Format.FHIR, Format.PLO, ["DIALOG_SVAR"])
    handbuilt = json.loads(HANDBUILT.read_text(encoding="utf-8"))
    handbuilt["entry"][0]["resource"]["eventCoding"]["code"] = "SOMETHING_ELSE"
    with pytest.raises(MappingError) as caught:
        from_fhir(handbuilt, "plo", fixed_context())
    assert caught.value.code == "plo.unsupported-event"
    with pytest.raises(MappingError) as caught:
        from_fhir(handbuilt, "dialogmelding", fixed_context())
    assert caught.value.code == "dialog.unsupported-event"


def test_handbuilt_careplan_becomes_orientering() -> None:
    done = from_fhir(json.loads(HANDBUILT.read_text(encoding="utf-8")), "plo", fixed_context())
    findings = validate_with_catalog(parse_xml(done.result))
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    message = parse_plo(done.result)
    assert message.kind == "ORIENTERING_TJENESTETILBUD"
    assert [t.iplos_tjenestetype.v for t in message.tjenester if t.iplos_tjenestetype] == ["15", "4"]
    assert (
        message.ansvar[0].ansvarlig is not None
        and message.ansvar[0].ansvarlig.family_name == "Koordinatorsen"
    )
    assert any(i.code == "plo.default-privat" for i in done.issues)


def test_unknown_target_is_unsupported() -> None:
    with pytest.raises(UnsupportedMessage):
        from_fhir(bundle_of(PLO / "orientering_ny_1_6.xml"), "hl7v2", fixed_context())


def test_bundle_without_message_header_first_is_refused() -> None:
    bundle = bundle_of(PLO / "orientering_ny_1_6.xml")
    bundle["entry"] = list(reversed(bundle["entry"]))
    with pytest.raises(MappingError) as caught:
        from_fhir(bundle, "plo", fixed_context())
    assert caught.value.code == "pivot.rules"


def test_party_without_identifier_is_refused_with_where() -> None:
    bundle = copy.deepcopy(json.loads(HANDBUILT.read_text(encoding="utf-8")))
    view = BundleView.of(bundle)
    sender = view.resolve(bundle["entry"][0]["resource"]["sender"])
    assert sender is not None
    sender.pop("identifier")
    with pytest.raises(MappingError) as caught:
        from_fhir(bundle, "plo", fixed_context())
    assert caught.value.where == "/entry/0/resource/sender"


def test_dialog_reply_keeps_the_question_and_conversation() -> None:
    pivot = bundle_of(DIALOG / "svar_1_0.xml")
    (task,) = resources(pivot, "Task")
    assert task["status"] == "completed" and task["description"].startswith("Kan fastlegen")
    back = from_fhir(pivot, "dialogmelding", fixed_context()).result
    head = parse_msghead(back)
    assert head.msg_type == "DIALOG_SVAR"
    assert head.msg_info.conversation_ref is not None
    assert head.msg_info.conversation_ref.ref_to_parent == "6a1f4c2e-0000-4000-8000-000000000002"


def test_attachment_travels_both_ways() -> None:
    pivot = bundle_of(DIALOG / "notat_1_1_vedlegg.xml")
    (document,) = resources(pivot, "DocumentReference")
    attachment = document["content"][0]["attachment"]
    assert attachment["contentType"] == "text/plain"
    assert attachment["title"] == "Medisinliste"
    (binary,) = resources(pivot, "Binary")
    assert attachment["url"] == f"urn:uuid:{binary['id']}"
    assert {"reference": f"urn:uuid:{document['id']}"} in pivot["entry"][0]["resource"]["focus"]
    head = parse_msghead(from_fhir(pivot, "dialogmelding", fixed_context()).result)
    assert [d.ref_doc.mime_type for d in head.attachments] == ["text/plain"]


def test_odd_fhir_input_gives_a_coded_error_not_a_crash() -> None:
    bundle = json.loads(HANDBUILT.read_text(encoding="utf-8"))
    plan = bundle["entry"][-1]["resource"]
    plan["activity"] = [{"detail": {"status": "scheduled", "quantity": {"value": 1e400}}}]
    with pytest.raises(MessageRejected) as caught:
        from_fhir(bundle, "plo", fixed_context())
    assert caught.value.code


def test_narrative_is_generated_and_escaped() -> None:
    from samband.mappings.common.narrative import narrative

    text = narrative("Plan <A&B>", ["Tiltak 1", None, "x < y"])
    assert text["status"] == "generated"
    assert text["div"] == (
        '<div xmlns="http://www.w3.org/1999/xhtml"><p><b>Plan &lt;A&amp;B&gt;</b></p>'
        "<ul><li>Tiltak 1</li><li>x &lt; y</li></ul></div>"
    )
    (plan,) = resources(bundle_of(PLO / "orientering_ny_1_6.xml"), "CarePlan")
    assert "Rengjøring av bolig, 2 timer per uke" in str(plan["text"]["div"])
