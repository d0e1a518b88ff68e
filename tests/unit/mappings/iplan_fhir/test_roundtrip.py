"""export → FHIR → export keeps every field the contract marks round-trippable, for every scenario step."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from samband.adapters.iplan import IpExport
from samband.adapters.iplan.codec import to_dict
from samband.adapters.iplan.model_work import Attachment
from samband.adapters.iplan.spec import fields_of
from samband.kernel.errors import MappingError, SchemaInvalid
from samband.mappings.base import fixed_context
from samband.mappings.iplan_fhir import from_fhir, to_fhir
from tools.scenarios import all_steps, kari


def round_trippable(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the fields docs/ip-export.md marks as not round-trippable."""
    out: dict[str, Any] = {}
    for fld in fields_of(cls):
        if fld.json not in data or not fld.meta["roundtrip"]:
            continue
        value = data[fld.json]
        if fld.is_object:
            value = (
                [round_trippable(fld.base, v) for v in value]
                if fld.is_list
                else round_trippable(fld.base, value)
            )
        out[fld.json] = value
    return out


@pytest.mark.parametrize("step", [s for s in all_steps() if s.error is None], ids=lambda s: s.key)
def test_round_trip_keeps_the_contract(step: Any) -> None:
    export: IpExport = step.export
    back = from_fhir(to_fhir(export, fixed_context()).result, fixed_context()).result
    assert round_trippable(IpExport, to_dict(back)) == round_trippable(IpExport, to_dict(export))


def test_not_round_trippable_parts_are_named_in_issues() -> None:
    export = kari.registered()
    attachment = Attachment(
        id="a-1", title="Samtykke", category="samtykke", media_type="application/pdf", size_bytes=10,
        sha256="0" * 64, created_at=export.generated_at, uri="https://ip.example/a-1",
    )  # fmt: skip
    with_attachment = dataclasses.replace(
        export, plan=dataclasses.replace(export.plan, attachments=(attachment,))
    )
    done = to_fhir(with_attachment, fixed_context())
    assert ("ip-export.fhir.unmapped", "/plan/attachments/0") in [(i.code, i.path) for i in done.issues]
    back = from_fhir(done.result, fixed_context()).result
    assert back.plan.attachments == () and back.plan.change_log == ()


def test_bundle_without_individual_plan_is_refused() -> None:
    bundle = to_fhir(kari.registered(), fixed_context()).result
    bundle = copy.deepcopy(bundle)
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != "CarePlan"]
    with pytest.raises(MappingError) as caught:
        from_fhir(bundle, fixed_context())
    assert caught.value.code == "ip-export.fhir.careplan"


def test_structurally_invalid_bundle_is_refused() -> None:
    bundle = copy.deepcopy(to_fhir(kari.registered(), fixed_context()).result)
    bundle["entry"][0]["resource"]["birthDate"] = "not a date"
    with pytest.raises(SchemaInvalid) as caught:
        from_fhir(bundle, fixed_context())
    assert caught.value.code == "fhir.structure"


def test_incomplete_bundle_says_what_is_missing() -> None:
    bundle = copy.deepcopy(to_fhir(kari.registered(), fixed_context()).result)
    care_plan = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan")
    care_plan["extension"] = [e for e in care_plan["extension"] if not e["url"].endswith("/ip-revision")]
    with pytest.raises(MappingError) as caught:
        from_fhir(bundle, fixed_context())
    assert caught.value.code == "ip-export.fhir.incomplete"
    assert "revision" in caught.value.detail


def test_delta_holding_only_a_new_sub_goal_keeps_its_parent() -> None:
    from samband.features.changes.detect import make_delta
    from tools.scenarios.build import oslo, revise

    active = kari.plan_created(kari.coordinator_appointed(kari.decided(kari.gp_answered(kari.registered()))))
    sub = dataclasses.replace(active.plan.goals[1], id="g-1d", text="Lage middag selv", psfs_targets=())
    new = revise(
        active, oslo(2026, 6, 1), "p-ola", [("created", "goal", "g-1d")], goals=(*active.plan.goals, sub)
    )
    delta = make_delta(active, new)
    assert [g.id for g in delta.plan.goals] == ["g-1d"] and delta.plan.participants == ()
    back = from_fhir(to_fhir(delta, fixed_context()).result, fixed_context()).result
    assert back.plan.goals[0].parent_goal_ref == "g-1"
    assert back.plan.goals[0].expressed_by_ref == "p-kari"
    assert back.since_revision == active.plan.revision


def test_care_plan_without_the_plan_identifier_is_refused_with_a_code() -> None:
    bundle = copy.deepcopy(to_fhir(kari.registered(), fixed_context()).result)
    care_plan = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan")
    del care_plan["identifier"]
    with pytest.raises(MappingError) as caught:
        from_fhir(bundle, fixed_context())
    assert caught.value.code == "ip-export.fhir.incomplete"
