"""FHIR JSON ↔ R4B Bundle: coded errors that say where, stable serialization."""

from __future__ import annotations

import json

import pytest

from samband.adapters.fhir import normalize, parse_bundle, parse_json, serialize_bundle
from samband.kernel.errors import ParseError, SchemaInvalid

MINIMAL: dict[str, object] = {
    "resourceType": "Bundle",
    "type": "message",
    "timestamp": "2024-01-01T10:00:00+01:00",
    "entry": [
        {
            "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001",
            "resource": {
                "resourceType": "MessageHeader",
                "id": "h1",
                "source": {"endpoint": "urn:oid:2.16.578.1.12.4.1.2:8800001"},
                "eventCoding": {"system": "urn:oid:2.16.578.1.12.4.1.1.8279", "code": "DIALOG_NOTAT"},
            },
        }
    ],
}


def test_not_json_is_a_parse_error_with_line_and_column() -> None:
    with pytest.raises(ParseError) as caught:
        parse_json(b'{\n  "resourceType": "Bundle",\n  oops\n}')
    assert caught.value.code == "fhir.not-json"
    assert caught.value.line == 3


def test_a_patient_is_not_a_bundle() -> None:
    with pytest.raises(SchemaInvalid) as caught:
        parse_bundle({"resourceType": "Patient"})
    assert caught.value.code == "fhir.not-bundle"
    assert caught.value.received == "Patient"


def test_structure_error_names_the_json_pointer() -> None:
    broken = json.loads(json.dumps(MINIMAL))
    broken["entry"][0]["resource"]["colour"] = "blue"
    with pytest.raises(SchemaInvalid) as caught:
        parse_bundle(broken)
    assert caught.value.code == "fhir.structure"
    assert caught.value.where is not None and "entry" in caught.value.where


def test_serialize_is_stable_and_in_fhir_order() -> None:
    shuffled = dict(reversed(list(MINIMAL.items())))
    assert serialize_bundle(shuffled) == serialize_bundle(MINIMAL)
    assert list(normalize(shuffled))[:2] == ["resourceType", "type"]


def test_validate_fhir_reports_structure_and_rules() -> None:
    from samband.adapters.fhir import validate_fhir

    assert [f.code for f in validate_fhir(json.dumps(MINIMAL).encode())] == ["fhir.message.provenance"]
    assert validate_fhir(b"{")[0].code == "fhir.not-json"
    patient = validate_fhir(b'{"resourceType": "Patient", "gender": 3}')
    assert patient and patient[0].code == "fhir.structure" and patient[0].path == "/gender"
    assert validate_fhir(b'{"resourceType": "Nonsense"}')[0].code == "fhir.resource-type"
