"""The working content of a plan: goals with PSFS, measures (tiltak), meetings, evaluations, log.

Each class is one contract type of ip-export v1 (docs/ip-export.md). PSFS: Pasientspesifikk
funksjonsskala, 0–10, with the scale direction carried explicitly (Norwegian versions differ).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from samband.adapters.iplan import enums as e
from samband.adapters.iplan.model_parts import Code, Comment, Organization, Period
from samband.adapters.iplan.spec import spec_field as f


@dataclass(frozen=True, kw_only=True)
class PsfsTarget:
    item_ref: str = f("The PSFS item (activity) this goal is measured by", xml="ref")
    target_score: int | None = f("Score aimed for", default=None, minimum=0, maximum=10)


@dataclass(frozen=True, kw_only=True)
class Goal:
    """Hovedmål (no parent) or delmål (item 1), in the person's own words where possible."""

    id: str = f("Source id", xml="attr")
    parent_goal_ref: str | None = f("Main goal of a sub-goal; absent = hovedmål", default=None, xml="ref")
    text: str = f("The goal", reg="1")
    what_matters_to_me: str | None = f("Answer to «Hva er viktig for deg?»", default=None)
    life_area: e.LifeArea | None = f("Life area", default=None)
    expressed_by_ref: str = f("Who expressed the goal, usually the plan owner", xml="ref")
    start_date: dt.date = f("Start")
    target_date: dt.date | None = f("Target date", default=None)
    status: e.GoalStatus = f("Goal status")
    psfs_targets: tuple[PsfsTarget, ...] = f(
        "PSFS items that measure the goal", default=(), item="psfsTarget"
    )
    comments: tuple[Comment, ...] = f("Comments on the goal", default=(), item="comment")


@dataclass(frozen=True, kw_only=True)
class PsfsItem:
    id: str = f("Stable per activity across assessments; a re-worded activity gets a new id", xml="attr")
    activity_text: str = f("The activity in the person's words")
    icf_code: str | None = f("ICF code", default=None)
    score: int = f("Score 0–10", minimum=0, maximum=10)
    scale_direction: e.ScaleDirection | None = f("Overrides the assessment's direction", default=None)


@dataclass(frozen=True, kw_only=True)
class PsfsAssessment:
    """One PSFS scoring; every item must carry a scale direction (its own or this one)."""

    id: str = f("Source id", xml="attr")
    date: dt.date = f("Assessment date")
    assessed_by_ref: str = f("Who assessed", xml="ref")
    method: e.PsfsMethod = f("self-report or interview")
    scale_direction: e.ScaleDirection | None = f("Direction of the 0–10 scale for all items", default=None)
    items: tuple[PsfsItem, ...] = f("1–5 activities", item="item", min_items=1, max_items=5)
    note: str | None = f("Note", default=None)


@dataclass(frozen=True, kw_only=True)
class Extent:
    """Omfang (item 5)."""

    text: str = f("Extent as text, e.g. «3 besøk per uke»")
    amount: float | None = f("Amount", default=None)
    unit: e.ExtentUnit | None = f("Unit", default=None)
    per: e.ExtentPer | None = f("Per", default=None)


@dataclass(frozen=True, kw_only=True)
class Decision:
    """The separate vedtak a measure rests on (the plan gives no right to services by itself)."""

    decision_id: str = f("Decision id in the case system")
    decision_date: dt.date = f("Decision date")
    deciding_body: str = f("Who decided")
    service_code: Code | None = f("Service code, e.g. IPLOS 9151", default=None)
    reason: str | None = f("Short reason, required in practice for a rejection", default=None)


@dataclass(frozen=True, kw_only=True)
class Measure:
    """Tiltak (items 5, 6): what, how much, who is responsible, how it is carried out."""

    id: str = f("Source id", xml="attr")
    title: str = f("The measure", reg="5")
    implementation: str | None = f("How the measure is carried out", default=None, reg="6")
    goal_refs: tuple[str, ...] = f("Goals served", default=(), item="goalRef", xml="ref")
    responsible_ref: str = f("The one responsible participant", xml="ref", reg="5")
    responsible_sector: e.Sector = f("Sector of the responsible service")
    extent: Extent | None = f("Extent", default=None, reg="5")
    period: Period | None = f("Period", default=None)
    status: e.MeasureStatus = f("Status (a listed measure may be refused)")
    status_date: dt.date = f("Date of the current status")
    decision: Decision | None = f("Link to the vedtak", default=None)
    progress_notes: tuple[Comment, ...] = f("Progress notes", default=(), item="note")


@dataclass(frozen=True, kw_only=True)
class Cooperation:
    """Nødvendig eller ønskelig samarbeid (item 9)."""

    id: str = f("Source id", xml="attr")
    organization: Organization = f("The other service, institution or agency")
    description: str = f("What the cooperation is about")
    necessity: e.Necessity = f("required or desired")
    status: e.CooperationStatus | None = f("Status", default=None)


@dataclass(frozen=True, kw_only=True)
class Invitation:
    participant_ref: str = f("Invited participant", xml="ref")
    invited_at: dt.datetime = f("When invited")
    response: e.InvitationResponse = f("Answer")
    attendance: e.Attendance | None = f("Attendance once held", default=None)


@dataclass(frozen=True, kw_only=True)
class MeetingDecision:
    text: str = f("What was decided")
    responsible_ref: str | None = f("Who follows it up", default=None, xml="ref")
    due_date: dt.date | None = f("By when", default=None)


