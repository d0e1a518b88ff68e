"""ip-export → FHIR: the resources a GP system or the kommune IG expects, valid for fhir.resources R4B."""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from samband.adapters.fhir.rules import identifier_systems, references_resolve
from samband.adapters.iplan import IpExport
from samband.mappings.base import fixed_context
from samband.mappings.common.systems import FNR, HPR
from samband.mappings.iplan_fhir import to_fhir, vocab
from tools.scenarios import all_steps, emma, kari

JsonDict = dict[str, Any]


@pytest.fixture(scope="module")
def kari_active() -> IpExport:
    return kari.plan_created(kari.coordinator_appointed(kari.decided(kari.gp_answered(kari.registered()))))


@pytest.fixture(scope="module")
def bundle(kari_active: IpExport) -> JsonDict:
    result: JsonDict = to_fhir(kari_active, fixed_context()).result
    return result


def of_type(bundle: JsonDict, kind: str) -> list[JsonDict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def one(bundle: JsonDict, kind: str) -> JsonDict:
    [resource] = of_type(bundle, kind)
    return resource


def by_ref(bundle: JsonDict, reference: JsonDict) -> JsonDict:
    found: JsonDict = next(e["resource"] for e in bundle["entry"] if e["fullUrl"] == reference["reference"])
    return found


@pytest.mark.parametrize("step", [s for s in all_steps() if s.error is None], ids=lambda s: s.key)
def test_every_scenario_bundle_parses_with_r4b_and_references_resolve(step: Any) -> None:
    bundle = to_fhir(step.export, fixed_context()).result
    assert Bundle.model_validate(bundle).type == "collection"
    assert references_resolve(bundle) == []
    assert identifier_systems(bundle) == []


def test_care_plan_is_the_individual_plan(bundle: JsonDict, kari_active: IpExport) -> None:
    care_plan = one(bundle, "CarePlan")
    assert care_plan["status"] == "active" and care_plan["intent"] == "plan"
    assert care_plan["category"][0]["coding"][0] == {
        "system": vocab.PLAN_CATEGORY,
        "code": "individuell-plan",
        "display": "IP",
    }
    assert care_plan["period"] == {"start": "2026-02-10", "end": "2027-02-09"}
    assert care_plan["meta"]["versionId"] == str(kari_active.plan.revision)
    revision = [e for e in care_plan["extension"] if e["url"] == vocab.EXT_REVISION]
    assert revision == [{"url": vocab.EXT_REVISION, "valueInteger": kari_active.plan.revision}]
    activity_types = [by_ref(bundle, a["reference"])["resourceType"] for a in care_plan["activity"]]
    assert activity_types == ["ServiceRequest"] * 4
    assert all("detail" not in a for a in care_plan["activity"])
    assert by_ref(bundle, care_plan["author"])["resourceType"] == "PractitionerRole"


def test_care_team_has_the_coordinator_and_members_on_behalf_of_services(bundle: JsonDict) -> None:
    team = one(bundle, "CareTeam")
    roles = {
        p["member"]["display"]: {
            c["coding"][0]["code"] for c in p["role"] if c["coding"][0]["system"] == vocab.ROLE
        }
        for p in team["participant"]
    }
    assert roles["Ola Hansen"] == {"koordinator", "teammedlem"}
    nav = next(p for p in team["participant"] if p["member"]["display"] == "Per Lie")
    assert by_ref(bundle, nav["onBehalfOf"])["name"] == "NAV Steinkjer"
    assert {"coding": [{"system": vocab.SECTOR, "code": "NAV"}]} in nav["role"]
    unit = next(p for p in team["participant"] if p["member"]["display"].endswith("Hjemmesykepleien"))
    assert by_ref(bundle, unit["member"])["resourceType"] == "Organization"
    owner = next(p for p in team["participant"] if p["member"]["display"] == "Kari Nordmann")
    assert by_ref(bundle, owner["member"])["resourceType"] == "Patient"


def test_episode_of_care_has_the_coordinator_as_care_manager(bundle: JsonDict) -> None:
    episode = one(bundle, "EpisodeOfCare")
    role = by_ref(bundle, episode["careManager"])
    practitioner = by_ref(bundle, role["practitioner"])
    assert practitioner["identifier"] == [{"system": HPR, "value": "9100002"}]
    assert by_ref(bundle, episode["team"][0])["resourceType"] == "CareTeam"


def test_patient_is_identified_by_fnr_with_gp(bundle: JsonDict, kari_active: IpExport) -> None:
    patient = one(bundle, "Patient")
    assert patient["identifier"] == [{"system": FNR, "value": kari_active.plan.subject.national_id.value}]
    assert patient["generalPractitioner"][0]["identifier"] == {"system": HPR, "value": "9100001"}


def test_goals_carry_psfs_targets_and_sub_goals(bundle: JsonDict) -> None:
    goals = {g["description"]["text"]: g for g in of_type(bundle, "Goal")}
    walk = goals["Gå til butikken alene"]
    assert walk["target"] == [
        {
            "measure": {
                "coding": [{"system": vocab.PSFS_ITEM, "code": "psfs-butikk", "display": "Gå til butikken"}]
            },
            "detailInteger": 7,
            "dueDate": "2026-10-01",
        }
    ]
    assert walk["lifecycleStatus"] == "active"
    main = goals["Klare meg selv hjemme"]
    milestones = [e for e in main["extension"] if e["url"] == vocab.GOAL_RELATIONSHIP]
    assert len(milestones) == 2
    matters = [e["valueString"] for e in main["extension"] if e["url"] == vocab.EXT_WHAT_MATTERS]
    assert matters == ["Å kunne handle selv og dusje uten hjelp"]


def test_psfs_observation_states_the_scale_direction(bundle: JsonDict) -> None:
    [psfs] = [o for o in of_type(bundle, "Observation") if o["code"]["coding"][0]["code"] == "psfs"]
    assert psfs["extension"] == [{"url": vocab.EXT_SCALE_DIRECTION, "valueCode": "0-unable_10-able"}]
    assert [(c["code"]["text"], c["valueInteger"]) for c in psfs["component"]] == [
        ("Gå til butikken", 3),
        ("Dusje selv", 5),
    ]


def test_measures_are_service_requests_linked_to_goals(bundle: JsonDict) -> None:
    requests = {r["code"]["text"]: r for r in of_type(bundle, "ServiceRequest")}
    gait = requests["Gangtrening"]
    assert gait["status"] == "active" and gait["intent"] == "plan"
    assert gait["occurrencePeriod"] == {"start": "2026-02-12", "end": "2026-05-31"}
    goal_links = [e for e in gait["extension"] if e["url"] == vocab.PERTAINS_TO_GOAL]
    assert by_ref(bundle, goal_links[0]["valueReference"])["description"]["text"] == "Gå til butikken alene"
    assert gait["quantityRatio"]["numerator"]["value"] == 2
    assert requests["Praktisk bistand"]["status"] == "revoked"


def test_consent_names_the_participant_scope_and_period(bundle: JsonDict) -> None:
    consents = {c["identifier"][0]["value"]: c for c in of_type(bundle, "Consent")}
    nav = consents["c-nav"]
    assert nav["status"] == "active"
    assert nav["provision"]["period"] == {"start": "2026-02-10", "end": "2027-02-09"}
    assert [c["coding"][0]["code"] for c in nav["provision"]["code"]] == ["goals", "measures"]
    actor = by_ref(bundle, nav["provision"]["actor"][0]["reference"])
    assert actor["resourceType"] == "PractitionerRole"
    assert by_ref(bundle, nav["performer"][0])["resourceType"] == "Patient"


def test_meetings_are_tasks_with_the_meeting_status() -> None:
    from tools.scenarios import kari_later

    export = kari_later.meeting_held(kari_later.meeting_scheduled(
        kari.plan_created(kari.coordinator_appointed(kari.decided(kari.gp_answered(kari.registered()))))
    ))  # fmt: skip
    bundle = to_fhir(export, fixed_context()).result
    task = one(bundle, "Task")
    assert task["status"] == "completed"
    assert task["businessStatus"]["coding"][0]["code"] == "held"
    assert task["output"][0]["valueString"].startswith("Gangtrening i gang")
    assert task["executionPeriod"]["start"] == "2026-03-03T13:00:00+01:00"


def test_children_and_parents(tmp_path: Any) -> None:
    bundle = to_fhir(emma.plan(), fixed_context()).result
    related = of_type(bundle, "RelatedPerson")
    assert sorted(r["relationship"][0]["coding"][1]["code"] for r in related) == ["FTH", "MTH"]
    team = one(bundle, "CareTeam")
    barnekoordinator = [
        p
        for p in team["participant"]
        if {"coding": [{"system": vocab.ROLE, "code": "barnekoordinator"}]} in p["role"]
    ]
    assert [p["member"]["display"] for p in barnekoordinator] == ["Nina Dahl"]
    sectors = {
        c["coding"][0]["code"]
        for p in team["participant"]
        for c in p["role"]
        if c["coding"][0]["system"] == vocab.SECTOR
    }
    assert {"skole", "PPT", "barnevern", "NAV", "helsestasjon-skolehelse", "fastlege"} <= sectors


def test_same_export_same_bundle(kari_active: IpExport) -> None:
    first = to_fhir(kari_active, fixed_context()).result
    second = to_fhir(kari_active, fixed_context()).result
    assert first == second


def test_unmapped_content_is_reported(kari_active: IpExport) -> None:
    issues = to_fhir(kari_active, fixed_context()).issues
    assert [(i.code, i.path) for i in issues] == [("ip-export.fhir.unmapped", "/plan/changeLog")]
    assert issues[0].text_no
