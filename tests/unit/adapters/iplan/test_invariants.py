"""Each import invariant: the coded error, and where (JSON pointer for JSON, XPath and line for XML)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

import pytest

from samband.adapters.ident import synthetic_fnr
from samband.adapters.iplan import IpExport, parse_json, parse_xml, serialize_json, serialize_xml
from samband.adapters.iplan.invariants import check_invariants
from samband.adapters.iplan.model_parts import NationalId
from samband.kernel.errors import ContractViolation
from tests.unit.adapters.iplan.conftest import dump


def _json_error(data: dict[str, Any]) -> ContractViolation:
    with pytest.raises(ContractViolation) as caught:
        parse_json(dump(data))
    return caught.value


def _participant(data: dict[str, Any], pid: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in data["plan"]["participants"] if p["id"] == pid)
    return found


def test_scenario_plans_hold_every_invariant(
    kari_active: IpExport, emma_plan: IpExport, kari_closed: IpExport
) -> None:
    assert check_invariants(kari_active) == []
    assert check_invariants(emma_plan) == []
    assert check_invariants(kari_closed) == []


def test_two_active_coordinators(kari_json: dict[str, Any]) -> None:
    _participant(kari_json, "p-fysio")["roles"] = ["koordinator"]
    error = _json_error(kari_json)
    assert error.code == "ip-export.invariant.coordinator"
    assert error.where == "/plan/participants/5"
    assert "p-ola, p-fysio" in error.detail


def test_active_plan_without_coordinator(kari_json: dict[str, Any]) -> None:
    _participant(kari_json, "p-ola")["roles"] = ["teammedlem"]
    del kari_json["plan"]["coordinatorRef"]
    error = _json_error(kari_json)
    assert (error.code, error.where) == ("ip-export.invariant.coordinator", "/plan/coordinatorRef")


def test_coordinator_ref_must_name_the_coordinator(kari_json: dict[str, Any]) -> None:
    kari_json["plan"]["coordinatorRef"] = "p-fysio"
    error = _json_error(kari_json)
    assert (error.code, error.where) == ("ip-export.invariant.coordinator", "/plan/coordinatorRef")


def test_inactive_coordinator_does_not_count(kari_json: dict[str, Any]) -> None:
    _participant(kari_json, "p-ola")["active"] = False
    assert _json_error(kari_json).code == "ip-export.invariant.coordinator"


def test_barnekoordinator_for_an_adult(kari_json: dict[str, Any]) -> None:
    _participant(kari_json, "p-ola")["roles"] = ["barnekoordinator"]
    error = _json_error(kari_json)
    assert error.code == "ip-export.invariant.barnekoordinator-age"
    assert error.where == "/plan/participants/4/roles/0"
    assert "72" in error.detail


def test_barnekoordinator_at_eighteen_is_refused_in_xml(emma_plan: IpExport) -> None:
    birth = date(2008, 3, 2)  # 18 on the export date 2026-03-02
    subject = dataclasses.replace(
        emma_plan.plan.subject,
        birth_date=birth,
        national_id=NationalId(type="fnr", value=synthetic_fnr(birth)),
    )
    adult = dataclasses.replace(emma_plan, plan=dataclasses.replace(emma_plan.plan, subject=subject))
    raw = serialize_xml(adult, strict=False)
    with pytest.raises(ContractViolation) as caught:
        parse_xml(raw)
    error = caught.value
    assert error.code == "ip-export.invariant.barnekoordinator-age"
    assert error.where == "/ipx:IndividualPlanExport/ipx:plan/ipx:participants/ipx:participant[4]/ipx:role[1]"
    assert error.line == raw[: raw.index(b"<role>barnekoordinator")].count(b"\n") + 1


def test_barnekoordinator_the_day_before_eighteen_is_allowed(emma_plan: IpExport) -> None:
    birth = date(2008, 3, 3)
    subject = dataclasses.replace(
        emma_plan.plan.subject,
        birth_date=birth,
        national_id=NationalId(type="fnr", value=synthetic_fnr(birth)),
    )
    child = dataclasses.replace(emma_plan, plan=dataclasses.replace(emma_plan.plan, subject=subject))
    assert parse_json(serialize_json(child)) == child


def test_participant_seeing_content_without_consent(kari_json: dict[str, Any]) -> None:
    kari_json["plan"]["consents"] = [c for c in kari_json["plan"]["consents"] if c["id"] != "c-nav"]
    error = _json_error(kari_json)
    assert error.code == "ip-export.invariant.consent"
    assert error.where == "/plan/participants/6/accessScope"
    assert "p-nav" in error.detail


def test_participant_seeing_more_than_consented(kari_json: dict[str, Any]) -> None:
    _participant(kari_json, "p-nav")["accessScope"] = ["goals", "measures", "documents"]
    error = _json_error(kari_json)
    assert error.code == "ip-export.invariant.consent"
    assert "documents" in error.detail


def test_withdrawn_or_expired_consent_does_not_cover(kari_json: dict[str, Any]) -> None:
    consent = next(c for c in kari_json["plan"]["consents"] if c["id"] == "c-fysio")
    consent["status"] = "withdrawn"
    assert _json_error(kari_json).code == "ip-export.invariant.consent"
    consent["status"] = "active"
    consent["period"]["end"] = "2026-02-09"
    assert _json_error(kari_json).code == "ip-export.invariant.consent"


def test_active_plan_needs_plan_consent(kari_json: dict[str, Any]) -> None:
    next(c for c in kari_json["plan"]["consents"] if c["id"] == "c-plan")["type"] = "coordinator"
    error = _json_error(kari_json)
    assert (error.code, error.where) == ("ip-export.invariant.consent", "/plan/consents")


def test_consent_given_by_someone_who_cannot(kari_json: dict[str, Any]) -> None:
    kari_json["plan"]["consents"][0]["grantedByRef"] = "p-ola"
    error = _json_error(kari_json)
    assert (error.code, error.where) == ("ip-export.invariant.consent", "/plan/consents/0/grantedByRef")


def test_psfs_item_without_direction(kari_json: dict[str, Any]) -> None:
    del kari_json["plan"]["psfsAssessments"][0]["scaleDirection"]
    error = _json_error(kari_json)
    assert (error.code, error.where) == (
        "ip-export.invariant.psfs-direction",
        "/plan/psfsAssessments/0/items/0",
    )


def test_psfs_direction_on_each_item_is_enough(kari_json: dict[str, Any]) -> None:
    assessment = kari_json["plan"]["psfsAssessments"][0]
    del assessment["scaleDirection"]
    for item in assessment["items"]:
        item["scaleDirection"] = "0-no-problem_10-unable"
    assert (
        parse_json(dump(kari_json)).plan.psfs_assessments[0].items[0].scale_direction
        == "0-no-problem_10-unable"
    )


def test_psfs_direction_missing_in_xml_gives_xpath(kari_active: IpExport) -> None:
    assessment = dataclasses.replace(kari_active.plan.psfs_assessments[0], scale_direction=None)
    bad = dataclasses.replace(
        kari_active, plan=dataclasses.replace(kari_active.plan, psfs_assessments=(assessment,))
    )
    with pytest.raises(ContractViolation) as caught:
        parse_xml(serialize_xml(bad, strict=False))
    assert caught.value.code == "ip-export.invariant.psfs-direction"
    plan = "/ipx:IndividualPlanExport/ipx:plan"
    assert caught.value.where == f"{plan}/ipx:psfsAssessments/ipx:psfsAssessment[1]/ipx:items/ipx:item[1]"


@pytest.mark.parametrize(
    ("mutate", "code", "where"),
    [
        (
            lambda d: d["plan"]["measures"][0].update(responsibleRef="p-nobody"),
            "ip-export.invariant.ref",
            "/plan/measures/0/responsibleRef",
        ),
        (
            lambda d: d["plan"]["goals"][0].update(parentGoalRef="g-1a"),
            "ip-export.invariant.ref",
            "/plan/goals/0/parentGoalRef",
        ),
        (
            lambda d: d["plan"]["goals"][1].update(id="g-1"),
            "ip-export.invariant.unique-id",
            "/plan/goals/1/id",
        ),
        (
            lambda d: d["plan"]["changeLog"][-1].update(sequence=99),
            "ip-export.invariant.changelog",
            "/plan/changeLog/22/sequence",
        ),
        (lambda d: d["plan"].update(status="closed"), "ip-export.invariant.closure", "/plan/closure"),
        (
            lambda d: d["plan"]["planPeriod"].update(end="2025-01-01"),
            "ip-export.invariant.period",
            "/plan/planPeriod/end",
        ),
        (lambda d: d.update(exportKind="delta"), "ip-export.invariant.delta", "/sinceRevision"),
        (lambda d: d.update(view="participant"), "ip-export.invariant.view", "/viewForParticipantRef"),
        (
            lambda d: d["plan"]["subject"]["nationalId"].update(value="12845300078"),
            "ip-export.invariant.national-id",
            "/plan/subject/nationalId/value",
        ),
        (
            lambda d: d["plan"]["participants"][1].pop("person"),
            "ip-export.invariant.participant-person",
            "/plan/participants/1",
        ),
    ],
    ids=[
        "dangling-ref",
        "goal-cycle",
        "duplicate-id",
        "changelog",
        "closure",
        "period",
        "delta",
        "view",
        "fnr",
        "person",
    ],
)
def test_further_invariants(kari_json: dict[str, Any], mutate: Any, code: str, where: str) -> None:
    mutate(kari_json)
    errors = [e for e in check_invariants_of(kari_json) if e[0] == code]
    assert (code, where) in errors, errors


def check_invariants_of(data: dict[str, Any]) -> list[tuple[str, str]]:
    from samband.adapters.iplan.codec import from_dict

    export = from_dict(IpExport, json.loads(dump(data)))
    return [(v.code, v.path or "") for v in check_invariants(export)]


def test_invariants_can_be_skipped_for_inspection(kari_json: dict[str, Any]) -> None:
    _participant(kari_json, "p-fysio")["roles"] = ["koordinator"]
    assert parse_json(dump(kari_json), invariants=False).plan.coordinator_ref == "p-ola"
