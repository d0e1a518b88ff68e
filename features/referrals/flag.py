"""The identification flag a GP tool posts (domain.md §4 ``IdentificationFlag``), checked at the edge.

A Medrave-like risk tool flags a patient; the GP decides; the patient consents or not. Only a flag
with ``gpDecision = referred`` and the patient's consent becomes a referral. The patient's national
id and names are needed only then (the flag itself carries the local EPJ reference).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from samband.adapters.ident import check_person_id, hpr_problem


class Edge(BaseModel):
    """camelCase JSON, unknown fields refused, values frozen."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


class GpDecision(StrEnum):
    """The Steinkjer routine: the GP's judgement and the patient's answer."""

    PENDING = "pending"
    NOT_RELEVANT = "not-relevant"
    INVITED = "invited"
    DECLINED_BY_PATIENT = "declined-by-patient"
    REFERRED = "referred"


Criterion = Literal[
    "age-band",
    "sex",
    "chronic-diagnosis-count",
    "diagnosis-code",
    "polypharmacy-count",
    "recent-admissions",
    "other",
]


class CriterionHit(Edge):
    """One reason the tool flagged the patient («bakgrunnen for identifisering»)."""

    criterion: Criterion
    value: str = Field(min_length=1)
    text: str | None = None


class Tool(Edge):
    name: str = Field(min_length=1)
    version: str | None = None
    rule_set_id: str | None = None


class Consent(Edge):
    """The patient's consent to the referral (and to the GP being told what happens)."""

    given: bool
    at: datetime | None = None
    gp_feedback: bool = True
    statement: str | None = None


class PatientDetails(Edge):
    """The patient as the referral needs them; required only when the flag is referred."""

    national_id: str
    given_name: str = Field(min_length=1)
    family_name: str = Field(min_length=1)
    birth_date: date | None = None

    @field_validator("national_id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        check = check_person_id(value)
        if not check.valid:
            raise ValueError(f"not a valid FNR/DNR: {check.problem}")
        return check.value


class Gp(Edge):
    """The referring GP and the practice, as the Hodemelding sender needs them."""

    name: str = Field(min_length=1)
    hpr: str | None = None
    her_id: str = Field(pattern=r"^\d{1,9}$")
    office_name: str = Field(min_length=1)
    office_her: str = Field(pattern=r"^\d{1,9}$")
    phone: str | None = None
    meetings: Literal["yes", "no", "video"] | None = None

    @field_validator("hpr")
    @classmethod
    def _valid_hpr(cls, value: str | None) -> str | None:
        if value is not None and (problem := hpr_problem(value)):
            raise ValueError(problem)
        return value


class Receiver(Edge):
    """The KE's service address (Adresseregister): municipality and service HER-ids."""

    name: str = Field(min_length=1)
    her_id: str = Field(pattern=r"^\d{1,9}$")
    service_name: str = Field(min_length=1)
    service_her: str = Field(pattern=r"^\d{1,9}$")


class Diagnosis(Edge):
    code: str = Field(min_length=1)
    system: Literal["ICPC-2", "ICD-10"] = "ICPC-2"
    text: str = Field(min_length=1)


class Medication(Edge):
    name: str = Field(min_length=1)
    atc: str | None = None


class IdentificationFlag(Edge):
    """POST /referrals body: the flag, the GP's decision, the consent, the patient's own words."""

    flag_id: str = Field(min_length=1, max_length=100)
    patient_ref: str = Field(min_length=1, description="local EPJ id; never sent")
    tool: Tool
    flagged_at: datetime
    criteria_hit: list[CriterionHit] = Field(min_length=1)
    risk_score: float | None = None
    gp_decision: GpDecision
    decision_at: datetime | None = None
    decided_by: str | None = None
    consent: Consent
    patient_words: str | None = Field(default=None, description="«Hva er viktig for deg?»")
    patient: PatientDetails | None = None
    gp: Gp
    receiver: Receiver
    diagnoses: list[Diagnosis] = []
    medications: list[Medication] = []

    @model_validator(mode="after")
    def _referral_needs_patient(self) -> IdentificationFlag:
        if self.gp_decision is GpDecision.REFERRED and self.consent.given and self.patient is None:
            raise ValueError("a referred flag with consent needs the patient's national id and names")
        return self
