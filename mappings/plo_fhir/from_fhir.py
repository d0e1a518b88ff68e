"""FHIR message Bundle → PLO 1.6 Hodemelding: Orientering om tjenestetilbud (CarePlan + ServiceRequests
or inline activity.detail, CareTeam), Helseopplysninger til lege and Medisinske opplysninger
(Communication about Conditions, MedicationStatements, Observations, AllergyIntolerances).

Output is strict: the PLO serializer and the msghead serializer both check the official XSD.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from samband.adapters.msghead.payloads import payload_of
from samband.adapters.plo import forsendelse, new_message, serialize_plo
from samband.kernel.errors import MappingError
from samband.mappings.common.carry import carried_in, insert_carried
from samband.mappings.common.definition import payload_version
from samband.mappings.common.head_out import build_msghead
from samband.mappings.common.state import MapState
from samband.mappings.common.systems import FORSENDELSESSTATUS
from samband.mappings.common.view import BundleView, as_dict, as_list
from samband.mappings.plo_fhir.from_clinical import clinical_fields
from samband.mappings.plo_fhir.from_contacts import header_fields
from samband.mappings.plo_fhir.from_logistics import logistics_fields
from samband.mappings.plo_fhir.from_services import orientering_fields

Fields = Callable[[BundleView, MapState], dict[str, Any]]
BUILDERS: dict[str, Fields] = {
    "ORIENTERING_TJENESTETILBUD": orientering_fields,
    "HELSEOPPLYSNINGER_LEGE": clinical_fields,
    "MEDISINSKE_OPPLYSNINGER": clinical_fields,
    "LOG_INNLAGT": logistics_fields,
    "LOG_UTSKRIVNINGSKLAR": logistics_fields,
    "LOG_AVMELDING": logistics_fields,
    "LOG_UTSKREVET": logistics_fields,
    "LOG_DOD": logistics_fields,
}
TYPES: frozenset[str] = frozenset(BUILDERS)
"""The PLO MsgInfo/Type codes (8279) this mapping writes from FHIR."""
VERSION = "1.6"


def plo_event(view: BundleView) -> str:
    """MessageHeader.eventCoding (8279); a type this mapping cannot write is refused, never guessed."""
    event = view.event()
    if event in BUILDERS:
        return str(event)
    raise MappingError(
        f"no PLO message for event {event!r}",
        code="plo.unsupported-event",
        where="/entry/0/resource/eventCoding",
        expected=", ".join(sorted(BUILDERS)),
        received=str(event),
    )


def status(view: BundleView) -> str:
    """Forsendelsesstatus: the 7309 coding on the Provenance, else C for a revoked/cancelled focus."""
    for provenance in view.of_type("Provenance"):
        for coding in as_list(as_dict(provenance.get("activity")).get("coding")):
            if coding.get("system") == FORSENDELSESSTATUS and coding.get("code") in {"N", "M", "C"}:
                return str(coding["code"])
    cancelled = {"revoked", "entered-in-error", "cancelled"}
    return "C" if any(r.get("status") in cancelled for r in view.focus()) else "N"


def fhir_to_plo(bundle: dict[str, object], state: MapState) -> bytes:
    """A FHIR message Bundle → PLO Hodemelding bytes (schema-valid)."""
    view = BundleView.of(bundle)
    event = plo_event(view)
    fields = header_fields(view, state) | BUILDERS[event](view, state)
    version = payload_version(view, VERSION)
    message = new_message(event, version, forsendelse=forsendelse(status(view)), **fields)
    carried = carried_in(view.resources)
    payload = payload_of(serialize_plo(message, lambda root: insert_carried(root, carried, state)))
    return build_msghead(view, event, payload, state=state)
