"""Scenario 10 for Kari: evaluation with PSFS 3 → 8, goal achieved, closure; and its negative variants.

Variants (domain.md §5): consent withdrawn mid-plan, PSFS on the reversed Norwegian scale,
a delta with a revision gap, and the same export delivered twice.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from samband.adapters.iplan.enums import ScaleDirection
from samband.adapters.iplan.model import IpExport
from samband.adapters.iplan.model_parts import Consent, Period
from samband.adapters.iplan.model_work import (
    Archive,
    Closure,
    Evaluation,
    Invitation,
    Meeting,
    PsfsAssessment,
    PsfsItem,
)
from samband.features.changes.delta import make_delta
from tools.scenarios import kari
from tools.scenarios import kari_later as later
from tools.scenarios.build import Step, by_id, edit, oslo, revise, upsert, variant


def _rescore(direction: ScaleDirection, butikk: int, dusj: int) -> PsfsAssessment:
    return PsfsAssessment(
        id="psfs-2",
        date=date(2026, 12, 8),
        assessed_by_ref="p-ola",
        method="interview",
        scale_direction=direction,
        items=(
            PsfsItem(id="psfs-butikk", activity_text="Gå til butikken", score=butikk),
            PsfsItem(id="psfs-dusj", activity_text="Dusje selv", score=dusj),
        ),
    )


def evaluated(prev: IpExport, psfs: PsfsAssessment) -> IpExport:
    """The evaluation meeting after ten months: «gå til butikken» 3 → 8, the goal achieved."""
    meeting = Meeting(
        id="mt-4",
        type="evalueringsmoete",
        scheduled_start=oslo(2026, 12, 8, 13),
        mode="fysisk",
        status="held",
        invitations=tuple(
            Invitation(
                participant_ref=w,
                invited_at=oslo(2026, 11, 24, 9),
                response="accepted",
                attendance="attended",
            )
            for w in later.TEAM
        ),
        minutes="Målet om å gå til butikken er nådd. Kari ønsker å avslutte planen.",
    )
    evaluation = Evaluation(
        id="ev-1",
        date=date(2026, 12, 8),
        meeting_ref="mt-4",
        target_type="goal",
        target_ref="g-1a",
        result="achieved",
        narrative="Går til butikken alene med rullator",
        psfs_assessment_ref="psfs-2",
        evaluated_by_refs=("p-ola", "p-kari"),
    )
    goal = edit(by_id(prev.plan.goals, "g-1a"), status="achieved")
    return revise(
        prev,
        oslo(2026, 12, 8, 15),
        "p-ola",
        [
            ("meeting-held", "meeting", "mt-4"),
            ("psfs-recorded", "psfs", "psfs-2"),
            ("evaluation-recorded", "evaluation", "ev-1"),
            ("status-changed", "goal", "g-1a"),
        ],
        meetings=upsert(prev.plan.meetings, meeting),
        psfs_assessments=upsert(prev.plan.psfs_assessments, psfs),
        evaluations=(evaluation,),
        goals=upsert(prev.plan.goals, goal),
    )


def closed(prev: IpExport) -> IpExport:
    """Closure: consent to close, archived as PDF/A, end date set; home nursing continues."""
    consent = Consent(
        id="c-close",
        type="closure",
        granted_by_ref="p-kari",
        period=Period(start=date(2026, 12, 15)),
        status="active",
        signed=True,
        recorded_at=oslo(2026, 12, 15, 10),
    )
    aids = edit(
        by_id(prev.plan.measures, "m-hjelpemidler"), status="completed", status_date=date(2026, 12, 15)
    )
    return revise(
        prev,
        oslo(2026, 12, 15, 10),
        "p-ola",
        [
            ("consent-granted", "consent", "c-close"),
            ("status-changed", "measure", "m-hjelpemidler"),
            ("archived", "plan", kari.PLAN_ID),
            ("closed", "plan", kari.PLAN_ID),
        ],
        status="closed",
        plan_period=Period(start=prev.plan.plan_period.start, end=date(2026, 12, 15)),
        next_revision_date=None,
        consents=upsert(prev.plan.consents, consent),
        measures=upsert(prev.plan.measures, aids),
        archive=Archive(
            last_archived_at=oslo(2026, 12, 15, 9),
            archive_system="Visma Samhandling Arkiv",
            archive_ref="2026/1234-7",
        ),
        closure=Closure(
            date=date(2026, 12, 15),
            reason="goals-achieved",
            text="Hjemmesykepleien fortsetter (5 besøk per uke). Kontakt etter avslutning: Saksbehandling.",
            consent_ref="c-close",
            archived_ref="2026/1234-7",
        ),
    )


def consent_withdrawn(prev: IpExport) -> IpExport:
    """Variant: Kari withdraws NAV's access and the sharing with her GP; NAV leaves the team."""
    plan = prev.plan
    withdrawn = [edit(by_id(plan.consents, c), status="withdrawn") for c in ("c-nav", "c-info")]
    nav = edit(by_id(plan.participants, "p-nav"), active=False, left_at=date(2026, 3, 10), access_scope=())
    return revise(
        prev,
        oslo(2026, 3, 10, 11),
        "p-ola",
        [
            ("consent-withdrawn", "consent", "c-nav"),
            ("consent-withdrawn", "consent", "c-info"),
            ("participant-removed", "participant", "p-nav"),
        ],
        consents=upsert(plan.consents, *withdrawn),
        participants=upsert(plan.participants, nav),
    )


