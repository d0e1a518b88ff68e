"""FHIR message Bundle → PLO 1.5/1.6 Hodemelding of exactly the type ``MessageHeader.eventCoding`` names:
Orientering om tjenestetilbud (CarePlan + ServiceRequests or inline activity.detail, CareTeam); the
clinical reports, Helseopplysninger til lege, Medisinske opplysninger, Helseopplysninger,
Innleggelsesrapport and Utskrivningsrapport (Communication about Conditions, MedicationStatements,
Observations, AllergyIntolerances, Encounters); Pasientlogistikk (Encounter events); Melding om
fravær (Communication with ``fravaer``). Carried elements go back at their place (``common/carry.py``).

A part the message root has no place for is reported (``mapping.not-mapped``); a message that lacks
a part its schema requires is refused (``plo.missing-required``). Output is strict: the PLO
serializer and the msghead serializer both check the official XSD.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from samband.adapters.msghead.payloads import payload_of
from samband.adapters.plo import PloMessage, forsendelse, new_message, serialize_plo
from samband.adapters.plo.xsdinfo import content_at
from samband.kernel.codes import lookup
from samband.kernel.errors import MappingError
from samband.mappings.common.carry import CONTENT_PATH, Carried, carried_in, insert_carried, local_name
from samband.mappings.common.definition import payload_version
from samband.mappings.common.head_out import build_msghead
from samband.mappings.common.state import MapState
from samband.mappings.common.systems import FORSENDELSESSTATUS
from samband.mappings.common.view import BundleView, as_dict, as_list, text_of
from samband.mappings.plo_fhir.from_absence import fravar_fields
from samband.mappings.plo_fhir.from_clinical import clinical_fields
from samband.mappings.plo_fhir.from_contacts import header_fields
from samband.mappings.plo_fhir.from_logistics import logistics_fields
from samband.mappings.plo_fhir.from_services import orientering_fields

Fields = Callable[[BundleView, MapState], dict[str, Any]]
BUILDERS: dict[str, Fields] = {
    "ORIENTERING_TJENESTETILBUD": orientering_fields,
    "HELSEOPPLYSNINGER_LEGE": clinical_fields,
    "MEDISINSKE_OPPLYSNINGER": clinical_fields,
    "HELSEOPPL_SOKNAD": clinical_fields,
    "INNLEGGELSESRAPPORT": clinical_fields,
    "UTSKRIVNINGSRAPPORT": clinical_fields,
    "FRAVARSMELDING": fravar_fields,
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
            code = text_of(coding.get("code"))
            if coding.get("system") == FORSENDELSESSTATUS and code and lookup.display("7309", code):
                return str(coding["code"])
    cancelled = {"revoked", "entered-in-error", "cancelled"}
    return "C" if any(r.get("status") in cancelled for r in view.focus()) else "N"


def _filled(value: object) -> bool:
    return value is not None and value != ()


def fitted(message: PloMessage, carried: list[Carried], state: MapState) -> PloMessage:
    """``message`` with only the parts its root has a place for (the rest reported); refused when
    a part the root requires is neither written nor carried."""
    root = f"{{{message.namespace}}}{message.root}"
    model = content_at((root,))
    allowed = {local_name(tag) for tag in model.children}
    dropped: dict[str, Any] = {}
    present = {"InformasjonOmForsendelsen"} | {c.steps()[1][0] for c in carried if len(c.steps()) > 1}
    for spec in PloMessage.FIELDS:
        name = spec.tag.rpartition(":")[2]
        value = getattr(message, spec.name)
        if not _filled(value):
            continue
        if name in allowed:
            present.add(name)
            continue
        dropped[spec.name] = () if spec.many else None
        state.not_mapped(f"{CONTENT_PATH}/{message.root}/{name}", f"{name} (no place in {message.root})")
    missing = [local_name(tag) for tag in model.required if local_name(tag) not in present]
    if missing:
        raise MappingError(
            f"{message.kind} needs {', '.join(missing)}, which the FHIR message does not give",
            code="plo.missing-required",
            where=f"{CONTENT_PATH}/{message.root}/{missing[0]}",
            expected=", ".join(local_name(tag) for tag in model.required),
            received=", ".join(sorted(present)),
        )
    return replace(message, **dropped) if dropped else message


def fhir_to_plo(bundle: dict[str, object], state: MapState) -> bytes:
    """A FHIR message Bundle → PLO Hodemelding bytes (schema-valid)."""
    view = BundleView.of(bundle)
    event = plo_event(view)
    fields = header_fields(view, state) | BUILDERS[event](view, state)
    version = payload_version(view, VERSION)
    carried = carried_in(view.resources)
    message = fitted(
        new_message(event, version, forsendelse=forsendelse(status(view)), **fields), carried, state
    )
    payload = payload_of(serialize_plo(message, lambda root: insert_carried(root, carried, state)))
    return build_msghead(view, event, payload, state=state)
