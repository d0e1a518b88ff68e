"""ip-export change events from the scenario corpus as feedback events with the facts the GP needs."""

from __future__ import annotations

from functools import cache

from samband.features.feedback.events import EventKind, FeedbackEvent
from samband.features.feedback.from_iplan import events_from_changes
from samband.features.feedback.texts import load_texts
from tools.scenarios import all_steps
from tools.scenarios.replay import Outcome, replay


@cache
def outcomes() -> dict[str, Outcome]:
    return {o.step.key: o for o in replay(all_steps())}


def events(key: str) -> list[FeedbackEvent]:
    o = outcomes()[key]
    assert o.state is not None
    return events_from_changes(o.events, o.state.plan, load_texts())


def kinds(key: str) -> list[EventKind]:
    return [e.kind for e in events(key)]


def test_kes_registration_is_the_referral_registered() -> None:
    [registered] = [
        e for e in events("s01-referral/01-registered") if e.kind is EventKind.REFERRAL_REGISTERED
    ]
    assert registered.fact("case_officer").name == "Siri Vik"
    assert registered.fact("referrer_her") == "80101", "the GP identified the need"


def test_one_decision_per_revision_with_granted_and_rejected() -> None:
    [decision] = [e for e in events("s03-decision/01-decided-delta") if e.kind is EventKind.DECISION_MADE]
    assert [s.name for s in decision.fact("granted")] == ["Hjemmesykepleie"]
    assert [(s.name, s.reason) for s in decision.fact("rejected")] == [
        ("Praktisk bistand", "Behovet dekkes av hjemmesykepleien og hjelpemidler")
    ]


def test_plan_turning_active_is_ip_created_with_the_gps_scope() -> None:
    [created] = [e for e in events("s05-ip-created/01-active") if e.kind is EventKind.PLAN_CREATED]
    assert created.fact("gp_scope") == "mål, tiltak, møter"


def test_a_new_vedtak_on_a_running_service_is_a_service_change() -> None:
    [changed] = [e for e in events("s08-hospital/02-discharged") if e.kind is EventKind.SERVICE_CHANGED]
    assert changed.fact("changed")[0].extent_text == "5 besøk per uke"


def test_the_evaluation_normalises_a_reversed_psfs_scale() -> None:
    for key in ("s10-closure/01-evaluated", "s10-closure/06-reversed-psfs-scale"):
        [evaluation] = [e for e in events(key) if e.kind is EventKind.EVALUATION_RECORDED]
        assert [(i["baseline"], i["current"]) for i in evaluation.fact("psfs")] == [(3, 8), (5, 9)]
        assert EventKind.GOAL_ACHIEVED not in kinds(key), "the evaluation lists every goal already"


def test_consent_withdrawn_for_the_gp_comes_first_and_concerns_the_gp() -> None:
    found = events("s10-closure/05-consent-withdrawn")
    gp = [e for e in found if e.fact("concerns_gp")]
    assert [e.kind for e in gp] == [EventKind.CONSENT_WITHDRAWN] and gp[0].fact("scope") == "plan-content"
    assert found[0].kind is EventKind.CONSENT_WITHDRAWN


def test_the_child_plan_shows_family_by_role_and_school_by_service() -> None:
    [appointed] = [
        e for e in events("s09-barnekoordinator/01-child-plan") if e.kind is EventKind.COORDINATOR_APPOINTED
    ]
    shown = [t["shown"] for t in appointed.fact("team")]
    assert "pårørende" in shown and "Sentrum skole (teammedlem)" in shown
    assert not any("Lars Moe" in s for s in shown)


def test_a_duplicate_delivery_gives_no_events() -> None:
    assert events("s10-closure/03-duplicate-delivery") == []
