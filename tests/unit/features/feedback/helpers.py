"""Small builders for the feedback unit tests: events, states, a case for Kari Nordmann (synthetic)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from samband.features.feedback.events import EventKind, FeedbackEvent
from samband.features.feedback.facts import CaseFacts, OrgParty, PatientRef, PersonContact, TeamEntry
from samband.features.feedback.state import ConsentState, FeedbackState
from tools.scenarios import people as p

AT = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)
KE = OrgParty("Steinkjer kommune", "80001", unit_name="Saksbehandling", unit_her="80003")
GP = OrgParty(
    "Sentrum legekontor",
    "80101",
    unit_name="Liv Berg",
    unit_her="80111",
    person_name="Liv Berg",
    hpr="9100001",
)
OLA = PersonContact("Ola Hansen", "koordinator", "Fysio- og ergoterapi", "+47 74000002", hpr="9100002")


def event(kind: EventKind, ref: str = "plan@1", subject: str | None = None, **facts: Any) -> FeedbackEvent:
    return FeedbackEvent(
        kind, p.KARI_FNR, AT, "ip-export", ref, plan_id="plan", subject_id=subject, facts=facts
    )


def state(gp_feedback: bool = True, plan_content: bool = True, **kwargs: Any) -> FeedbackState:
    return FeedbackState(p.KARI_FNR, ConsentState(gp_feedback, plan_content), gp_her="80111", **kwargs)


def case(**kwargs: Any) -> CaseFacts:
    values: dict[str, Any] = {
        "patient": PatientRef(p.KARI_FNR, "Kari", "Nordmann", date(1953, 4, 12)),
        "sender": KE,
        "gp": GP,
        "coordinator": OLA,
        "team": (
            TeamEntry("Fysio- og ergoterapi", "koordinator", "Ola Hansen"),
            TeamEntry("NAV Steinkjer", "teammedlem", "Per Lie", show_name=False),
        ),
    }
    values.update(kwargs)
    return CaseFacts(**values)
