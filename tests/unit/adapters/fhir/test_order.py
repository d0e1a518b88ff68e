"""``ordered`` puts the gateway's own Bundle in FHIR element order without building R4B models, and
gives exactly what ``normalize`` (validate, then dump) gives, key order and canonical values included;
what it cannot be sure of goes through the models, so odd data is still refused with a code."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from samband.adapters.fhir import normalize, own_bundle, write_bundle
from samband.adapters.fhir.order import Unsure, ordered
from samband.adapters.msghead.parse import parse_msghead
from samband.gateway.routing.table import RouteTable
from samband.gateway.runtime import Services
from samband.gateway.settings import Settings
from samband.kernel.errors import SchemaInvalid
from samband.mappings.base import fixed_context
from samband.mappings.common.state import MapState
from samband.mappings.plo_fhir.to_fhir import plo_to_fhir

MESSAGES = Path(__file__).resolve().parents[3] / "messages"


def _bytes(data: dict[str, Any]) -> bytes:
    return write_bundle(data)


def _bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "collection",
        "entry": [
            {"resource": r, "fullUrl": f"urn:uuid:{i:08d}-0000-4000-8000-000000000000"}
            for i, r in enumerate(resources)
        ],
        "resourceType": "Bundle",
        "id": "b1",
    }


PATIENT: dict[str, Any] = {
    "gender": "female",
    "name": [{"given": ["Kari", "Test"], "family": "Nordmann"}],
    "_gender": {"extension": [{"valueString": "as sent", "url": "http://example.org/x"}]},
    "identifier": [{"value": "13116900216", "system": "urn:oid:2.16.578.1.12.4.1.4.1"}],
    "birthDate": "1991-12-04",
    "resourceType": "Patient",
    "meta": {"versionId": "2", "lastUpdated": "2024-03-01T10:00:00.000+01:00"},
    "active": True,
    "id": "p1",
}
OBSERVATION: dict[str, Any] = {
    "valueQuantity": {"unit": "kg", "value": 72.50},
    "status": "final",
    "resourceType": "Observation",
    "component": [
        {"valueQuantity": {"value": 3}, "code": {"text": "n"}},
        {"valueInteger": 4, "code": {"text": "m"}},
    ],
    "code": {"text": "vekt"},
    "effectiveDateTime": "2024-03-01T10:00:00Z",
    "id": "o1",
}
DOCUMENT: dict[str, Any] = {
    "resourceType": "DocumentReference",
    "status": "current",
    "content": [
        {
            "attachment": {
                "data": base64.b64encode(b"Metoprolol 50 mg x 1\n").decode(),
                "contentType": "text/plain",
            }
        }
    ],
    "id": "d1",
}


def test_a_mapped_bundle_is_ordered_without_models_and_equals_the_validated_one() -> None:
    raw = (MESSAGES / "plo" / "innleggelsesrapport_1_6.xml").read_bytes()
    written = plo_to_fhir(parse_msghead(raw), MapState(fixed_context()))
    fast = ordered(written)  # no Unsure: the gateway's own output takes the fast way
    assert _bytes(fast) == _bytes(normalize(written))
    assert list(fast) == list(normalize(written))


def test_key_order_and_canonical_values_are_those_of_the_models() -> None:
    bundle = _bundle(PATIENT, OBSERVATION, DOCUMENT)
    fast = ordered(bundle)
    assert _bytes(fast) == _bytes(normalize(bundle))
    patient = fast["entry"][0]["resource"]  # type: ignore[index]
    assert list(patient)[:3] == ["resourceType", "id", "meta"]
    assert patient["meta"]["lastUpdated"] == "2024-03-01T10:00:00+01:00"  # as R4B writes it back
    assert list(json.loads(_bytes(fast))["entry"][0]) == ["fullUrl", "resource"]


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.update({"nickname": "Kari"}),  # no such element
        lambda p: p.update({"gender": ""}),  # an empty string
        lambda p: p.update({"gender": 3}),  # a number where a code belongs
        lambda p: p.update({"name": []}),  # an empty list
        lambda p: p.update({"name": {"family": "Nordmann"}}),  # one where a list belongs
        lambda p: p.update({"birthDate": "04.12.1991"}),  # not a FHIR date
        lambda p: p.pop("resourceType"),  # a resource without its type
    ],
)
def test_what_the_plan_is_not_sure_of_is_validated(change: Any) -> None:
    patient = json.loads(json.dumps(PATIENT))
    change(patient)
    bundle = _bundle(patient)
    with pytest.raises(Unsure):
        ordered(bundle)
    try:
        expected = normalize(bundle)
    except SchemaInvalid:
        with pytest.raises(SchemaInvalid) as refused:
            own_bundle(bundle, validate=False)
        assert refused.value.code == "fhir.structure"
    else:
        assert own_bundle(bundle, validate=False) == expected


def test_a_wrong_bundle_is_refused_with_a_code_when_validated() -> None:
    bundle = _bundle({**PATIENT, "gender": ""})
    with pytest.raises(SchemaInvalid) as refused:
        own_bundle(bundle, validate=True)
    assert refused.value.code == "fhir.structure"


@pytest.mark.parametrize(("sample", "expected"), [(0.0, {False}), (1.0, {True})])
def test_the_service_validates_the_share_its_setting_names(sample: float, expected: set[bool]) -> None:
    services = Services(
        settings=Settings(fhir_validate_sample=sample),
        engine=create_engine("sqlite://"),
        routes=RouteTable(()),
    )
    assert {services.context().validate for _ in range(50)} == expected


def test_the_sample_setting_defaults_to_one_in_a_hundred(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAMBAND_FHIR_VALIDATE_SAMPLE", raising=False)
    assert Settings().fhir_validate_sample == 0.01
    monkeypatch.setenv("SAMBAND_FHIR_VALIDATE_SAMPLE", "0.5")
    assert Settings().fhir_validate_sample == 0.5
