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
