"""Scenarios 6, 7, 8 and 10 for Kari: meetings, a day of edits as one delta, hospital stay, closure.

Negative variants of scenario 10 (domain.md §5): consent withdrawn, reversed PSFS scale, revision
gap, duplicate delivery.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from samband.adapters.iplan.enums import TargetType
from samband.adapters.iplan.model import IpExport
from samband.adapters.iplan.model_parts import Comment, Organization
from samband.adapters.iplan.model_work import (
    Cooperation,
    Decision,
    Extent,
    Invitation,
    Meeting,
    MeetingDecision,
)
from tools.scenarios.build import Log, by_id, edit, oslo, revise, upsert

TEAM = ("p-kari", "p-ola", "p-hjemme", "p-fysio", "p-nav")


def _invite(who: str, at_month: int, at_day: int) -> Invitation:
    return Invitation(participant_ref=who, invited_at=oslo(2026, at_month, at_day, 9), response="accepted")


def meeting_scheduled(prev: IpExport) -> IpExport:
    """Scenario 6: Ola calls a teammøte; the GP has inviteToMeetings = false and is not invited."""
    meeting = Meeting(
        id="mt-1",
        type="teammoete",
        scheduled_start=oslo(2026, 3, 3, 13),
        scheduled_end=oslo(2026, 3, 3, 14),
        mode="fysisk",
        location="Steinkjer rådhus, møterom 2",
        status="planned",
        invitations=tuple(_invite(w, 2, 17) for w in TEAM),
        agenda="Oppstart: mål, tiltak og ansvar",
    )
    return revise(
        prev, oslo(2026, 2, 17, 9), "p-ola", [("meeting-scheduled", "meeting", "mt-1")], meetings=(meeting,)
    )


def meeting_held(prev: IpExport) -> IpExport:
    meeting = edit(
        prev.plan.meetings[0],
        status="held",
        invitations=tuple(edit(i, attendance="attended") for i in prev.plan.meetings[0].invitations),
        minutes="Gangtrening i gang. Kari ønsker å gå til butikken selv innen høsten.",
        decisions=(
            MeetingDecision(text="Søke om dusjstol", responsible_ref="p-nav", due_date=date(2026, 3, 20)),
        ),
    )
    return revise(
        prev, oslo(2026, 3, 3, 15), "p-ola", [("meeting-held", "meeting", "mt-1")], meetings=(meeting,)
    )


def gp_invited(prev: IpExport) -> IpExport:
    """Scenario 6 variant: the GP is to be invited; a video meeting with the GP invited."""
    berg = edit(by_id(prev.plan.participants, "p-berg"), invite_to_meetings=True)
    meeting = Meeting(
        id="mt-2",
        type="teammoete",
        scheduled_start=oslo(2026, 4, 7, 8),
        scheduled_end=oslo(2026, 4, 7, 8, 30),
        mode="video",
        status="planned",
        invitations=(*(_invite(w, 3, 24) for w in TEAM), _invite("p-berg", 3, 24)),
        agenda="Legemidler og fallrisiko",
    )
    meeting = dataclasses.replace(
        meeting,
        invitations=tuple(
            edit(i, response="no-response") if i.participant_ref == "p-berg" else i
            for i in meeting.invitations
        ),
    )
    return revise(
        prev,
        oslo(2026, 3, 24, 9),
        "p-ola",
        [("updated", "participant", "p-berg"), ("meeting-scheduled", "meeting", "mt-2")],
        participants=upsert(prev.plan.participants, berg),
        meetings=upsert(prev.plan.meetings, meeting),
    )


def gp_declined(prev: IpExport) -> IpExport:
    """The GP cannot attend and sends input; it is appended to the meeting and logged."""
    meeting = by_id(prev.plan.meetings, "mt-2")
    note = Comment(
        at=oslo(2026, 3, 26, 16),
        author_ref="p-berg",
        text="Kan ikke delta. Innspill: vurder legemiddelgjennomgang.",
    )
    invitations = tuple(
        edit(i, response="declined") if i.participant_ref == "p-berg" else i for i in meeting.invitations
    )
    meeting = edit(meeting, invitations=invitations, inputs=(note,))
    return revise(
        prev,
        oslo(2026, 3, 26, 16),
        "p-ola",
        [("updated", "meeting", "mt-2")],
        meetings=upsert(prev.plan.meetings, meeting),
    )


def daily_edits(prev: IpExport) -> IpExport:
    """Scenario 7: over one day gangtrening is completed, a delmål added, and 14 minor text edits."""
    plan = prev.plan
    g1, g1a, g1b = (by_id(plan.goals, g) for g in ("g-1", "g-1a", "g-1b"))
    new_goal = dataclasses.replace(
        g1a,
        id="g-1c",
        text="Gå tur med venninne en gang i uka",
        psfs_targets=(),
        target_date=None,
        start_date=date(2026, 4, 14),
    )
    comment = Comment(at=oslo(2026, 4, 14, 10), author_ref="p-ola", text="Går bedre med rullator")
    goals = upsert(
        plan.goals,
        edit(g1, what_matters_to_me="Å kunne handle selv, dusje uten hjelp og gå tur"),
        edit(g1a, text="Gå til butikken alene med rullator", comments=(comment,)),
        edit(g1b, comments=(edit(comment, text="Dusjstol levert"),)),
        new_goal,
    )
    gait = edit(by_id(plan.measures, "m-gang"), status="completed", status_date=date(2026, 4, 14))
    care = edit(
        by_id(plan.measures, "m-hjemme"), implementation="Morgenbesøk: medisiner, tilsyn og øyedråper"
    )
    aids = edit(
        by_id(plan.measures, "m-hjelpemidler"), progress_notes=(edit(comment, text="Vedtak fra NAV ventes"),)
    )
    agenda = edit(by_id(plan.meetings, "mt-2"), agenda="Legemidler, fallrisiko og hjelpemidler")
    minor = ["g-1", "g-1", "g-1a", "g-1a", "g-1a", "g-1b", "g-1b", "m-hjemme", "m-hjemme", "m-hjemme"]
    minor += ["m-hjelpemidler", "m-hjelpemidler", "mt-2", "mt-2"]
    kinds: dict[str, TargetType] = {"g": "goal", "m": "measure"}
    log: list[Log] = [("status-changed", "measure", "m-gang"), ("created", "goal", "g-1c")]
    log += [("updated", kinds.get(t[0], "meeting"), t) for t in minor]
    return revise(
        prev,
        oslo(2026, 4, 14, 9),
        "p-ola",
        log,
        goals=goals,
        measures=upsert(plan.measures, gait, care, aids),
        meetings=upsert(plan.meetings, agenda),
    )


def admitted(prev: IpExport) -> IpExport:
    """Scenario 8: LOG_INNLAGT at Sykehuset Levanger; Ola calls a team meeting for after discharge."""
    hospital = Cooperation(
        id="co-levanger",
        organization=Organization(name="Sykehuset Levanger", organization_number="999000303", her_id=80201),
        description="Innlagt etter fall; utskrivningsplanlegging",
        necessity="required",
        status="established",
    )
    held = edit(by_id(prev.plan.meetings, "mt-2"), status="held", minutes="Legemiddelgjennomgang avtalt.")
    meeting = Meeting(
        id="mt-3",
        type="teammoete",
        scheduled_start=oslo(2026, 5, 12, 13),
        mode="video",
        status="planned",
        invitations=tuple(_invite(w, 5, 5) for w in TEAM),
        agenda="Etter utskrivning: behov for mer hjemmesykepleie",
    )
    return revise(
        prev,
        oslo(2026, 5, 5, 10),
        "p-ola",
        [
            ("meeting-held", "meeting", "mt-2"),
            ("updated", "other", "co-levanger"),
            ("meeting-scheduled", "meeting", "mt-3"),
        ],
        cooperation=(hospital,),
        meetings=upsert(prev.plan.meetings, held, meeting),
    )


def discharged(prev: IpExport) -> IpExport:
    """After discharge home nursing goes from 3 to 5 visits a week (a new decision)."""
    care = edit(
        by_id(prev.plan.measures, "m-hjemme"),
        extent=Extent(text="5 besøk per uke", amount=5, unit="visits", per="week"),
        decision=Decision(
            decision_id="VEDTAK-2026-0311",
            decision_date=date(2026, 5, 11),
            deciding_body="Steinkjer kommune, Tildelingskontoret",
        ),
        status_date=date(2026, 5, 11),
    )
    held = edit(by_id(prev.plan.meetings, "mt-3"), status="held", minutes="Økt hjemmesykepleie fra 12. mai.")
    return revise(
        prev,
        oslo(2026, 5, 12, 15),
        "p-ola",
        [("updated", "measure", "m-hjemme"), ("meeting-held", "meeting", "mt-3")],
        measures=upsert(prev.plan.measures, care),
        meetings=upsert(prev.plan.meetings, held),
    )
