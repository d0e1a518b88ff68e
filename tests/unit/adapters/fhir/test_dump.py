"""``dump`` gives exactly what fhir_core's ``model_dump(mode="json", exclude_none=True)`` gives, key order
included (the order is what makes the pivot JSON stable)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from samband.adapters.fhir.dump import dump

GOLDEN = Path(__file__).resolve().parents[3] / "golden"

PATIENT: dict[str, Any] = {
    "resourceType": "Patient",
    "id": "p1",
    "fhir_comments": ["synthetic"],
    "birthDate": "1991-12-04",
    "_birthDate": {"extension": [{"url": "http://example.org/x", "valueString": "estimated"}]},
    "identifier": [{"system": "urn:oid:2.16.578.1.12.4.1.4.1", "value": "13116900216"}],
    "name": [{"family": "Nordmann", "given": ["Kari", "Test"]}],
    "gender": "female",
    "active": True,
    "meta": {"lastUpdated": "2024-03-01T10:00:00+01:00", "versionId": "2"},
}
OBSERVATION: dict[str, Any] = {
    "resourceType": "Observation",
    "id": "o1",
    "status": "final",
    "code": {"text": "vekt"},
    "valueQuantity": {"value": 72.50, "unit": "kg"},
    "component": [{"code": {"text": "n"}, "valueQuantity": {"value": 3}}],
    "effectiveDateTime": "2024-03-01T10:00:00Z",
}


def _same(data: dict[str, Any]) -> None:
    model = get_fhir_model_class(str(data["resourceType"])).model_validate(data)
    expected = model.model_dump(mode="json", exclude_none=True)
    assert json.dumps(dump(model)) == json.dumps(expected)


@pytest.mark.parametrize("data", [PATIENT, OBSERVATION], ids=["patient", "observation"])
def test_dump_matches_model_dump_with_extensions_comments_and_decimals(data: dict[str, Any]) -> None:
    _same(data)


def test_dump_matches_model_dump_on_every_golden_bundle() -> None:
    files = [p for p in GOLDEN.rglob("*.json") if '"resourceType"' in p.read_text(encoding="utf-8")]
    bundles = [d for d in (json.loads(p.read_text(encoding="utf-8")) for p in files) if isinstance(d, dict)]
    bundles = [d for d in bundles if d.get("resourceType") == "Bundle"]
    assert bundles, "no golden FHIR Bundles found"
    for data in bundles:
        _same(data)
