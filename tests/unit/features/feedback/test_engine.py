"""The pure engine: each rule's decision for an event, given consent, blocks and what the GP has."""

from __future__ import annotations

from typing import Any

from samband.features.feedback.engine import Action, Reason, decide
from samband.features.feedback.events import EventKind
from samband.features.feedback.rules import load_rules
from samband.features.feedback.state import FeedbackState
from tests.unit.features.feedback.helpers import event, state

RULES = load_rules()


def actions(
    kind: EventKind, st: FeedbackState | None = None, **facts: Any
) -> set[tuple[str, Action, Reason | None]]:
    _after, found = decide(event(kind, **facts), st or state(), RULES)
    return {(d.rule.id, d.action, d.reason) for d in found}


def test_coordinator_appointed_sends_orientering_and_notat_when_the_team_exists() -> None:
    got = actions(
        EventKind.COORDINATOR_APPOINTED, coordinator_id="p-ola", team_signature=["a"], team_established=True
    )
    assert got == {("F3", Action.SEND, None), ("F3N", Action.SEND, None)}


def test_the_same_coordinator_again_is_not_sent_twice() -> None:
    first = event(EventKind.COORDINATOR_APPOINTED, coordinator_id="p-ola", team_established=True)
    after, _ = decide(first, state(), RULES)
    again = event(EventKind.COORDINATOR_APPOINTED, "plan@2", coordinator_id="p-ola", team_established=True)
    _state, decisions = decide(again, after, RULES)
    assert {d.reason for d in decisions if d.rule.id == "F3"} == {Reason.ALREADY_KNOWN}


def test_meeting_invitation_only_when_the_gp_is_invited() -> None:
    assert actions(EventKind.MEETING_SCHEDULED, meeting_id="m1", gp_invited=False) == {
        ("F5", Action.SUPPRESS, Reason.CONDITION)
    }
    assert actions(EventKind.MEETING_SCHEDULED, meeting_id="m1", gp_invited=True) == {
        ("F5", Action.SEND, None)
    }


def test_plan_content_needs_plan_content_consent() -> None:
    without = state(plan_content=False)
    assert actions(EventKind.MEETING_HELD, without, meeting_id="m1") == {
        ("F6", Action.SUPPRESS, Reason.NO_CONSENT)
    }
    assert actions(EventKind.GOAL_CHANGED, without) == {("D1", Action.SUPPRESS, Reason.NO_CONSENT)}
    assert actions(EventKind.DECISION_MADE, without, decision_id="v1") == {("F2", Action.SEND, None)}


def test_no_gp_feedback_consent_sends_nothing() -> None:
    none = state(gp_feedback=False, plan_content=False)
    assert actions(EventKind.DECISION_MADE, none, decision_id="v1") == {
        ("F2", Action.SUPPRESS, Reason.NO_CONSENT)
    }


def test_withdrawal_takes_effect_before_the_engine_decides() -> None:
    withdrawn = event(
        EventKind.CONSENT_WITHDRAWN, concerns_gp=True, scope="plan-content", gp_consent_state="c:w"
    )
    after, decisions = decide(withdrawn, state(), RULES)
    assert not after.consent.plan_content and after.consent.gp_feedback
    assert [(d.rule.id, d.action) for d in decisions] == [("F4C", Action.SEND)]
    _s, later = decide(event(EventKind.EVALUATION_RECORDED, evaluation_id="e1"), after, RULES)
    assert [(d.rule.id, d.reason) for d in later] == [("F8", Reason.NO_CONSENT)]


def test_consent_of_someone_else_says_nothing_to_the_gp() -> None:
    got = actions(EventKind.CONSENT_GRANTED, concerns_gp=False, scope="plan-content")
    assert got == {("F4C", Action.SUPPRESS, Reason.CONDITION)}


def test_a_blocked_gp_gets_nothing_and_the_reason_is_kept() -> None:
    avvik = event(EventKind.GP_REPORTED_ERROR, "msg-1", gp_her="80111")
    blocked, decisions = decide(avvik, state(), RULES)
    assert decisions == [] and blocked.gp_blocked
    assert actions(EventKind.DECISION_MADE, blocked, decision_id="v1") == {
        ("F2", Action.SUPPRESS, Reason.GP_BLOCKED)
    }


def test_admission_is_a_task_for_the_coordinator_not_a_gp_message() -> None:
    assert actions(EventKind.PATIENT_ADMITTED) == {("K1", Action.TASK, None)}


def test_referral_registered_only_for_a_gp_referral() -> None:
    assert actions(EventKind.REFERRAL_REGISTERED, case_id="c1") == {("F1", Action.SUPPRESS, Reason.CONDITION)}
    assert actions(EventKind.REFERRAL_REGISTERED, case_id="c1", referrer_her="80101") == {
        ("F1", Action.SEND, None)
    }
    referred = state(referrer_her="80111")
    assert actions(EventKind.REFERRAL_REGISTERED, referred, case_id="c1") == {("F1", Action.SEND, None)}
