"""Code systems, identifier systems and extension URLs the pivot uses (fhir.md §2, §6.8).

National systems come from no-basis and Volven (``urn:oid:…``); what has no national system yet
(message activity, plan categories, roles) lives under the project's own canonical base.
"""

from __future__ import annotations

from samband.adapters.fhir.identifiers import DNR, DUF, ENH, FHN, FNR, HER, HNR, HPR, LOCAL_PREFIX, RESH, URI
from samband.kernel.codes.lookup import system_uri

__all__ = ["DNR", "DUF", "ENH", "FHN", "FNR", "HER", "HNR", "HPR", "RESH", "URI"]

CANONICAL = "https://samband.no/fhir"
MESSAGE_EVENT = system_uri("8279")
FORSENDELSESSTATUS = system_uri("7309")
MESSAGE_ACTIVITY = f"{CANONICAL}/CodeSystem/message-activity"
MESSAGE_REFERENCE = f"{CANONICAL}/CodeSystem/message-reference"
CAREPLAN_CATEGORY = f"{CANONICAL}/CodeSystem/careplan-category"
COMMUNICATION_CATEGORY = f"{CANONICAL}/CodeSystem/communication-category"
ENCOUNTER_EVENT = f"{CANONICAL}/CodeSystem/encounter-event"
PERSON_ID_TYPE = system_uri("8327")

DOK_ID = f"{CANONICAL}/NamingSystem/dok-id"
MSG_ID = f"{CANONICAL}/NamingSystem/msgid"
"""A Hodemelding MsgId that is not a UUID (the schema allows any string), kept as it was sent."""
PLO_SECTION = f"{CANONICAL}/CodeSystem/plo-seksjon"
KOMPONENT_ID = f"{CANONICAL}/NamingSystem/epj-komponent-id"
"""The ``komponentID`` (UUID) of an EPJ component (Legemiddelinfo …), kept as the resource's identifier."""
TASK_INPUT = f"{CANONICAL}/CodeSystem/dialog-foresporsel-input"
NOTE_ROLE = f"{CANONICAL}/CodeSystem/dialog-rolle"
MESSAGE_DEFINITION = f"{CANONICAL}/MessageDefinition"
EXT_PRIVATE_SERVICE = f"{CANONICAL}/StructureDefinition/privat-tjeneste"
EXT_SERVICE_INFO = f"{CANONICAL}/StructureDefinition/opplysninger-om-tjenesten"
EXT_SERVICE_PROVIDER = f"{CANONICAL}/StructureDefinition/tjenesten-levert-av"
EXT_ESTIMATED = f"{CANONICAL}/StructureDefinition/anslag"
EXT_MAIN_DIAGNOSIS = f"{CANONICAL}/StructureDefinition/hoveddiagnose"
EXT_NOTE_HEADING = f"{CANONICAL}/StructureDefinition/overskrift"
EXT_NOT_WITH_OTHER = f"{CANONICAL}/StructureDefinition/skal-ikke-tas-sammen-med-annet-legemiddel"
EXT_LIVES_ALONE = f"{CANONICAL}/StructureDefinition/bor-alene"
EXT_DISCHARGE_STATE = f"{CANONICAL}/StructureDefinition/uttilstand"
EXT_ISSUE_DATE = f"{CANONICAL}/StructureDefinition/dokument-dato"
EXT_CONSENT = f"{CANONICAL}/StructureDefinition/samtykke"
EXT_CONTENT_DESCRIPTION = f"{CANONICAL}/StructureDefinition/innholdsbeskrivelse"
EXT_MULTIDOSE = f"{CANONICAL}/StructureDefinition/inngaar-i-multidose"
EXT_ABSENCE = f"{CANONICAL}/StructureDefinition/fravaer"
EXT_REMARK = f"{CANONICAL}/StructureDefinition/merknad"
"""The Merknad of a PLO contact block, on its ``CareTeam.participant``."""
EXT_KITH_CODE = f"{CANONICAL}/StructureDefinition/kith-kode"
"""The KITH code exactly as sent (``V``, ``DN``) where the FHIR element is coarser: Address.use/type
(3401), ContactPoint.use (9061), gender (3101), Address.country (9043)."""
EXT_POSTBOX = f"{CANONICAL}/StructureDefinition/postboks"
EXT_NATIONALITY = f"{CANONICAL}/StructureDefinition/nasjonalitet"
EXT_PARTY_PROFESSIONAL = f"{CANONICAL}/StructureDefinition/part-helsepersonell"
EXT_ACK = f"{CANONICAL}/StructureDefinition/kvittering-onskes"
EXT_COM_METHOD = f"{CANONICAL}/StructureDefinition/kommunikasjonsmetode"
EXT_RECEIVER_ROLE = f"{CANONICAL}/StructureDefinition/mottakerrolle"
EXT_OTHER_RECEIVER = f"{CANONICAL}/StructureDefinition/annen-mottaker"
EXT_LINKED_UNIT = f"{CANONICAL}/StructureDefinition/tilknyttet-enhet"
LOCAL_KITH = f"{CANONICAL}/CodeSystem/kith-"
"""Project-local systems for KITH codes sent without ``S`` (``kith-<element>``)."""

