"""Change detection: each event kind with before/after, significance, and the revision chain rules."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from samband.adapters.iplan import IpExport
from samband.adapters.iplan.model_parts import Consent, Period
from samband.adapters.iplan.model_work import Evaluation, Goal, Meeting
from samband.features.changes.detect import KINDS, ChangeEvent, apply_delta, detect_changes, make_delta
from samband.kernel.errors import ContractViolation
from tools.scenarios import kari, kari_closure, kari_later
from tools.scenarios.build import by_id, edit, oslo, revise, upsert

AT = oslo(2026, 6, 1, 10)


def bump(export: IpExport, target: str = "plan", **changes: object) -> IpExport:
    return revise(export, AT, "p-ola", [("updated", "other", target)], **changes)


def kinds(events: list[ChangeEvent]) -> list[tuple[str, str, bool]]:
    return [(e.kind, e.subject_id, e.significant) for e in events]


def test_required_kinds_are_all_offered() -> None:
    required = {
        "plan.created", "coordinator.appointed", "coordinator.changed", "member.added", "member.removed",
        "consent.granted", "consent.withdrawn", "goal.added", "goal.changed", "goal.achieved",
        "measure.started", "measure.completed", "measure.stopped", "meeting.scheduled", "meeting.held",
        "evaluation.recorded", "plan.closed",
    }  # fmt: skip
    assert required <= set(KINDS)


def test_first_export_is_plan_created_plus_its_content(kari_active: IpExport) -> None:
    events = detect_changes(None, kari_active)
    assert events[0].kind == "plan.created"
    assert events[0].after is not None and events[0].after["status"] == "active"
    got = kinds(events)
    assert ("coordinator.appointed", "p-ola", True) in got
    assert sum(k == "member.added" for k, _, _ in got) == 7
    assert sum(k == "consent.granted" for k, _, _ in got) == 6
    assert [s for k, s, _ in got if k == "goal.added"] == ["g-1", "g-1a", "g-1b"]
    assert ("measure.started", "m-gang", True) in got
    assert ("measure.stopped", "m-praktisk", True) in got
    assert {e.person_ident for e in events} == {kari_active.plan.subject.national_id.value}
    assert {e.revision for e in events} == {kari_active.plan.revision}


def test_coordinator_changed_carries_both_people(kari_active: IpExport) -> None:
    plan = kari_active.plan
    ola = edit(by_id(plan.participants, "p-ola"), roles=("teammedlem",))
    fysio = edit(by_id(plan.participants, "p-fysio"), roles=("koordinator",))
    new = bump(
        kari_active, "p-fysio", participants=upsert(plan.participants, ola, fysio), coordinator_ref="p-fysio"
    )
    events = detect_changes(kari_active, new)
    change = next(e for e in events if e.kind == "coordinator.changed")
    assert change.subject_id == "p-fysio" and change.significant
    assert change.before is not None and change.before["person"]["name"] == "Ola Hansen"
    assert change.after is not None and change.after["person"]["name"] == "Mari Aune"
    assert change.at == AT


def test_member_removed_when_inactive_and_added_when_new(kari_active: IpExport) -> None:
    plan = kari_active.plan
    nav = edit(by_id(plan.participants, "p-nav"), active=False, access_scope=())
    priest = dataclasses.replace(by_id(plan.participants, "p-fysio"), id="p-ny")
    consent = dataclasses.replace(by_id(plan.consents, "c-fysio"), id="c-ny", participant_ref="p-ny")
    new = bump(
        kari_active,
        participants=upsert(plan.participants, nav, priest),
        consents=upsert(plan.consents, consent),
    )
    got = kinds(detect_changes(kari_active, new))
    assert ("member.removed", "p-nav", True) in got
    assert ("member.added", "p-ny", True) in got
    assert ("consent.granted", "c-ny", True) in got


def test_consent_withdrawn_and_granted(kari_active: IpExport) -> None:
    plan = kari_active.plan
    withdrawn = edit(by_id(plan.consents, "c-info"), status="withdrawn")
    new = bump(kari_active, consents=upsert(plan.consents, withdrawn))
    [event] = [e for e in detect_changes(kari_active, new) if e.kind.startswith("consent.")]
    assert (event.kind, event.subject_id) == ("consent.withdrawn", "c-info")
    assert event.before is not None and event.before["status"] == "active"
    assert event.after is not None and event.after["status"] == "withdrawn"
    again = bump(new, consents=upsert(new.plan.consents, edit(withdrawn, status="active")))
    assert kinds(detect_changes(new, again)) == [("consent.granted", "c-info", True)]


def test_goal_text_edit_is_minor_and_status_change_significant(kari_active: IpExport) -> None:
    plan = kari_active.plan
    goal: Goal = by_id(plan.goals, "g-1b")
    worded = bump(kari_active, goals=upsert(plan.goals, edit(goal, text="Dusje selv")))
    assert kinds(detect_changes(kari_active, worded)) == [("goal.changed", "g-1b", False)]
    paused = bump(kari_active, goals=upsert(plan.goals, edit(goal, status="on-hold")))
    assert kinds(detect_changes(kari_active, paused)) == [("goal.changed", "g-1b", True)]
    achieved = bump(kari_active, goals=upsert(plan.goals, edit(goal, status="achieved")))
    assert kinds(detect_changes(kari_active, achieved)) == [("goal.achieved", "g-1b", True)]


@pytest.mark.parametrize(
    ("status", "kind"),
    [("active", "measure.started"), ("completed", "measure.completed"), ("cancelled", "measure.stopped"),
     ("paused", "measure.stopped"), ("granted", "measure.changed")],
)  # fmt: skip
def test_measure_status_transitions(kari_active: IpExport, status: str, kind: str) -> None:
    plan = kari_active.plan
    aids = by_id(plan.measures, "m-hjelpemidler")
    new = bump(kari_active, measures=upsert(plan.measures, edit(aids, status=status)))
    [event] = detect_changes(kari_active, new)
    assert (event.kind, event.subject_id, event.significant) == (kind, "m-hjelpemidler", True)
    assert event.before is not None and event.before["status"] == "applied-for"
    assert event.after is not None and event.after["status"] == status


def test_measure_extent_change_is_significant_and_note_minor(kari_active: IpExport) -> None:
    plan = kari_active.plan
    care = by_id(plan.measures, "m-hjemme")
    more = bump(kari_active, measures=upsert(plan.measures, edit(care, extent=edit(care.extent, amount=5))))
    assert kinds(detect_changes(kari_active, more)) == [("measure.changed", "m-hjemme", True)]
    noted = bump(kari_active, measures=upsert(plan.measures, edit(care, implementation="Også kveld")))
    assert kinds(detect_changes(kari_active, noted)) == [("measure.changed", "m-hjemme", False)]


def test_meeting_scheduled_held_and_cancelled(kari_active: IpExport) -> None:
    scheduled = kari_later.meeting_scheduled(kari_active)
    assert kinds(detect_changes(kari_active, scheduled)) == [("meeting.scheduled", "mt-1", True)]
    held = kari_later.meeting_held(scheduled)
    [event] = detect_changes(scheduled, held)
    assert (event.kind, event.subject_id) == ("meeting.held", "mt-1")
    assert event.after is not None and event.after["minutes"].startswith("Gangtrening")
    meeting: Meeting = scheduled.plan.meetings[0]
    cancelled = bump(scheduled, meetings=(edit(meeting, status="cancelled"),))
    assert kinds(detect_changes(scheduled, cancelled)) == [("meeting.cancelled", "mt-1", True)]
    moved = bump(scheduled, meetings=(edit(meeting, scheduled_start=oslo(2026, 3, 4, 13)),))
    assert kinds(detect_changes(scheduled, moved)) == [("meeting.scheduled", "mt-1", True)]


def test_evaluation_recorded_and_plan_closed(kari_closed: IpExport) -> None:
    previous = dataclasses.replace(
        kari_closed, plan=dataclasses.replace(kari_closed.plan, evaluations=(), revision=1, change_log=())
    )
    events = detect_changes(previous, kari_closed)
    recorded = next(e for e in events if e.kind == "evaluation.recorded")
    assert recorded.after is not None and recorded.after["result"] == "achieved" and recorded.significant


def test_closing_gives_plan_closed_with_the_closure(kari_closed: IpExport) -> None:
    before = dataclasses.replace(
        kari_closed,
        plan=dataclasses.replace(
            kari_closed.plan, status="active", closure=None, revision=kari_closed.plan.revision - 1
        ),
    )
    events = detect_changes(before, kari_closed)
    closed = next(e for e in events if e.kind == "plan.closed")
    assert closed.after is not None and closed.after["closure"]["reason"] == "goals-achieved"
    assert all(e.kind != "plan.changed" or "status" not in (e.after or {}) for e in events)


def test_same_revision_twice_gives_no_events(kari_active: IpExport) -> None:
    assert detect_changes(kari_active, kari_active) == []


def test_older_full_export_is_stale(kari_active: IpExport) -> None:
    newer = bump(kari_active)
    with pytest.raises(ContractViolation) as caught:
        detect_changes(newer, kari_active)
    assert caught.value.code == "ip-export.revision-stale"


def test_export_of_another_plan_is_refused(kari_active: IpExport, emma_plan: IpExport) -> None:
    with pytest.raises(ContractViolation) as caught:
        detect_changes(
            kari_active, dataclasses.replace(emma_plan, plan=dataclasses.replace(emma_plan.plan, revision=99))
        )
    assert caught.value.code == "ip-export.plan-mismatch"


def test_delta_applies_to_exactly_the_stored_revision(kari_active: IpExport) -> None:
    one = bump(kari_active, title="Plan for Kari")
    two = bump(one, next_revision_date=date(2026, 9, 1))
    delta = make_delta(one, two)
    assert delta.since_revision == one.plan.revision
    assert apply_delta(one, delta).plan == two.plan
    with pytest.raises(ContractViolation) as caught:
        apply_delta(kari_active, delta)
    error = caught.value
    assert error.code == "ip-export.revision-gap"
    assert f"last known revision of plan 'sampro-ip-4711' is {kari_active.plan.revision}" in error.detail
    assert (error.where, error.expected) == ("/sinceRevision", f"sinceRevision {kari_active.plan.revision}")


def test_delta_older_than_the_stored_revision_is_stale(kari_active: IpExport) -> None:
    one = bump(kari_active, title="Plan for Kari")
    with pytest.raises(ContractViolation) as caught:
        apply_delta(bump(one), make_delta(kari_active, one))
    assert caught.value.code == "ip-export.revision-stale"


def test_delta_with_a_gap_inside_its_change_log(kari_active: IpExport) -> None:
    two = bump(bump(kari_active), title="x")
    delta = make_delta(kari_active, two)
    holed = dataclasses.replace(
        delta, plan=dataclasses.replace(delta.plan, change_log=delta.plan.change_log[1:])
    )
    with pytest.raises(ContractViolation) as caught:
        apply_delta(kari_active, holed)
    assert (caught.value.code, caught.value.where) == ("ip-export.revision-gap", "/plan/changeLog/0/sequence")


def test_delta_without_stored_plan_is_a_gap(kari_active: IpExport) -> None:
    delta = make_delta(kari_active, bump(kari_active, title="x"))
    with pytest.raises(ContractViolation) as caught:
        detect_changes(None, delta)
    assert caught.value.code == "ip-export.revision-gap"


def test_delta_removes_entities_and_the_result_is_checked(kari_active: IpExport) -> None:
    plan = kari_active.plan
    no_aids = bump(kari_active, measures=tuple(m for m in plan.measures if m.id != "m-hjelpemidler"))
    delta = make_delta(kari_active, no_aids)
    assert [(r.collection, r.id) for r in delta.removed_entities] == [("measures", "m-hjelpemidler")]
    assert kinds(detect_changes(kari_active, delta)) == [("measure.stopped", "m-hjelpemidler", True)]
    no_ola = bump(kari_active, participants=tuple(p for p in plan.participants if p.id != "p-ola"))
    with pytest.raises(ContractViolation) as caught:
        apply_delta(kari_active, make_delta(kari_active, no_ola))
    assert caught.value.code == "ip-export.invariant.coordinator"


def test_a_day_of_edits_as_one_delta(kari_held: IpExport) -> None:
    invited = kari_later.gp_declined(kari_later.gp_invited(kari_held))
    day = kari_later.daily_edits(invited)
    delta = make_delta(invited, day)
    assert [e.sequence for e in delta.plan.change_log] == list(
        range(invited.plan.revision + 1, day.plan.revision + 1)
    )
    events = detect_changes(invited, delta)
    assert len(delta.plan.change_log) == 16
    assert [(k, s) for k, s, sig in kinds(events) if sig] == [
        ("goal.added", "g-1c"),
        ("measure.completed", "m-gang"),
    ]
    assert len([e for e in events if not e.significant]) == 6


def test_events_serialise_for_the_store(kari_active: IpExport) -> None:
    event = detect_changes(None, kari_active)[0]
    data = event.as_dict()
    assert data["kind"] == "plan.created" and data["at"].startswith("2026-01-12T09:00:00")


def test_new_consent_and_evaluation_objects_are_detected(kari_active: IpExport) -> None:
    plan = kari_active.plan
    closure_consent = Consent(
        id="c-x", type="closure", granted_by_ref="p-kari", period=Period(start=date(2026, 6, 1)),
        status="active", signed=False, recorded_at=AT,
    )  # fmt: skip
    evaluation = Evaluation(
        id="ev-x", date=date(2026, 6, 1), target_type="plan", result="progress", evaluated_by_refs=("p-ola",)
    )
    new = bump(kari_active, consents=upsert(plan.consents, closure_consent), evaluations=(evaluation,))
    assert kinds(detect_changes(kari_active, new)) == [
        ("consent.granted", "c-x", True),
        ("evaluation.recorded", "ev-x", True),
    ]


def test_reversed_scale_scenario_keeps_its_direction() -> None:
    steps = {s.key: s for s in kari_closure.steps()}
    reversed_ = steps["s10-closure/06-reversed-psfs-scale"].export
    psfs = by_id(reversed_.plan.psfs_assessments, "psfs-2")
    assert psfs.scale_direction == "0-no-problem_10-unable"
    assert kari.BASELINE.scale_direction == "0-unable_10-able"


def test_psfs_course_is_normalised_whatever_the_scale() -> None:
    from samband.adapters.iplan.psfs import courses

    steps = {s.key: s.export for s in kari_closure.steps()}
    original = {
        c.item_id: (c.baseline, c.latest, c.change) for c in courses(steps["s10-closure/01-evaluated"].plan)
    }
    reversed_ = {
        c.item_id: (c.baseline, c.latest, c.change)
        for c in courses(steps["s10-closure/06-reversed-psfs-scale"].plan)
    }
    assert original == reversed_ == {"psfs-butikk": (3, 8, 5), "psfs-dusj": (5, 9, 4)}


def test_the_same_delta_delivered_twice_gives_no_events(kari_active: IpExport) -> None:
    one = bump(kari_active, title="Plan for Kari")
    delta = make_delta(kari_active, one)
    state = apply_delta(kari_active, delta)
    assert detect_changes(kari_active, delta) != []
    assert detect_changes(state, delta) == []