@dataclass(frozen=True, kw_only=True)
class Meeting:
    """Møte: invitation, minutes (referat), decisions and written input from those not attending."""

    id: str = f("Source id", xml="attr")
    type: e.MeetingType = f("Meeting type")
    scheduled_start: dt.datetime = f("Start")
    scheduled_end: dt.datetime | None = f("End", default=None)
    mode: e.MeetingMode | None = f("fysisk, video or telefon", default=None)
    location: str | None = f("Where", default=None)
    status: e.MeetingStatus = f("planned, held, cancelled or postponed")
    invitations: tuple[Invitation, ...] = f("Who is invited", default=(), item="invitation")
    agenda: str | None = f("Agenda", default=None)
    minutes: str | None = f("Summary (referat)", default=None)
    decisions: tuple[MeetingDecision, ...] = f("Decisions", default=(), item="decision")
    inputs: tuple[Comment, ...] = f("Written input, e.g. a GP who cannot attend", default=(), item="input")


@dataclass(frozen=True, kw_only=True)
class Evaluation:
    """Evaluering of the plan, a goal or a measure (item 7)."""

    id: str = f("Source id", xml="attr")
    date: dt.date = f("Evaluation date")
    meeting_ref: str | None = f("Meeting where it was done", default=None, xml="ref")
    target_type: e.EvaluationTarget = f("plan, goal or measure")
    target_ref: str | None = f("Evaluated goal or measure; absent for plan", default=None, xml="ref")
    result: e.EvaluationResult = f("Result")
    narrative: str | None = f("Narrative", default=None)
    psfs_assessment_ref: str | None = f("PSFS re-scoring", default=None, xml="ref")
    next_evaluation_date: dt.date | None = f("Next evaluation", default=None)
    evaluated_by_refs: tuple[str, ...] = f("Evaluators", item="evaluatedByRef", xml="ref", min_items=1)


@dataclass(frozen=True, kw_only=True)
class SectoralPlan:
    """Fagplan linked to the IP (IOP, pleieplan, …)."""

    id: str = f("Source id", xml="attr")
    type: e.SectoralPlanType = f("Plan type")
    owner_ref: str = f("Owning participant", xml="ref")
    reference: str | None = f("Reference in the owning system", default=None)


@dataclass(frozen=True, kw_only=True)
class Attachment:
    """Vedlegg; content inline (base64) or by URI."""

    id: str = f("Source id", xml="attr", roundtrip=False)
    title: str = f("Title", roundtrip=False)
    category: e.AttachmentCategory = f("Category", roundtrip=False)
    media_type: str = f("MIME type", roundtrip=False)
    size_bytes: int = f("Size", minimum=0, roundtrip=False)
    sha256: str = f("SHA-256, hex", pattern=r"^[0-9a-f]{64}$", roundtrip=False)
    created_at: dt.datetime = f("Created", roundtrip=False)
    author_ref: str | None = f("Author", default=None, xml="ref", roundtrip=False)
    content: str | None = f("Base64 content", default=None, roundtrip=False)
    uri: str | None = f("Where to fetch it", default=None, roundtrip=False)


@dataclass(frozen=True, kw_only=True)
class FieldChange:
    path: str = f("JSON pointer into the plan", roundtrip=False)
    old_value: str | None = f(
        "Before (omitted in participant/gp-summary views)", default=None, roundtrip=False
    )
    new_value: str | None = f(
        "After (omitted in participant/gp-summary views)", default=None, roundtrip=False
    )


@dataclass(frozen=True, kw_only=True)
class LogEntry:
    """One changeLog event (logg/historikk); ``sequence`` equals the plan revision after it."""

    id: str = f("Source id", xml="attr", roundtrip=False)
    sequence: int = f("Strictly increasing; equals plan revision after the event", minimum=1, roundtrip=False)
    timestamp: dt.datetime = f("When", roundtrip=False)
    actor_ref: str | None = f("Acting participant", default=None, xml="ref", roundtrip=False)
    actor_system: str | None = f("Acting system when no participant acted", default=None, roundtrip=False)
    action: e.LogAction = f("What happened", roundtrip=False)
    target_type: e.TargetType = f("Kind of entity", roundtrip=False)
    target_ref: str | None = f("The entity", default=None, xml="ref", roundtrip=False)
    changes: tuple[FieldChange, ...] = f("Field changes", default=(), item="change", roundtrip=False)
    comment: str | None = f("Comment", default=None, roundtrip=False)


@dataclass(frozen=True, kw_only=True)
class Archive:
    last_archived_at: dt.datetime = f("Last archived (PDF/A)")
    archive_system: str = f("Archive, e.g. Visma Samhandling Arkiv")
    archive_ref: str = f("Case/document number in the archive")


@dataclass(frozen=True, kw_only=True)
class Closure:
    """Avslutning: required when the plan is closed."""

    date: dt.date = f("Closure date")
    reason: e.ClosureReason = f("Why")
    text: str | None = f("Free text, e.g. contact after closure", default=None)
    consent_ref: str | None = f("Closure consent", default=None, xml="ref")
    archived_ref: str | None = f("Archive reference of the final snapshot", default=None)


@dataclass(frozen=True, kw_only=True)
class RemovedEntity:
    """In a delta export: an entity deleted since ``sinceRevision``."""

    collection: e.Collection = f("Plan collection")
    id: str = f("Id of the removed entity", xml="attr")


__all__ = ["Code", "Period"]