NO_BASIS = "http://hl7.no/fhir/StructureDefinition"
EXT_MUNICIPALITY = f"{NO_BASIS}/no-basis-municipalitycode"
EXT_MIDDLE_NAME = f"{NO_BASIS}/no-basis-middlename"
EXT_PATIENT_NATIONALITY = "http://hl7.org/fhir/StructureDefinition/patient-nationality"
EXT_DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
EXT_SYSTEM_AS_SENT = f"{CANONICAL}/StructureDefinition/kodeverk-som-sendt"
"""On a Coding: the ``S`` of the KITH code as sent, when it is not the OID of the system written."""
EXT_DOC_DESCRIPTION = f"{CANONICAL}/StructureDefinition/dokument-beskrivelse"
EXT_DOCUMENT_FACTS = f"{CANONICAL}/StructureDefinition/hodemelding-dokument"
EXT_RICH_TEXT = f"{CANONICAL}/StructureDefinition/dialog-tekst-xml"
EXT_CASE_TYPE_CODED = f"{CANONICAL}/StructureDefinition/dialog-sakstype-kodet"
EXT_CASE_TYPE = f"{CANONICAL}/StructureDefinition/dialog-sakstype"
REFDOC_CONTENT = f"{CANONICAL}/CodeSystem/refdoc-innhold"
"""DocumentReference.content.format: how RefDoc carried it (base64, xml, file-reference)."""
REFDOC_ID = f"{CANONICAL}/NamingSystem/refdoc-id"
REFDOC_MSG_TYPE = system_uri("8114")

PERSON_IDENT_SYSTEMS: dict[str, str] = {
    "FNR": FNR,
    "DNR": DNR,
    "FHN": FHN,
    "HPR": HPR,
    "DUF": DUF,
    "HER": HER,
}
ORG_IDENT_SYSTEMS: dict[str, str] = {"HER": HER, "ENH": ENH, "RSH": RESH}


def ident_system(type_code: str) -> str:
    """FHIR ``Identifier.system`` for a KITH Ident TypeId (8116 persons, 9051 organisations)."""
    if type_code == "HNR":
        return HNR
    known = PERSON_IDENT_SYSTEMS.get(type_code) or ORG_IDENT_SYSTEMS.get(type_code)
    return known or f"{LOCAL_PREFIX}{type_code}"


def ident_type(system: str | None) -> str | None:
    """The KITH Ident TypeId for a FHIR identifier system (inverse of ``ident_system``)."""
    if not system:
        return None
    if system == HNR:
        return "HNR"
    for table in (PERSON_IDENT_SYSTEMS, ORG_IDENT_SYSTEMS):
        for code, uri in table.items():
            if uri == system:
                return code
    return system.removeprefix(LOCAL_PREFIX) if system.startswith(LOCAL_PREFIX) else None
