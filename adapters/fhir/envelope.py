"""The envelope facts of a FHIR message Bundle: MessageHeader id, event, sender and destination.

Read from the JSON dict (XML is read into the same dict) without building models, so the store can
index a FHIR message before any validation (the FHIR counterpart of the Hodemelding's MsgInfo). A
part the facts are read from that has the wrong JSON type (``entry`` not an array, a resource not an
object …) is refused as ``fhir.structure`` with its JSON pointer.
"""

from __future__ import annotations

from typing import Any

from samband.adapters.fhir.bundle import read_fhir
from samband.kernel.envelope import Envelope
from samband.kernel.errors import SchemaInvalid


def _typed(value: object, kind: type[dict[str, Any]] | type[list[Any]], where: str) -> Any:
    """``value`` when it is of ``kind`` (absent: an empty one), else the coded refusal."""
    if value is None:
        return kind()
    if not isinstance(value, kind):
        name = "an object" if kind is dict else "an array"
        raise SchemaInvalid(
            f"FHIR Bundle does not validate: {where} is not {name}",
            code="fhir.structure",
            where=where,
            expected=f"a JSON {'object' if kind is dict else 'array'}",
            received=type(value).__name__,
        )
    return value


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
    resources: list[dict[str, Any]] = []
    for index, entry in enumerate(_typed(data.get("entry"), list, "/entry")):
        where = f"/entry/{index}"
        resources.append(_typed(_typed(entry, dict, where).get("resource"), dict, f"{where}/resource"))
    header = next((r for r in resources if r.get("resourceType") == "MessageHeader"), {})
    patient = next((r for r in resources if r.get("resourceType") == "Patient"), {})
    event = _typed(header.get("eventCoding"), dict, "MessageHeader/eventCoding")
    destination = _typed(
        (_typed(header.get("destination"), list, "MessageHeader/destination") or [{}])[0],
        dict,
        "MessageHeader/destination/0",
    )
    idents = _typed(patient.get("identifier"), list, "Patient/identifier") or [{}]
    first_ident = _typed(idents[0], dict, "Patient/identifier/0")
    return Envelope(
        msg_id=str(header.get("id") or data.get("id") or "") or None,
        msg_type=str(event.get("code") or f"FHIR_{str(data.get('type', 'resource')).upper()}"),
        sender_her=_reference_id(header.get("sender")),
        receiver_her=_reference_id(destination.get("receiver")),
        patient_id=str(first_ident.get("value")) if first_ident.get("value") else None,
        namespace="http://hl7.org/fhir",
        version="4.0.1",
    )
