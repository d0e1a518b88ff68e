"""What the engine needs to know about one patient and the GP: consent, a block, what the GP has.

``apply_event`` is the pure state transition for events that change it (consent granted or withdrawn,
a DIALOG_AVVIK from the GP); the store keeps the result in ``feedback_state`` (tables.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from samband.features.feedback.events import EventKind, FeedbackEvent
from samband.features.feedback.rules import ConsentNeed

SCOPE_ALL = "all"


@dataclass(frozen=True)
class ConsentState:
    """The patient's consent as it concerns the GP (forskrift om IP § 19 j; domain.md §3.3).

    ``gp_feedback``: the GP may be told what happens (services, coordinator, team by service and
    role). ``plan_content``: the GP may also see plan content (goals, meeting summaries, evaluations).
    """

    gp_feedback: bool = False
    plan_content: bool = False

    def allows(self, need: ConsentNeed) -> bool:
        if need is ConsentNeed.NONE:
            return True
        if need is ConsentNeed.GP_FEEDBACK:
            return self.gp_feedback
        return self.gp_feedback and self.plan_content


@dataclass(frozen=True)
class FeedbackState:
    """Per patient: consent, the GP's HER-id when known, who referred, blocked GPs, known facts.

    ``known`` maps ``"<rule id>:<fact>"`` to the value the GP was last sent, so the same fact is not
    sent again. ``blocked_gps`` holds HER-ids that reported a wrong patient or addressee.
    """

    patient_id: str
    consent: ConsentState = ConsentState()
    gp_her: str | None = None
    referrer_her: str | None = None
    blocked_gps: frozenset[str] = frozenset()
    known: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "known", MappingProxyType(dict(self.known)))

    @property
    def gp_blocked(self) -> bool:
        return self.gp_her is not None and self.gp_her in self.blocked_gps

    def remember(self, facts: Mapping[str, str]) -> FeedbackState:
        return replace(self, known={**self.known, **facts})


def _consent_change(consent: ConsentState, scope: str, granted: bool) -> ConsentState:
    if scope == SCOPE_ALL:
        return ConsentState(gp_feedback=granted, plan_content=granted)
    if scope == ConsentNeed.GP_FEEDBACK.value:
        return ConsentState(gp_feedback=granted, plan_content=consent.plan_content and granted)
    if scope == ConsentNeed.PLAN_CONTENT.value:
        return replace(consent, plan_content=granted)
    return consent


def apply_event(state: FeedbackState, event: FeedbackEvent) -> FeedbackState:
    """The state after ``event``. Consent changes take effect before the engine decides on them.

    consent.granted / consent.withdrawn carry ``facts["scope"]`` (``gp-feedback``, ``plan-content``
    or ``all``) and apply only when ``facts["concerns_gp"]`` is true; gp.reported-error blocks the
    reporting GP (``facts["gp_her"]``); referral.sent records the referrer; any event with
    ``facts["gp_feedback_consent"]`` (the GP takes part in the plan) grants gp-feedback.
    """
    if event.kind in (EventKind.CONSENT_GRANTED, EventKind.CONSENT_WITHDRAWN) and event.fact("concerns_gp"):
        granted = event.kind is EventKind.CONSENT_GRANTED
        return replace(state, consent=_consent_change(state.consent, str(event.fact("scope", "")), granted))
    if event.kind is EventKind.GP_REPORTED_ERROR:
        her = event.fact("gp_her") or state.gp_her
        return replace(state, blocked_gps=state.blocked_gps | {str(her)}) if her else state
    if event.kind is EventKind.REFERRAL_SENT:
        referrer = event.fact("referrer_her")
        gp_consent = bool(event.fact("gp_feedback_consent", True))
        consent = replace(state.consent, gp_feedback=state.consent.gp_feedback or gp_consent)
        return replace(state, referrer_her=referrer, gp_her=state.gp_her or referrer, consent=consent)
    if event.fact("gp_feedback_consent") and not state.consent.gp_feedback:
        return replace(state, consent=replace(state.consent, gp_feedback=True))
    return state
