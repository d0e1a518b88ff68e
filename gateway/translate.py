"""The gateway's door into adapters/ and mappings/: peek, validate, map to and from the FHIR pivot.

The gateway never touches XML or FHIR libraries itself; each step here is one call through the
format registries (``adapters.formats``, ``mappings.pivot``), with coded errors on the way out.
"""

from __future__ import annotations

import json
from typing import Any

from samband.kernel.envelope import Envelope
from samband.kernel.errors import GatewayError, MappingError, UnsupportedMessage
from samband.kernel.problems import Problem
from samband.mappings.base import Context, Translation

FHIR_JSON = "application/fhir+json"
XML = "application/xml"
CONTENT_TYPES = {"fhir": FHIR_JSON, "ip-export": "application/json"}


def peek(raw: bytes, content_type: str | None = None, hint: str | None = None) -> tuple[str, Envelope]:
    """What the document is and its envelope facts (Hodemelding MsgInfo, ebXML MessageHeader,
    FHIR MessageHeader, ip-export header).

    ``hint`` ``ebxml``: the HTTP body of ``POST /ebxml``, whose MIME boundary is in ``content_type``.
    """
    if hint == "ebxml":
        from samband.adapters.ebxml import read_envelope as ebxml_envelope

        return "ebxml", ebxml_envelope(raw, content_type=content_type)
    from samband.adapters.formats import read_envelope

    kind = detect(raw)
    if kind == "fhir":
        return kind, fhir_envelope(raw)
    if kind == "ip-export":
        return kind, ip_export_envelope(raw)
    found, envelope = read_envelope(raw)
    return str(found), envelope


def _reference_id(value: object) -> str | None:
    if isinstance(value, dict):
        ident = value.get("identifier")
        if isinstance(ident, dict) and ident.get("value"):
            return str(ident["value"])
        if value.get("reference"):
            return str(value["reference"]).rsplit("/", 1)[-1]
    return None


def fhir_envelope(raw: bytes) -> Envelope:
    """FHIR message Bundle: MessageHeader id/event/sender/destination, first Patient identifier."""
    from samband.adapters.fhir import parse_json

    data: dict[str, Any] = parse_json(raw)
    resources = [e.get("resource") or {} for e in data.get("entry", []) if isinstance(e, dict)]
    header = next((r for r in resources if r.get("resourceType") == "MessageHeader"), {})
    patient = next((r for r in resources if r.get("resourceType") == "Patient"), {})
    event = header.get("eventCoding") or {}
    destination = (header.get("destination") or [{}])[0]
    idents = patient.get("identifier") or [{}]
    return Envelope(
        msg_id=str(header.get("id") or data.get("id") or "") or None,
        msg_type=str(event.get("code") or f"FHIR_{str(data.get('type', 'resource')).upper()}"),
        sender_her=_reference_id(header.get("sender")),
        receiver_her=_reference_id(destination.get("receiver")),
        patient_id=str(idents[0].get("value")) if idents[0].get("value") else None,
        namespace="http://hl7.org/fhir",
        version="4.0.1",
    )


def ip_export_envelope(raw: bytes) -> Envelope:
    """ip-export v1: exportId, the plan (as conversation), the plan owner, the exporting service."""
    from samband.adapters.iplan import parse

    export = parse(raw)
    her = export.source.her_id
    return Envelope(
        msg_id=export.export_id,
        msg_type="IP_EXPORT",
        sender_her=str(her) if her is not None else None,
        conversation_ref=export.plan.id,
        patient_id=export.plan.subject.national_id.value,
        version=export.schema_version,
        generated_at=export.generated_at,
    )


def detect(raw: bytes) -> str:
    from samband.adapters.formats import detect as detect_kind

    return str(detect_kind(raw))


def check(raw: bytes) -> list[Problem]:
    """Validate against the official schemas and the format's rules; an error-level finding refuses
    the message with its own coded error (T01 broken XML, T02 schema, E10 MsgId, E31 FNR, T10 …)."""
    from samband.adapters.formats import check as check_document

    _kind, findings = check_document(raw)
    return findings


def to_pivot(raw: bytes, kind: str, ctx: Context) -> Translation[dict[str, Any]]:
    """Map a received document to the FHIR R4 pivot (a Bundle)."""
    if kind == "fhir":
        from samband.adapters.fhir import parse_json

        bundle: dict[str, Any] = parse_json(raw)
        return Translation(bundle)
    if kind == "ip-export":
        from samband.mappings.iplan_fhir.facade import ip_export_to_fhir

        done = ip_export_to_fhir(raw, ctx)
        return Translation(json.loads(done.result), done.issues)
    from samband.mappings import pivot

    result: Translation[dict[str, Any]] = pivot.to_fhir(raw, ctx)
    return result


def from_pivot(
    bundle: dict[str, Any], target: str, raw: bytes, content_type: str | None, ctx: Context
) -> tuple[bytes, str, list[Problem]]:
    """The payload a route delivers: the pivot itself, a translation out of it, or the original bytes."""
    if target == "as-is":
        return raw, content_type or XML, []
    if target == "fhir":
        return json.dumps(bundle, ensure_ascii=False).encode("utf-8"), FHIR_JSON, []
    from samband.mappings import pivot

    from_fhir = getattr(pivot, "from_fhir", None)
    if from_fhir is None:
        raise UnsupportedMessage(
            f"no mapping from the pivot to {target}", code="mapping.no-target", received=target
        )
    translation: Translation[bytes] = from_fhir(bundle, target, ctx)
    return translation.result, CONTENT_TYPES.get(target, XML), translation.issues


def output_envelope(payload: bytes, target: str) -> Envelope | None:
    """The envelope of an emitted Hodemelding (its own MsgId), None for FHIR and other outputs."""
    if target in {"fhir", "ip-export"}:
        return None
    try:
        return peek(payload)[1]
    except GatewayError:
        return None


def needs_pivot(targets: list[str]) -> bool:
    return any(t != "as-is" for t in targets)


def unmappable(issues: list[Problem]) -> bool:
    """True when parts of the message could not be mapped (AppRec status 3, 'OK, feil i delmelding')."""
    return any(str(i.severity) == "error" for i in issues)


def mapping_failed(kind: str, exc: Exception) -> MappingError:
    return MappingError(f"cannot map this {kind} to the pivot: {exc}", code="mapping.failed")
