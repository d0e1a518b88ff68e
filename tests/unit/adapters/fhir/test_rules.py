"""Rules beyond structure: message shape, references inside the Bundle, Norwegian identifiers, codes."""

from __future__ import annotations

import copy

from samband.adapters.fhir.identifiers import HER, valid_person_number
from samband.adapters.fhir.order import Watch, ordered
from samband.adapters.fhir.rules import RULE_KEYS, check_bundle
from samband.kernel.problems import Problem, Severity

HEADER: dict[str, object] = {
    "resourceType": "MessageHeader",
    "id": "h",
    "eventCoding": {"system": "urn:oid:2.16.578.1.12.4.1.1.8279", "code": "DIALOG_NOTAT"},
    "source": {"endpoint": "urn:oid:2.16.578.1.12.4.1.2:8800001"},
    "focus": [{"reference": "urn:uuid:p"}],
}
PATIENT: dict[str, object] = {
    "resourceType": "Patient",
    "id": "p",
    "identifier": [{"system": "urn:oid:2.16.578.1.12.4.1.4.1", "value": "03075240081"}],
}
PROVENANCE: dict[str, object] = {
    "resourceType": "Provenance",
    "id": "v",
    "target": [{"reference": "urn:uuid:h"}],
    "activity": {"text": "x"},
}


def bundle(*resources: dict[str, object]) -> dict[str, object]:
    return {
        "resourceType": "Bundle",
        "type": "message",
        "timestamp": "2024-01-01T10:00:00+01:00",
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": copy.deepcopy(r)} for r in resources],
    }


def rules(found: list[Problem]) -> set[str]:
    return {f.code for f in found}


def test_synthetic_fnr_passes_and_a_typo_fails() -> None:
    assert valid_person_number("03075240081")
    assert not valid_person_number("03075240082")


def test_a_good_message_passes() -> None:
    assert check_bundle(bundle(HEADER, PROVENANCE, PATIENT)) == []


def test_message_header_must_come_first() -> None:
    found = check_bundle(bundle(PATIENT, HEADER, PROVENANCE))
    assert "fhir.message.header-first" in rules(found)


def test_reference_outside_the_bundle_is_an_error_with_pointer() -> None:
    header: dict[str, object] = {**HEADER, "focus": [{"reference": "urn:uuid:missing"}]}
    found = [f for f in check_bundle(bundle(header, PROVENANCE)) if f.code == "fhir.reference.unresolved"]
    assert found and found[0].severity is Severity.ERROR
    assert found[0].path == "/entry/0/resource/focus/0/reference"


def test_foreign_identifier_system_is_a_warning() -> None:
    foreign: dict[str, object] = {
        **PATIENT,
        "identifier": [{"system": "urn:oid:1.2.208.176.1.2", "value": "0101011234"}],
    }
    found = [
        f for f in check_bundle(bundle(HEADER, PROVENANCE, foreign)) if f.code == "fhir.identifier.system"
    ]
    assert found and found[0].severity is Severity.WARNING


def test_bad_fnr_check_digits_are_reported() -> None:
    wrong: dict[str, object] = {
        **PATIENT,
        "identifier": [{"system": "urn:oid:2.16.578.1.12.4.1.4.1", "value": "03075240082"}],
    }
    assert "fhir.identifier.fnr" in rules(check_bundle(bundle(HEADER, PROVENANCE, wrong)))


def test_required_codes_and_complete_codings() -> None:
    condition: dict[str, object] = {
        "resourceType": "Condition",
        "id": "c",
        "subject": {"reference": "urn:uuid:p"},
    }
    half: dict[str, object] = {**HEADER, "eventCoding": {"code": "DIALOG_NOTAT"}}
    found = rules(check_bundle(bundle(half, PROVENANCE, PATIENT, condition)))
    assert {"fhir.code.required", "fhir.code.coding"} <= found


def test_missing_provenance_is_only_a_warning() -> None:
    found = check_bundle(bundle(HEADER, PATIENT))
    assert [f.severity for f in found if f.code == "fhir.message.provenance"] == [Severity.WARNING]


def test_message_party_identifier_is_checked_too() -> None:
    header: dict[str, object] = {
        **HEADER,
        "sender": {"identifier": {"system": "urn:oid:2.16.578.1.12.4.1.2", "value": "88-01"}},
    }
    found = [f for f in check_bundle(bundle(header, PROVENANCE, PATIENT)) if f.code == "fhir.identifier.her"]
    assert [f.path for f in found] == ["/entry/0/resource/sender/identifier"]


def test_message_rules_hold_for_message_bundles_only() -> None:
    """A collection (an ip-export's FHIR view) has no MessageHeader and no Provenance to carry."""
    collection = {**bundle(PATIENT, HEADER), "type": "collection"}
    del collection["timestamp"]
    assert not [f for f in check_bundle(collection) if f.code.startswith("fhir.message.")]
    assert "fhir.message.header-first" in rules(check_bundle(bundle(PATIENT, HEADER)))


def test_a_collection_still_resolves_its_references_and_a_searchset_need_not() -> None:
    outside: dict[str, object] = {**HEADER, "focus": [{"reference": "Patient/elsewhere"}]}
    collection = {**bundle(outside, PATIENT), "type": "collection"}
    assert "fhir.reference.unresolved" in rules(check_bundle(collection))
    assert "fhir.reference.unresolved" not in rules(check_bundle({**collection, "type": "searchset"}))


def test_what_ordering_noted_gives_the_same_findings_as_a_walk_of_the_bundle() -> None:
    broken_header: dict[str, object] = {
        **HEADER,
        "focus": [{"reference": "urn:uuid:missing"}],
        "sender": {"reference": "urn:uuid:p", "identifier": {"system": HER, "value": "not-a-number"}},
    }
    half: dict[str, object] = {
        "resourceType": "Condition",
        "id": "c",
        "code": {"coding": [{"system": "urn:x"}]},
    }
    for resources in [(HEADER, PROVENANCE, PATIENT), (broken_header, PROVENANCE, PATIENT, half)]:
        watch = Watch(RULE_KEYS)
        ordered_bundle = ordered(bundle(*resources), watch)
        assert watch.complete
        assert check_bundle(ordered_bundle, watch.found) == check_bundle(ordered_bundle)
    assert rules(check_bundle(ordered_bundle, watch.found)) >= {
        "fhir.reference.unresolved",
        "fhir.identifier.her",
        "fhir.code.coding",
    }
