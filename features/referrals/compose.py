"""The referral a consented flag becomes: PLO 1.6 Medisinske opplysninger headed «Oppfølgingsteam» to
the KE's service address, plus a ServiceRequest in the pivot (fhir.md §6.3).

The message carries the background for the identification as readable text, the relevant
diagnoses and medication list, the patient's own words, the consent statement and how the GP
wants to take part. Typed models only; ``serialize_msghead`` checks the official schemas.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from samband.adapters.kith.datatypes import Code
from samband.adapters.msghead import (
    HealthcareProfessional,
    Ident,
    MsgHead,
    Organisation,
    Person,
    build_msghead,
    serialize_msghead,
)
from samband.adapters.plo import build as plo
from samband.adapters.plo import clinical
from samband.features.feedback.format import no_date
from samband.features.feedback.render import code
from samband.features.feedback.texts import fill, render_lines
from samband.features.referrals.flag import IdentificationFlag, PatientDetails
from samband.kernel.ids import stable_id
from samband.mappings.base import Context

TEXTS_FILE = Path(__file__).with_name("texts.yaml")
IDENTIFIER_FNR = "urn:oid:2.16.578.1.12.4.1.4.1"
IDENTIFIER_DNR = "urn:oid:2.16.578.1.12.4.1.4.2"
IDENTIFIER_HPR = "urn:oid:2.16.578.1.12.4.1.4.4"
CONSENT_GIVEN = Code.of("1", "Ja, samtykke er innhentet", 9064)
ICPC2 = "7170"
ICD10 = "7110"


@functools.cache
def referral_texts() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class Referral:
    """The referral: Hodemelding bytes for the KE, its MsgId, and the ServiceRequest (FHIR JSON)."""

    msg_id: str
    xml: bytes
    model: MsgHead
    service_request: dict[str, Any]
    text: str


def referral_text(flag: IdentificationFlag) -> list[str]:
    """The background for the identification as short Norwegian lines."""
    texts = referral_texts()
    criteria = [
        {"text": fill(texts["criteria"][c.criterion], {"value": c.text or c.value}) or c.value}
        for c in flag.criteria_hit
    ]
    values = {
        "tool": f"{flag.tool.name} {flag.tool.version}".strip() if flag.tool.version else flag.tool.name,
        "flagged_date": no_date(flag.flagged_at.date()),
        "criteria": criteria,
        "patient_words": flag.patient_words,
        "consent_date": no_date(flag.consent.at.date()) if flag.consent.at else None,
        "consent_statement": flag.consent.statement,
        "meetings": texts["meetings"].get(flag.gp.meetings) if flag.gp.meetings else None,
        "gp_name": flag.gp.name,
        "office_name": flag.gp.office_name,
        "gp_phone": flag.gp.phone,
    }
    return render_lines(texts["lines"], values)


def _split(name: str) -> tuple[str, str]:
    given, _, family = name.rpartition(" ")
    return given or name, family or name


def _sender(flag: IdentificationFlag) -> Organisation:
    given, family = _split(flag.gp.name)
    idents = [Ident(flag.gp.her_id, code("ident_her_person"))]
    if flag.gp.hpr:
        idents.append(Ident(flag.gp.hpr, code("ident_hpr")))
    person = HealthcareProfessional(
        idents=tuple(idents), role_to_patient=code("gp_role"), given_name=given, family_name=family
    )
    office = (Ident(flag.gp.office_her, code("ident_her_org")),)
    return Organisation(name=flag.gp.office_name, idents=office, healthcare_professional=person)


def _receiver(flag: IdentificationFlag) -> Organisation:
    r = flag.receiver
    service = Organisation(name=r.service_name, idents=(Ident(r.service_her, code("ident_her_org")),))
    return Organisation(name=r.name, idents=(Ident(r.her_id, code("ident_her_org")),), organisation=service)


def _patient(p: PatientDetails) -> Person:
    kind = "ident_dnr" if int(p.national_id[0]) >= 4 else "ident_fnr"
    born = p.birth_date.isoformat() if p.birth_date else None
    return Person(
        family_name=p.family_name,
        given_name=p.given_name,
        date_of_birth=born,
        idents=(Ident(p.national_id, code(kind)),),
    )


def _payload(flag: IdentificationFlag, lines: list[str]) -> Any:
    heading = referral_texts()["heading"]
    note = plo.journalnotat([(None, "\n".join([heading, *lines]))])
    diagnoses = tuple(
        plo.diagnose(d.code, d.text, system=ICPC2 if d.system == "ICPC-2" else ICD10) for d in flag.diagnoses
    )
    family, given = _split(flag.gp.name)[1], _split(flag.gp.name)[0]
    return plo.build_medisinske_opplysninger(
        ansvar=(plo.ansvar(family, given, flag.gp.hpr, rolle="6", telefon=flag.gp.phone),)
        if flag.gp.hpr
        else (),
        diagnoser=(clinical.InfoMedisinskDiagnose(diagnoser=diagnoses),) if diagnoses else (),
        medisinskfaglige=clinical.MedisinskfagligeOpplysninger(journalnotater=(note,)),
        legemidler=tuple(plo.legemiddel(m.name, atc=m.atc) for m in flag.medications),
    )


def service_request(flag: IdentificationFlag, msg_id: str, ctx: Context, text: str) -> dict[str, Any]:
    """ServiceRequest (fhir.md §6.3): need for coordinator / IP / oppfølgingsteam, requested by the GP."""
    assert flag.patient is not None
    system = IDENTIFIER_DNR if int(flag.patient.national_id[0]) >= 4 else IDENTIFIER_FNR
    requester: dict[str, Any] = {"display": f"{flag.gp.name}, {flag.gp.office_name}"}
    if flag.gp.hpr:
        requester["identifier"] = {"system": IDENTIFIER_HPR, "value": flag.gp.hpr}
    return {
        "resourceType": "ServiceRequest",
        "id": stable_id("ServiceRequest", "referral", flag.flag_id),
        "identifier": [{"system": "urn:samband:referral", "value": msg_id}],
        "status": "active",
        "intent": "order",
        "category": [{"coding": [{"system": "urn:samband:category", "code": "ip-koordinering"}]}],
        "code": {"text": "Behov for oppfølgingsteam, koordinator og/eller individuell plan"},
        "subject": {
            "reference": f"Patient/{flag.patient.national_id}",
            "identifier": {"system": system, "value": flag.patient.national_id},
        },
        "authoredOn": ctx.now().isoformat(),
        "requester": requester,
        "performer": [{"display": f"{flag.receiver.name}, {flag.receiver.service_name}"}],
        "note": [{"text": text}],
    }


def compose_referral(flag: IdentificationFlag, ctx: Context) -> Referral:
    """The referral for a flag the gate let through."""
    assert flag.patient is not None
    lines = referral_text(flag)
    head = build_msghead(
        msg_type=Code.of("MEDISINSKE_OPPLYSNINGER", "Medisinske opplysninger", 8279),
        sender=_sender(flag),
        receiver=_receiver(flag),
        payload=_payload(flag, lines),
        patient=_patient(flag.patient),
        now=ctx.now(),
        new_id=ctx.new_id(),
    )
    first = dataclasses.replace(head.documents[0], consent=CONSENT_GIVEN)
    head = dataclasses.replace(head, documents=(first, *head.documents[1:]))
    text = "\n".join(lines)
    return Referral(
        head.msg_id, serialize_msghead(head), head, service_request(flag, head.msg_id, ctx, text), text
    )
