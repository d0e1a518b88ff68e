"""The PLO reports both ways: Innleggelsesrapport, Utskrivningsrapport, Helseopplysninger and Melding
om fravær become FHIR resources a reader can use, come back as exactly their type, and a Bundle that
lacks what a type requires is refused with a code."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from samband.adapters.msghead.parse import parse_msghead
from samband.gateway.cli.main import app
from samband.kernel.errors import GatewayError
from samband.kernel.formats import Format
from samband.mappings.base import fixed_context
from samband.mappings.common.systems import EXT_ABSENCE, KOMPONENT_ID, MESSAGE_EVENT
from samband.mappings.common.view import JsonDict, as_dict, as_list
from samband.mappings.plo_fhir import from_fhir as plo_out
from samband.mappings.registry import MAPPINGS, from_fhir, to_fhir
from tests.conftest import SAMPLES

MESSAGES = Path(__file__).resolve().parents[2] / "messages" / "plo"
DISCHARGE = MESSAGES / "utskrivningsrapport_1_6.xml"
ABSENCE = MESSAGES / "melding_fravar_1_5.xml"


def _resources(bundle: JsonDict, kind: str) -> list[JsonDict]:
    entries = (as_dict(e.get("resource")) for e in as_list(bundle.get("entry")))
    return [r for r in entries if r.get("resourceType") == kind]


def _pivot(path: Path) -> JsonDict:
    return to_fhir(path.read_bytes(), fixed_context()).result


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="reference samples not found")
def test_an_utskrivningsrapport_gives_the_stay_as_encounter_and_the_diagnoses_as_conditions() -> None:
    bundle = _pivot(SAMPLES / "plo" / "1_6" / "Utskrivningsrapport_v1-6_Ny.xml")
    header = _resources(bundle, "MessageHeader")[0]
    assert as_dict(header["eventCoding"])["code"] == "UTSKRIVNINGSRAPPORT"
    assert str(header["definition"]).endswith("|1.6")
    communication = _resources(bundle, "Communication")[0]
    encounters = {f"urn:uuid:{e['id']}" for e in _resources(bundle, "Encounter")}
    assert len(encounters) == 3
    assert as_dict(communication["encounter"])["reference"] in encounters
    assert _resources(bundle, "Condition"), "the diagnoses are Conditions"
    reasons = [c.get("code") for r in as_list(communication["reasonCode"]) for c in as_list(r.get("coding"))]
    assert "11" in reasons  # TypeInnholdIMelding 9139 Utskrivningsrapport
    statements = _resources(bundle, "MedicationStatement")
    identifiers = [i for s in statements for i in as_list(s.get("identifier"))]
    assert identifiers and all(i["system"] == KOMPONENT_ID for i in identifiers)


REPORTS = [
    "utskrivningsrapport_1_6",
    "innleggelsesrapport_1_6",
    "helseopplysninger_soknad_1_6",
    "melding_fravar_1_5",
]
WRITTEN = {"INNLEGGELSESRAPPORT", "UTSKRIVNINGSRAPPORT", "HELSEOPPL_SOKNAD", "FRAVARSMELDING"}


@pytest.mark.parametrize(
    "name",
    [
        "utskrivningsrapport_1_6",
        "innleggelsesrapport_1_6",
        "helseopplysninger_soknad_1_6",
        "melding_fravar_1_5",
    ],
)
def test_a_report_comes_back_as_its_own_type_and_version(name: str) -> None:
    raw = (MESSAGES / f"{name}.xml").read_bytes()
    ctx = fixed_context()
    out = from_fhir(to_fhir(raw, ctx).result, "plo", ctx).result
    before, after = parse_msghead(raw), parse_msghead(out)
    assert after.msg_type == before.msg_type
    assert after.payload is not None and before.payload is not None
    assert after.payload.namespace == before.payload.namespace


def test_every_written_type_is_read_and_the_registry_takes_the_builders() -> None:
    assert MAPPINGS[(Format.FHIR, Format.PLO)].types == frozenset(plo_out.BUILDERS)
    assert {
        "INNLEGGELSESRAPPORT",
        "UTSKRIVNINGSRAPPORT",
        "HELSEOPPL_SOKNAD",
        "FRAVARSMELDING",
    } <= plo_out.TYPES


def test_an_utskrivningsrapport_without_its_content_type_is_refused_with_a_code() -> None:
    bundle = copy.deepcopy(_pivot(DISCHARGE))
    for communication in _resources(bundle, "Communication"):
        communication.pop("reasonCode", None)
    with pytest.raises(GatewayError) as refused:
        from_fhir(bundle, "plo", fixed_context())
    assert refused.value.code == "plo.missing-required"
    assert "TypeInnholdIMelding" in str(refused.value)


def test_melding_om_fravaer_is_a_communication_with_the_absence() -> None:
    bundle = _pivot(ABSENCE)
    communication = _resources(bundle, "Communication")[0]
    absence = next(e for e in as_list(communication["extension"]) if e["url"] == EXT_ABSENCE)
    parts = {p["url"]: p for p in as_list(absence["extension"])}
    assert parts["fravaerende"]["valueBoolean"] is True
    assert parts["periode"]["valuePeriod"] == {"start": "2024-07-01", "end": "2024-07-21"}
    colleague = as_dict(parts["videresendt-til"]["valueReference"])["reference"]
    assert colleague in {f"urn:uuid:{r['id']}" for r in _resources(bundle, "PractitionerRole")}
    assert str(as_list(communication["payload"])[0]["contentString"]).startswith("Ferie")


def test_melding_om_fravaer_without_the_absence_is_refused() -> None:
    bundle = copy.deepcopy(_pivot(ABSENCE))
    for communication in _resources(bundle, "Communication"):
        communication.pop("extension", None)
    with pytest.raises(GatewayError) as refused:
        from_fhir(bundle, "plo", fixed_context())
    assert refused.value.code == "plo.no-absence"


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="reference samples not found")
def test_the_official_reports_keep_type_and_version() -> None:
    for path in sorted(SAMPLES.glob("plo/*/*rapport*.xml")):
        raw = path.read_bytes()
        ctx = fixed_context()
        out = from_fhir(to_fhir(raw, ctx).result, "plo", ctx).result
        assert parse_msghead(out).msg_type == parse_msghead(raw).msg_type, path.name


def test_the_cli_refuses_a_bundle_whose_type_is_not_plo(tmp_path: Path) -> None:
    bundle = copy.deepcopy(_pivot(DISCHARGE))
    header = _resources(bundle, "MessageHeader")[0]
    header["eventCoding"] = {"system": MESSAGE_EVENT, "code": "DIALOG_NOTAT"}
    source = tmp_path / "bundle.json"
    source.write_text(json.dumps(bundle), encoding="utf-8")
    result = CliRunner().invoke(app, ["translate", str(source), "--to", "plo"])
    assert result.exit_code == 1
    assert json.loads(result.stderr.splitlines()[-1])["code"] == "plo.unsupported-event"
    assert result.stdout == ""
