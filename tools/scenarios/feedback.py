"""The KE loop's synthetic inputs (domain.md §5): Medrave4 identification flags for Kari Nordmann,
the hospital's Pasientlogistikk (HIS 1148) and the GP's Dialogmelding 1.1 answers and avvik.

Used by ``samband corpus`` and by the KE loop tests; every person and HER-id here is invented.
"""

from __future__ import annotations

from typing import Any

from samband.adapters.dialogmelding.model import Dialogmelding, Notat, RichText
from samband.adapters.msghead import Code, Ident, Organisation, Person, build_msghead, serialize_msghead
from samband.adapters.plo import build as plo
from tools.scenarios import all_steps
from tools.scenarios import people as p
from tools.scenarios.build import Step

GP_PERSON_HER = "80111"
HER = Code.of("HER", "HER-id", 9051)
OFFICE = Organisation(name="Sentrum legekontor", idents=(Ident("80101", HER),))
KOMMUNE = Organisation(name="Steinkjer kommune", idents=(Ident("80001", HER),))
HOSPITAL = Organisation(name="Sykehuset Levanger", idents=(Ident("80200", HER),))
KARI = Person(
    family_name="Nordmann",
    given_name="Kari",
    idents=(Ident(p.KARI_FNR, Code.of("FNR", "Fødselsnummer", 8116)),),
)


def flag(decision: str = "referred", consent: bool = True, flag_id: str = "flag-kari") -> dict[str, Any]:
    """An IdentificationFlag (domain.md §4) as the GP tool posts it: Kari, 72, four chronic diagnoses."""
    return {
        "flagId": flag_id,
        "patientRef": "epj-4711",
        "tool": {"name": "Medrave4", "version": "4.2"},
        "flaggedAt": "2026-01-05T10:00:00+01:00",
        "criteriaHit": [
            {"criterion": "age-band", "value": "70-79"},
            {"criterion": "chronic-diagnosis-count", "value": "4"},
            {"criterion": "polypharmacy-count", "value": "11"},
        ],
        "gpDecision": decision,
        "consent": {"given": consent, "at": "2026-01-09T10:00:00+01:00"},
        "patientWords": "Å klare meg selv hjemme",
        "patient": {"nationalId": p.KARI_FNR, "givenName": "Kari", "familyName": "Nordmann"},
        "gp": {
            "name": "Liv Berg",
            "hpr": "9100001",
            "herId": GP_PERSON_HER,
            "officeName": "Sentrum legekontor",
            "officeHer": "80101",
            "phone": "74000101",
            "meetings": "video",
        },
        "receiver": {
            "name": "Steinkjer kommune",
            "herId": "80001",
            "serviceName": "Saksbehandling",
            "serviceHer": "80003",
        },
        "diagnoses": [{"code": "T90", "text": "Diabetes type 2"}],
        "medications": [{"name": "Metformin", "atc": "A10BA02"}],
    }


def hospital_message(kind: str, event_code: str, at: str) -> bytes:
    """LOG_* (Pasientlogistikk, hendelse ``event_code`` at ``at``) from Sykehuset Levanger about Kari."""
    payload = plo.build_logistikk(kind, [plo.hendelse(event_code, at)])
    head = build_msghead(
        msg_type=Code.of(kind, None, 8279), sender=HOSPITAL, receiver=KOMMUNE, payload=payload, patient=KARI
    )
    return serialize_msghead(head)


def gp_dialog(kind: str, display: str, tema: Code, text: str) -> bytes:
    """A Dialogmelding 1.1 from Dr. Berg's practice to the municipality: ``DIALOG_SVAR`` with its
    answer code (kodeverk 9069) or ``DIALOG_AVVIK`` with its reason, and a free-text note."""
    payload = Dialogmelding(
        version="1.1", notater=(Notat(tema_kodet=tema, tekst_notat_innhold=RichText(text)),)
    )
    head = build_msghead(
        msg_type=Code.of(kind, display, 8279), sender=OFFICE, receiver=KOMMUNE, payload=payload, patient=KARI
    )
    return serialize_msghead(head)


def gp_answer(code: str, display: str, text: str) -> bytes:
    """``DIALOG_SVAR`` to KE's request (§5 scenario 2): code 5 answer, 4 needs the patient's consent."""
    return gp_dialog("DIALOG_SVAR", "Svar på forespørsel", Code.of(code, display, 9069), text)


def gp_avvik(text: str = "Ikke min pasient") -> bytes:
    """``DIALOG_AVVIK`` from the GP (§5 scenario 10, negative variant): the message reached the wrong GP."""
    return gp_dialog("DIALOG_AVVIK", "Avvik", Code.of("1", "Feil pasient", 8117), text)


def chain() -> dict[str, list[Step]]:
    """The ip-export steps of the ten chains the KE loop replays, by scenario, in order: every step
    that is accepted, and of the closure only the evaluation and the closure itself."""
    scenarios: dict[str, list[Step]] = {}
    for step in all_steps():
        if (
            step.error is None
            and step.scenario != "s10-closure"
            or step.name in ("01-evaluated", "02-closed")
        ):
            scenarios.setdefault(step.scenario, []).append(step)
    return scenarios
