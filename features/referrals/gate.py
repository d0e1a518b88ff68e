"""The consent gate: a flag leaves the gateway as a referral only when the GP referred the patient and
the patient consented (domain.md §4: the flag is kept inside the GP office otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass

from samband.features.referrals.flag import GpDecision, IdentificationFlag
from samband.kernel.errors import ContractViolation

KEPT_LOCAL = {
    GpDecision.PENDING: "gp-decision-pending",
    GpDecision.NOT_RELEVANT: "gp-not-relevant",
    GpDecision.INVITED: "patient-invited",
    GpDecision.DECLINED_BY_PATIENT: "patient-declined",
}
"""GP decision → why the flag stays in the GP office (no message, no national id stored)."""


@dataclass(frozen=True)
class GateDecision:
    send: bool
    reason: str


def gate(flag: IdentificationFlag) -> GateDecision:
    """Send only a referred flag with consent; a referred flag without consent is refused (coded)."""
    if flag.gp_decision in KEPT_LOCAL:
        return GateDecision(False, KEPT_LOCAL[flag.gp_decision])
    if not flag.consent.given:
        raise ContractViolation(
            "the GP referred the patient but the patient's consent is not recorded",
            code="referral.no-consent",
            where="/consent/given",
            expected="true when gpDecision is referred",
            received="false",
        )
    return GateDecision(True, "referred-with-consent")
