"""The consent filter: nothing outside the patient's consent reaches a GP message.

The rule's own consent need is checked by the engine; this filter is the second line: whatever the
rule, placeholder values that carry plan content (goals, measures, meeting minutes, evaluations)
are removed unless the consent covers plan content, and team members outside the health sector
are shown by service and role only, unless their name is covered (domain.md §5 scenario 4).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from samband.features.feedback.rules import ConsentNeed
from samband.features.feedback.state import ConsentState

PLAN_CONTENT_VALUES = frozenset(
    {
        "goals",
        "psfs",
        "decisions",
        "lines",
        "meeting_agenda",
        "gp_scope",
        "next_evaluation",
        "plan_notes",
    }
)
"""Placeholder names whose values are plan content (forskrift om IP § 19: mål, tiltak, evaluering)."""


def filter_values(values: Mapping[str, Any], consent: ConsentState, need: ConsentNeed) -> dict[str, Any]:
    """``values`` without what the consent does not cover.

    Without gp-feedback consent only the patient and the sender remain (a coordinator task needs
    no more); without plan-content consent the plan content values are dropped.
    """
    allowed = dict(values)
    if not consent.allows(ConsentNeed.PLAN_CONTENT):
        for name in PLAN_CONTENT_VALUES:
            allowed.pop(name, None)
    if need is not ConsentNeed.NONE and not consent.allows(ConsentNeed.GP_FEEDBACK):
        keep = {"patient_name", "patient_birth", "sender_name", "sender_unit"}
        allowed = {k: v for k, v in allowed.items() if k in keep}
    return allowed
