"""The identification flag at the edge, the consent gate, and the referral it becomes."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from samband.adapters.msghead import parse_msghead
from samband.adapters.msghead.validate import validate_msghead
from samband.features.referrals.compose import compose_referral, referral_text
from samband.features.referrals.flag import IdentificationFlag
from samband.features.referrals.gate import gate
from samband.kernel.errors import ContractViolation
from samband.mappings.base import fixed_context
from tools.scenarios import people as p


def flag(**changes: Any) -> IdentificationFlag:
    data: dict[str, Any] = {
        "flagId": "flag-1",
        "patientRef": "epj-4711",
        "tool": {"name": "Medrave4", "version": "4.2", "ruleSetId": "r7"},
        "flaggedAt": "2026-01-05T10:00:00+01:00",
        "criteriaHit": [
            {"criterion": "age-band", "value": "70-79"},
            {"criterion": "polypharmacy-count", "value": "11"},
            {"criterion": "diagnosis-code", "value": "T90", "text": "T90 Diabetes type 2"},
        ],
        "gpDecision": "referred",
        "consent": {"given": True, "at": "2026-01-09T10:00:00+01:00"},
        "patientWords": "Å klare meg selv hjemme",
        "patient": {"nationalId": p.KARI_FNR, "givenName": "Kari", "familyName": "Nordmann"},
        "gp": {
            "name": "Liv Berg",
            "hpr": "9100001",
            "herId": "80111",
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
        "diagnoses": [
            {"code": "T90", "text": "Diabetes type 2"},
            {"code": "E11", "system": "ICD-10", "text": "Diabetes mellitus type 2"},
        ],
        "medications": [{"name": "Metformin", "atc": "A10BA02"}, {"name": "Paracet"}],
    }
    data.update(changes)
    return IdentificationFlag.model_validate(data)


@pytest.mark.parametrize(
    ("decision", "reason"),
    [
        ("declined-by-patient", "patient-declined"),
        ("not-relevant", "gp-not-relevant"),
        ("pending", "gp-decision-pending"),
        ("invited", "patient-invited"),
    ],
)
def test_a_flag_that_is_not_a_referral_stays_local(decision: str, reason: str) -> None:
    outcome = gate(flag(gpDecision=decision, consent={"given": False}, patient=None))
    assert not outcome.send and outcome.reason == reason


def test_referred_without_consent_is_refused_with_a_code() -> None:
    with pytest.raises(ContractViolation) as caught:
        gate(flag(consent={"given": False}))
    assert caught.value.code == "referral.no-consent" and caught.value.where == "/consent/given"


def test_the_edge_refuses_bad_ids_unknown_fields_and_a_referral_without_the_patient() -> None:
    with pytest.raises(ValidationError, match="nationalId"):
        flag(patient={"nationalId": "12345678901", "givenName": "K", "familyName": "N"})
    with pytest.raises(ValidationError, match="extra"):
        flag(secret="x")
    with pytest.raises(ValidationError, match="national id"):
        flag(patient=None)
    with pytest.raises(ValidationError, match="criteriaHit"):
        flag(criteriaHit=[])


def test_the_referral_is_a_schema_valid_plo_medisinske_opplysninger_headed_oppfolgingsteam() -> None:
    referral = compose_referral(flag(), fixed_context())
    assert [f.text for f in validate_msghead(referral.xml) if f.severity.value == "error"] == []
    head = parse_msghead(referral.xml)
    assert head.msg_type == "MEDISINSKE_OPPLYSNINGER"
    assert head.msg_info.receiver.organisation.communication_party_her == "80003"
    assert head.documents[0].consent is not None and head.documents[0].consent.v == "1"
    text = referral.xml.decode("utf-8")
    assert "Oppfølgingsteam\nMelding om behov for oppfølgingsteam" in text
    assert "A10BA02" in text and "E11" in text
    assert "epj-4711" not in text, "the local EPJ reference never leaves"


def test_the_text_gives_the_background_the_patients_words_and_the_gps_wish() -> None:
    lines = referral_text(flag())
    assert "- Alder: 70-79" in lines and "- Diagnose: T90 Diabetes type 2" in lines
    assert "Hva er viktig for pasienten: «Å klare meg selv hjemme»" in lines
    assert "Fastlegen ønsker å delta i møter: ja, helst på video." in lines


def test_the_service_request_points_at_the_patient_and_the_gp() -> None:
    request = compose_referral(flag(), fixed_context()).service_request
    assert request["resourceType"] == "ServiceRequest" and request["intent"] == "order"
    assert request["subject"]["identifier"]["value"] == p.KARI_FNR
    assert request["requester"]["identifier"]["value"] == "9100001"
    assert "Medrave4" in request["note"][0]["text"]
