"""``samband translate`` through the FHIR pivot: result on stdout or -o, issues on stderr, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from samband.gateway.cli.main import app

TESTS = Path(__file__).resolve().parents[3]
ORIENTERING = TESTS / "messages" / "plo" / "orientering_ny_1_6.xml"
HANDBUILT = TESTS / "golden" / "fhir_to_plo" / "careplan_handbuilt" / "input.json"
runner = CliRunner()


def test_plo_to_fhir_on_stdout() -> None:
    result = runner.invoke(app, ["translate", str(ORIENTERING), "--to", "fhir"])
    assert result.exit_code == 0, result.output
    bundle = json.loads(result.stdout)
    assert bundle["type"] == "message"
    assert bundle["entry"][0]["resource"]["resourceType"] == "MessageHeader"


def test_fhir_to_plo_into_a_file_with_issues_on_stderr(tmp_path: Path) -> None:
    out = tmp_path / "orientering.xml"
    result = runner.invoke(app, ["translate", str(HANDBUILT), "--to", "plo", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert b"ORIENTERING_TJENESTETILBUD" in out.read_bytes()
    assert "plo.default-privat" in result.stderr
    assert result.stdout == ""


def test_plo_straight_to_dialogmelding_is_refused_with_a_code() -> None:
    """A PLO message is not a Dialogmelding: no mapping for the pair, never another message type."""
    result = runner.invoke(app, ["translate", str(ORIENTERING), "--to", "dialogmelding"])
    assert result.exit_code == 1
    assert "[mapping.no-pair]" in result.stderr
    refusal = json.loads(result.stderr.splitlines()[-1])
    assert refusal["code"] == "mapping.no-pair" and refusal["received"] == "plo → dialogmelding"
    assert result.stdout == ""


def test_an_ip_export_cannot_be_written_as_plo(tmp_path: Path) -> None:
    source = TESTS / "messages" / "ip-export" / "valid" / "kari-active.xml"
    result = runner.invoke(app, ["translate", str(source), "--to", "plo"])
    assert result.exit_code == 1
    assert json.loads(result.stderr.splitlines()[-1])["code"] == "mapping.no-pair"


def test_an_unknown_target_is_usage() -> None:
    result = runner.invoke(app, ["translate", str(ORIENTERING), "--to", "hl7v2"])
    assert result.exit_code == 2
    assert "fhir" in result.stderr


def test_unreadable_input_is_fatal_with_code(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<MsgHead><unclosed>")
    result = runner.invoke(app, ["translate", str(broken), "--to", "fhir"])
    assert result.exit_code == 1
    assert result.stderr.startswith("samband translate: [xml.not-well-formed] ")
    assert f"({broken}:1:20)" in result.stderr.splitlines()[0]


def test_missing_file_is_usage(tmp_path: Path) -> None:
    result = runner.invoke(app, ["translate", str(tmp_path / "nothing.xml"), "--to", "fhir"])
    assert result.exit_code == 2


def test_fhir_in_xml_translates_to_the_plo_its_json_twin_gives(tmp_path: Path) -> None:
    xml = TESTS / "messages" / "fhir" / "careplan_handbuilt.xml"
    from_xml, from_json = tmp_path / "from-xml.xml", tmp_path / "from-json.xml"
    assert runner.invoke(app, ["translate", str(xml), "--to", "plo", "-o", str(from_xml)]).exit_code == 0
    assert (
        runner.invoke(app, ["translate", str(HANDBUILT), "--to", "plo", "-o", str(from_json)]).exit_code == 0
    )
    assert from_xml.read_bytes() == from_json.read_bytes()
    as_fhir = runner.invoke(app, ["translate", str(xml), "--to", "fhir"])
    assert as_fhir.exit_code == 0 and json.loads(as_fhir.stdout)["resourceType"] == "Bundle", (
        "FHIR is written as JSON"
    )
