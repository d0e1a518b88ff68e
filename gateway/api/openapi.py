"""The OpenAPI document (``/openapi.json``, shown at ``/docs`` and ``/redoc``) with what FastAPI cannot
see: the raw request bodies the inbound and ``$validate`` endpoints read themselves (their media types
and what each holds), and the answers every endpoint can give besides its own (credentials, size and
time bounds, an unknown id, a store that does not answer), each with the shape of a coded error.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

CODED_ERRORS = {
    "type": "object",
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "description": "stable code (docs/errors.md)"},
                    "detail": {"type": "string"},
                    "where": {"type": "string"},
                    "expected": {"type": "string"},
                    "received": {"type": "string"},
                },
                "required": ["code"],
            },
        }
    },
}
XML_BODY = {"type": "string", "format": "binary"}
VALIDATED = {
    "description": "the FHIR resource or Bundle to check, bare or as the `resource` part of a Parameters "
    "(R4 resource-operation-validate), in JSON or XML; answered 200 with an OperationOutcome of the findings",
    "content": {
        "application/fhir+json": {
            "schema": {"type": "object", "description": "a resource, Bundle or Parameters"}
        },
        "application/fhir+xml": {"schema": XML_BODY},
        "application/json": {"schema": {"type": "object"}},
    },
}
MESSAGE_BODIES: dict[str, dict[str, Any]] = {
    "POST /messages": {
        "description": "a bare Hodemelding (MsgHead 1.2) with its PLO or Dialogmelding payload, or an "
        "AppRec answering a message the gateway sent; UTF-8 or ISO-8859-1 as its declaration says",
        "content": {"application/xml": {"schema": XML_BODY}, "text/xml": {"schema": XML_BODY}},
    },
    "POST /ebxml": {
        "description": "an ebMS 2.0 message: a MIME multipart/related package (SOAP envelope first, the "
        "Hodemelding as a payload part) or a bare SOAP envelope (a signal such as an Acknowledgment)",
        "content": {
            "multipart/related": {"schema": XML_BODY},
            "text/xml": {"schema": XML_BODY},
            "application/soap+xml": {"schema": XML_BODY},
        },
    },
    "POST /fhir": {
        "description": "a FHIR R4 message Bundle (type message, MessageHeader first) in JSON or XML",
        "content": {
            "application/fhir+json": {"schema": {"type": "object", "description": "Bundle (R4)"}},
            "application/fhir+xml": {"schema": XML_BODY},
        },
    },
    "POST /ip-exports": {
        "description": "an ip-export from an individual-plan tool (docs/ip-export.md): JSON "
        "(schemas/ip-export) or XML (its XSD)",
        "content": {
            "application/json": {"schema": {"type": "object", "description": "ip-export v1"}},
            "application/xml": {"schema": XML_BODY},
        },
    },
    "POST /fhir/$validate": VALIDATED,
    "POST /fhir/{resource_type}/$validate": VALIDATED,
}
INBOUND_ANSWERS = {
    "500": "stored but the gateway failed to process it: kept for replay (internal-error)",
    "503": "stored, not yet processed (configuration missing, store fault): try again after Retry-After",
}
EBXML_ANSWERS = {
    "200": "the ebXML Acknowledgment or MessageError (the same for a repeat)",
    "204": "a signal (Acknowledgment, MessageError) taken in: nothing to answer",
    "400": "a SOAP Fault: too broken to answer with a signal",
}
BOUNDS = {
    "408": "the body did not arrive in time (http.body-timeout)",
    "413": "the body is larger than SAMBAND_MAX_BODY_BYTES (http.body-too-large)",
}
CREDENTIALS = {
    "401": "no or invalid credentials (auth.required, auth.invalid-token …): see WWW-Authenticate",
    "403": "the caller lacks the role this endpoint needs (auth.forbidden)",
}
UNKNOWN = {"404": "no such resource (message.not-found, route.not-found …)"}
STORE = {"503": "the message store did not answer (store.unavailable): try again after Retry-After"}


def _add(operation: dict[str, Any], answers: dict[str, str]) -> None:
    responses = operation.setdefault("responses", {})
    for code, text in answers.items():
        responses.setdefault(code, {"description": text})
        if code != "204" and int(code) >= 400:
            responses[code].setdefault("content", {"application/json": {"schema": CODED_ERRORS}})


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the inbound bodies and every endpoint's further answers added."""
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            key = f"{method.upper()} {path}"
            if key in MESSAGE_BODIES:
                operation["requestBody"] = {"required": True, **MESSAGE_BODIES[key]}
                if "$validate" not in key:  # a check stores nothing
                    _add(operation, INBOUND_ANSWERS)
            if key == "POST /ebxml":
                _add(operation, EBXML_ANSWERS)
            if operation.get("security"):
                _add(operation, CREDENTIALS)
            if method in {"post", "put", "patch"}:
                _add(operation, BOUNDS)
            if "{" in path:
                _add(operation, UNKNOWN)
            _add(operation, STORE)
    return document


def install(app: FastAPI) -> None:
    """Serve the completed document (built once, on the first request for it)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    summary=app.summary,
                    description=app.description,
                    routes=app.routes,
                    tags=app.openapi_tags,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
