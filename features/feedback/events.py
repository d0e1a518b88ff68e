"""What happened to a patient, in the feedback engine's own words (domain.md §3.2 "Gateway event").

Every source (inbound PLO and Dialogmelding, ip-export change events, FHIR bundles) is turned into
``FeedbackEvent`` by ``features/feedback/sources.py``; the engine never sees the source formats.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class EventKind(StrEnum):
    """The event vocabulary (domain.md §3.2 last column); values are stable strings used in rules.yaml."""

    REFERRAL_SENT = "referral.sent"
    REFERRAL_REGISTERED = "referral.registered"
    DECISION_MADE = "decision.made"
    COORDINATOR_APPOINTED = "coordinator.appointed"
    COORDINATOR_CHANGED = "coordinator.changed"
    MEMBER_ADDED = "member.added"
    MEMBER_REMOVED = "member.removed"
    PLAN_CREATED = "plan.created"
    CONSENT_GRANTED = "consent.granted"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    MEETING_SCHEDULED = "meeting.scheduled"
    MEETING_HELD = "meeting.held"
    SERVICE_STARTED = "service.started"
    SERVICE_CHANGED = "service.changed"
    SERVICE_ENDED = "service.ended"
    PATIENT_ADMITTED = "patient.admitted"
    PATIENT_DISCHARGE_READY = "patient.discharge-ready"
    PATIENT_DISCHARGED = "patient.discharged"
    GOAL_ADDED = "goal.added"
    GOAL_CHANGED = "goal.changed"
    GOAL_ACHIEVED = "goal.achieved"
    MEASURE_STARTED = "measure.started"
    MEASURE_COMPLETED = "measure.completed"
    MEASURE_STOPPED = "measure.stopped"
    PLAN_EDITED = "plan.edited"
    EVALUATION_RECORDED = "evaluation.recorded"
    PLAN_CLOSED = "plan.closed"
    GP_ANSWERED = "gp.answered"
    GP_REPORTED_ERROR = "gp.reported-error"


def _frozen(data: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True)
class FeedbackEvent:
    """One event about one patient: kind, when, where it came from, and the facts it carries.

    ``source`` names the origin ("ip-export", "plo", "dialogmelding", "fhir", "referral") and
    ``source_ref`` the message id or plan revision, so the timeline can link back. ``facts`` holds the
    event's own data (the new coordinator, the changed service, the meeting); ``subject_id`` the plan
    element it is about (goal, measure, participant, meeting).
    """

    kind: EventKind
    patient_id: str
    at: datetime
    source: str
    source_ref: str
    plan_id: str | None = None
    subject_id: str | None = None
    significant: bool = True
    facts: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "facts", _frozen(self.facts))

    @property
    def key(self) -> str:
        """A stable identity: the same source element seen twice gives the same key (idempotence)."""
        return "|".join((self.kind, self.patient_id, self.source, self.source_ref, self.subject_id or ""))

    def fact(self, name: str, default: Any = None) -> Any:
        return self.facts.get(name, default)
