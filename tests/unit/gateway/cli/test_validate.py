"""`samband validate` on the official samples and on broken documents, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from samband.gateway.cli.main import app
from tests.conftest import SAMPLES

runner = CliRunner()

MESSAGE_FOLDERS = ("ebxml", "msghead", "apprec", "dialogmelding", "plo")
DATA_FOLDERS = ("cppa", "adresseregister")


def _samples(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (SAMPLES / folder).rglob("*.xml"))


@pytest.mark.parametrize("path", _samples(*MESSAGE_FOLDERS, *DATA_FOLDERS), ids=lambda p: p.name)
def test_every_reference_sample_has_no_error_finding(path: Path) -> None:
    result = runner.invoke(app, ["validate", "--format", "json", str(path)])
    report = json.loads(result.stdout)
    errors = [f for f in report[0]["findings"] if f["severity"] == "error"]
    assert errors == [], errors
    assert result.exit_code == 0


def test_known_sender_deviations_show_as_warnings() -> None:
    deviating = SAMPLES / "dialogmelding" / "nav" / "dialogmelding_dialog_notat.xml"
    result = runner.invoke(app, ["validate", "--format", "json", str(deviating)])
    findings = json.loads(result.stdout)[0]["findings"]
    assert result.exit_code == 0
    assert any(f["severity"] == "warning" for f in findings)


def test_text_output_is_one_finding_per_line_with_rule_location_and_xpath(tmp_path: Path) -> None:
    source = (SAMPLES / "plo" / "1_6" / "Orientering_om_tjenestetilbud_v1-6_Ny.xml").read_bytes()
    broken = tmp_path / "broken.xml"
    broken.write_bytes(
        source.replace(b"<MIGversion>", b"<MIGversjon>", 1).replace(b"</MIGversion>", b"</MIGversjon>", 1)
    )
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 1
    line = result.stdout.splitlines()[0]
    assert line.startswith(f"{broken}:")
    assert " error " in line and "/MsgHead" in line


def test_not_well_formed_document_is_an_error_with_position(tmp_path: Path) -> None:
    broken = tmp_path / "x.xml"
    broken.write_bytes(b"<MsgHead>\n<MsgInfo></MsgHead>")
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "xml.not-well-formed" in result.stdout and f"{broken}:2:" in result.stdout


def test_folder_is_walked_and_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    assert runner.invoke(app, ["validate", str(tmp_path / "nope")]).exit_code == 2
    result = runner.invoke(app, ["validate", "--format", "json", str(SAMPLES / "apprec")])
    assert len(json.loads(result.stdout)) == len(_samples("apprec"))


IP_EXPORTS = sorted((Path(__file__).resolve().parents[3] / "messages" / "ip-export" / "valid").iterdir())


@pytest.mark.parametrize("source", IP_EXPORTS, ids=lambda p: p.name)
def test_the_fhir_view_of_an_ip_export_and_each_of_its_resources_validate(
    source: Path, tmp_path: Path
) -> None:
    """A collection Bundle is not a message: no message rules; a single resource is checked for structure."""
    view = tmp_path / "view.json"
    assert runner.invoke(app, ["translate", str(source), "--to", "fhir", "-o", str(view)]).exit_code == 0
    for entry in json.loads(view.read_bytes())["entry"]:
        single = tmp_path / f"{entry['resource']['resourceType']}-{entry['resource']['id']}.json"
        single.write_text(json.dumps(entry["resource"]), encoding="utf-8")
    result = runner.invoke(app, ["validate", "--format", "json", str(tmp_path)])
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert len(report) > 2 and all(r["kind"] == "fhir" and r["findings"] == [] for r in report)


def test_fhir_in_xml_validates_and_a_repeated_element_is_found_by_its_line(tmp_path: Path) -> None:
    xml = Path(__file__).resolve().parents[3] / "messages" / "fhir" / "careplan_handbuilt.xml"
    assert runner.invoke(app, ["validate", str(xml)]).exit_code == 0
    swapped = xml.read_bytes().replace(
        b'<type value="message"/>', b'<type value="message"/><type value="x"/>'
    )
    (tmp_path / "twice.xml").write_bytes(swapped)
    result = runner.invoke(app, ["validate", "--format", "json", str(tmp_path / "twice.xml")])
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)[0]["findings"]
    assert (finding["rule"], finding["line"], finding["xpath"]) == ("fhir.xml-element", 5, "/type")
