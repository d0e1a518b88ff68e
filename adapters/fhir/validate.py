"""``samband validate`` for FHIR JSON or XML: structure with fhir.resources R4B, then the profile rules.

Any resource type parses against its R4B model; a Bundle also goes through ``rules.check_bundle``,
which holds a message Bundle to the message rules and a collection (an ip-export's FHIR view) or any
other Bundle type to the rules of its kind. A single resource (Patient, CarePlan …) is checked for
structure only: its references point at resources it does not carry.
"""

from __future__ import annotations

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from samband.adapters.fhir.bundle import parse_bundle, read_fhir
from samband.adapters.fhir.rules import check_bundle
from samband.kernel.errors import GatewayError
from samband.kernel.problems import Problem, Severity


def _error(
    rule: str, message: str, where: str | None, line: int | None = None, column: int | None = None
) -> Problem:
    return Problem(code=rule, severity=Severity.ERROR, text=message, line=line, column=column, path=where)


def _single(data: dict[str, object]) -> list[Problem]:
    kind = str(data.get("resourceType") or "")
    try:
        model = get_fhir_model_class(kind)
    except (KeyError, ValueError):
        return [_error("fhir.resource-type", f"unknown FHIR resource type {kind!r}", "/resourceType")]
    try:
        model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        pointer = "/" + "/".join(str(p) for p in first["loc"])
        return [_error("fhir.structure", f"{first['msg']} ({exc.error_count()} error(s))", pointer)]
    return []


def validate_fhir(raw: bytes) -> list[Problem]:
    """Findings for one FHIR document (JSON or XML); an empty list means valid."""
    try:
        data = read_fhir(raw)
        if data.get("resourceType") != "Bundle":
            return _single(data)
        parse_bundle(data)
    except GatewayError as exc:
        return [_error(exc.code, exc.detail, exc.where, exc.line, exc.column)]
    return check_bundle(data)
