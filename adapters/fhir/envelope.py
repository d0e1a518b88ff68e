"""The envelope facts of a FHIR message Bundle: MessageHeader id, event, sender and destination.

Read from the JSON dict (XML is read into the same dict) without building models, so the store can
index a FHIR message before any validation (the FHIR counterpart of the Hodemelding's MsgInfo).
"""

from __future__ import annotations

from typing import Any

from samband.adapters.fhir.bundle import read_fhir
from samband.kernel.envelope import Envelope


def _reference_id(value: object) -> str | None:
    if isinstance(value, dict):
        ident = value.get("identifier")
        if isinstance(ident, dict) and ident.get("value"):
            return str(ident["value"])
        if value.get("reference"):
            return str(value["reference"]).rsplit("/", 1)[-1]
    return None


def fhir_envelope(raw: bytes) -> Envelope:
    """FHIR message Bundle: MessageHeader id/event/sender/destination, first Patient identifier.

    A Bundle without a MessageHeader event is typed ``FHIR_<BUNDLE TYPE>`` (``FHIR_COLLECTION``).
    """
    data: dict[str, Any] = read_fhir(raw)
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
