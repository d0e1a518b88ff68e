"""How ``/fhir/…`` answers: FHIR JSON or XML (``_format``, else ``Accept``; XML through fhir.resources),
``ETag`` and ``Last-Modified`` on resources, and every error as an OperationOutcome whose
``issue.details`` carries the project's code (kernel/catalogue.yaml) — FHIR R4 §3.1.0 (http.html).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fhir.resources.R4B import get_fhir_model_class

from samband.kernel.errors import FhirApiError, FhirNotAcceptable, GatewayError, reply_for
from samband.kernel.problems import Problem
from samband.mappings.common.systems import CANONICAL

FHIR_JSON = "application/fhir+json"
FHIR_XML = "application/fhir+xml"
ERROR_CODES = f"{CANONICAL}/CodeSystem/error-code"
MEDIA = {
    "json": FHIR_JSON,
    FHIR_JSON: FHIR_JSON,
    "application/json": FHIR_JSON,
    "application/json+fhir": FHIR_JSON,
    "xml": FHIR_XML,
    FHIR_XML: FHIR_XML,
    "application/xml": FHIR_XML,
    "application/xml+fhir": FHIR_XML,
    "text/xml": FHIR_XML,
}
"""``_format`` and ``Accept`` values → the media type answered (R4 §3.1.0.1.10)."""
ISSUE_TYPE = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    410: "deleted",
    413: "too-long",
    422: "invalid",
    503: "transient",
}
"""HTTP status → OperationOutcome.issue.code (value set issue-type)."""


def is_fhir_path(request: Request) -> bool:
    """True for the FHIR REST paths (``/fhir/…``), whose errors are OperationOutcomes; ``POST /fhir``
    (receiving a message Bundle) answers like ``/messages``."""
    return request.url.path.startswith("/fhir/")


def media_type(request: Request) -> str:
    """The media type to answer in: ``_format`` when given (refused when unknown), else the first
    FHIR type ``Accept`` names, else FHIR JSON."""
    asked = request.query_params.get("_format")
    if asked is not None:
        found = MEDIA.get(asked.split(";")[0].strip().lower())
        if found is None:
            raise FhirNotAcceptable(f"cannot answer in {asked!r}", where="_format", expected="json or xml")
        return found
    for part in request.headers.get("accept", "").split(","):
        found = MEDIA.get(part.split(";")[0].strip().lower())
        if found:
            return found
    return FHIR_JSON


def body_of(resource: dict[str, Any], media: str, pretty: bool = False) -> bytes:
    """``resource`` as FHIR JSON or FHIR XML (fhir.resources R4B models, which read R4)."""
    if media == FHIR_XML:
        model = get_fhir_model_class(str(resource["resourceType"])).model_validate(resource)
        xml: str | bytes = model.model_dump_xml(pretty_print=pretty)
        return xml.encode() if isinstance(xml, str) else xml
    return json.dumps(resource, ensure_ascii=False, indent=2 if pretty else None).encode()


def answer(
    request: Request, resource: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """``resource`` in the format the request asks for."""
    media = media_type(request)
    pretty = request.query_params.get("_pretty", "false").lower() == "true"
    return Response(body_of(resource, media, pretty), status_code=status, media_type=media, headers=headers)


def outcome(issues: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome", "issue": issues}


def outcome_issue(
    code: str, text: str, severity: str = "error", status: int = 400, where: str | None = None
) -> dict[str, Any]:
    """One OperationOutcome.issue: the project's code in ``details.coding``, the text, where."""
    found: dict[str, Any] = {
        "severity": severity,
        "code": ISSUE_TYPE.get(status, "exception" if status >= 500 else "processing"),
        "details": {"coding": [{"system": ERROR_CODES, "code": code}], "text": text},
    }
    if where:
        found["expression"] = [where]
    return found


def finding_issue(finding: Problem) -> dict[str, Any]:
    """A validation finding (``samband validate``) as an OperationOutcome.issue."""
    place = f"line {finding.line}, column {finding.column}" if finding.line else None
    found = outcome_issue(finding.code, finding.text, str(finding.severity), 422, finding.path)
    if place:
        found["diagnostics"] = place
    return found


def error_answer(request: Request, error: GatewayError, headers: dict[str, str] | None = None) -> Response:
    """``error`` as an OperationOutcome with its HTTP status (JSON when the asked format is the error)."""
    status = reply_for(error).http_status
    text = error.detail if not error.expected else f"{error.detail} (expected {error.expected})"
    return outcome_answer(
        request, outcome_issue(error.code, text, "error", status, error.where), status, headers
    )


def outcome_answer(
    request: Request, found: dict[str, Any], status: int, headers: dict[str, str] | None = None
) -> Response:
    """An OperationOutcome of one issue with ``status``, in the asked format (JSON when that is unknown)."""
    body = outcome([found])
    try:
        media = media_type(request)
    except FhirApiError:
        media = FHIR_JSON
    return Response(body_of(body, media), status_code=status, media_type=media, headers=headers)
