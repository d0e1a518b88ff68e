"""Participant and GP views: only what the consents cover, change-log values left out, still valid."""

from __future__ import annotations

import dataclasses

import pytest

from samband.adapters.iplan import IpExport, parse_json, serialize_json
from samband.adapters.iplan.model_work import FieldChange
from samband.adapters.iplan.views import gp_summary, participant_view
from samband.kernel.errors import ContractViolation
from tools.scenarios import kari_closure


def test_gp_summary_holds_what_the_gp_consent_covers(kari_active: IpExport) -> None:
    view = gp_summary(kari_active)
    assert view.view == "gp-summary"
    assert [g.id for g in view.plan.goals] == ["g-1", "g-1a", "g-1b"]
    assert len(view.plan.measures) == 4
    assert view.plan.change_log == ()
    assert parse_json(serialize_json(view)) == view


def test_nav_sees_goals_and_measures_but_not_meetings(kari_held: IpExport) -> None:
    view = participant_view(kari_held, "p-nav")
    assert (view.view, view.view_for_participant_ref) == ("participant", "p-nav")
    assert view.plan.goals and view.plan.measures
    assert view.plan.meetings == ()
    full_gp = participant_view(kari_held, "p-ola")
    assert full_gp.plan.meetings == kari_held.plan.meetings
    assert parse_json(serialize_json(view)) == view


def test_withdrawn_gp_consent_leaves_an_empty_summary() -> None:
    steps = {s.key: s.export for s in kari_closure.steps()}
    view = gp_summary(steps["s10-closure/05-consent-withdrawn"])
    assert (view.plan.goals, view.plan.measures, view.plan.meetings) == ((), (), ())


def test_views_are_made_from_full_exports_only(kari_active: IpExport) -> None:
    with pytest.raises(ContractViolation) as caught:
        gp_summary(gp_summary(kari_active))
    assert caught.value.code == "ip-export.view-source"


def test_a_view_with_change_log_values_breaks_the_contract(kari_active: IpExport) -> None:
    entry = dataclasses.replace(
        kari_active.plan.change_log[-1],
        changes=(FieldChange(path="/plan/title", old_value="a", new_value="b"),),
    )
    plan = dataclasses.replace(kari_active.plan, change_log=(*kari_active.plan.change_log[:-1], entry))
    leaky = dataclasses.replace(kari_active, view="gp-summary", plan=plan)
    with pytest.raises(ContractViolation) as caught:
        parse_json(serialize_json(leaky, strict=False))
    assert (caught.value.code, caught.value.where) == (
        "ip-export.invariant.view",
        "/plan/changeLog/22/changes",
    )