def steps() -> list[Step]:
    s5 = kari.plan_created(kari.coordinator_appointed(kari.decided(kari.gp_answered(kari.registered()))))
    m1 = later.meeting_scheduled(s5)
    m2 = later.meeting_held(m1)
    m3 = later.gp_invited(m2)
    m4 = later.gp_declined(m3)
    d7 = later.daily_edits(m4)
    a8 = later.admitted(d7)
    b8 = later.discharged(a8)
    e10 = evaluated(b8, _rescore("0-unable_10-able", 8, 9))
    c10 = closed(e10)
    gap = dataclasses.replace(make_delta(e10, c10), since_revision=c10.plan.revision - 1)
    return [
        Step("s06-meeting", "01-scheduled", m1, "s05-ip-created/01-active"),
        Step("s06-meeting", "02-held", m2, "s06-meeting/01-scheduled"),
        Step("s06-meeting", "03-gp-invited", m3, "s06-meeting/02-held", encoding="xml"),
        Step("s06-meeting", "04-gp-declined-with-input", m4, "s06-meeting/03-gp-invited"),
        Step(
            "s07-daily-digest",
            "01-one-day-delta",
            make_delta(m4, d7),
            "s06-meeting/04-gp-declined-with-input",
        ),
        Step("s08-hospital", "01-admitted", a8, "s07-daily-digest/01-one-day-delta"),
        Step("s08-hospital", "02-discharged", make_delta(a8, b8), "s08-hospital/01-admitted", encoding="xml"),
        Step("s10-closure", "01-evaluated", e10, "s08-hospital/02-discharged"),
        Step("s10-closure", "02-closed", c10, "s10-closure/01-evaluated"),
        Step(
            "s10-closure",
            "03-duplicate-delivery",
            c10,
            "s10-closure/02-closed",
            note="same export twice: no events",
        ),
        Step(
            "s10-closure", "04-revision-gap", gap, "s10-closure/01-evaluated", error="ip-export.revision-gap"
        ),
        Step(
            "s10-closure",
            "05-consent-withdrawn",
            variant(consent_withdrawn(m2), "consent-withdrawn"),
            "s06-meeting/02-held",
        ),
        Step(
            "s10-closure",
            "06-reversed-psfs-scale",
            variant(evaluated(b8, _rescore("0-no-problem_10-unable", 2, 1)), "reversed-psfs-scale"),
            "s08-hospital/02-discharged",
            note="PSFS on the reversed scale: 2 and 1 normalise to 8 and 9",
        ),
    ]
