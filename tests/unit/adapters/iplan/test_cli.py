"""``samband validate``, ``translate`` and ``corpus`` with ip-export documents, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from samband.adapters.iplan import parse
from samband.gateway.cli.main import app

MESSAGES = Path(__file__).resolve().parents[3] / "messages" / "ip-export"
runner = CliRunner()


def test_validate_reports_each_invalid_ip_export() -> None:
    result = runner.invoke(app, ["validate", str(MESSAGES / "invalid"), "--format", "json"])
    assert result.exit_code == 1
    reports = {Path(r["file"]).name: r for r in json.loads(result.stdout)}
    assert reports["two-coordinators.json"]["kind"] == "ip-export"
    assert reports["two-coordinators.json"]["findings"][0]["rule"] == "ip-export.invariant.coordinator"
    assert not any(r["valid"] for r in reports.values())


def test_validate_accepts_the_valid_ip_exports() -> None:
    result = runner.invoke(app, ["validate", str(MESSAGES / "valid")])
    assert result.exit_code == 0, result.stdout


def test_translate_to_fhir_and_back(tmp_path: Path) -> None:
    source = MESSAGES / "valid" / "kari-active.xml"
    bundle_file = tmp_path / "bundle.json"
    result = runner.invoke(app, ["translate", str(source), "--to", "fhir", "-o", str(bundle_file)])
    assert result.exit_code == 0, result.output
    bundle = json.loads(bundle_file.read_text(encoding="utf-8"))
    assert bundle["type"] == "collection"
    assert "CarePlan" in {e["resource"]["resourceType"] for e in bundle["entry"]}
    back = tmp_path / "back.json"
    result = runner.invoke(app, ["translate", str(bundle_file), "--to", "ip-export", "-o", str(back)])
    assert result.exit_code == 0, result.output
    original = parse(source.read_bytes())
    assert parse(back.read_bytes()).plan.goals == original.plan.goals


def test_translate_refuses_an_invalid_ip_export_with_its_code() -> None:
    result = runner.invoke(
        app, ["translate", str(MESSAGES / "invalid" / "psfs-without-direction.json"), "--to", "fhir"]
    )
    assert result.exit_code == 1
    assert "ip-export.invariant.psfs-direction" in result.output


def test_corpus_writes_the_ten_scenarios(tmp_path: Path) -> None:
    result = runner.invoke(app, ["corpus", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    scenarios = sorted(p.name for p in (tmp_path / "ip-export").iterdir())
    assert [s[:3] for s in scenarios] == [f"s{n:02d}" for n in range(1, 11)]
    gap = tmp_path / "ip-export" / "s10-closure" / "04-revision-gap"
    assert json.loads((gap / "error.json").read_text(encoding="utf-8"))["code"] == "ip-export.revision-gap"
    events = json.loads(
        (tmp_path / "ip-export" / "s04-coordinator" / "01-appointed" / "events.json").read_text()
    )
    assert events[0]["kind"] == "coordinator.appointed"
