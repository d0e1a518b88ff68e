"""``samband acceptance DIR``: the report a vendor hands in, run over the official test messages
(PLO 1.6 and Dialogmelding 1.0) through the CLI entry, plus a folder the rules do not know and a
start without the official XSDs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from samband import __version__
from samband.gateway.acceptance.run import collect
from samband.gateway.cli.main import app
from tests.conftest import REFERENCE

CASES = REFERENCE / "acceptance" / "cases"
PLO = CASES / "plo-1_6"
DIALOG = CASES / "dialogmelding-1_0"
ROW = re.compile(r"^\| (?P<n>\d+) \| (?P<file>[^|]+) \| (?P<case>[^|]+) \|.* \| (?P<result>[^|]+) \|$")

runner = CliRunner()

pytestmark = pytest.mark.skipif(not CASES.is_dir(), reason=f"acceptance test messages not found at {CASES}")


def _acceptance(*args: str) -> Result:
    return runner.invoke(app, ["acceptance", *args])


@pytest.fixture(scope="module")
def plo() -> Result:
    """The whole PLO 1.6 folder, once for the module (one gateway per message type folder)."""
    return _acceptance(str(PLO))


def _sections(report: str) -> dict[str, list[re.Match[str]]]:
    """The report's table rows by the folder heading they stand under."""
    sections: dict[str, list[re.Match[str]]] = {}
    current = None
    for line in report.splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:], [])
        elif current is not None and (row := ROW.match(line)):
            current.append(row)
    return sections


def _failing(report: str) -> list[str]:
    """Each failing row as the report prints it (case, expected, got, AppRec), under its folder."""
    return [
        f"{folder}: {row.group(0)}"
        for folder, rows in _sections(report).items()
        for row in rows
        if row["result"] == "FAIL"
    ]


def test_the_plo_report_has_its_header_a_table_per_folder_and_a_row_per_file(plo: Result) -> None:
    report = plo.stdout
    assert plo.exit_code in (0, 1), plo.output
    assert report.startswith("# Samband acceptance report\n")
    assert f"- **Samband**: {__version__}\n" in report
    assert f"- **Folder**: {PLO.resolve()}\n" in report
    assert re.search(r"^- \*\*Date\*\*: \d{4}-\d\d-\d\dT", report, re.M)
    assert "- **Rules from**:\n  - PLO 1.5 " in report
    document = "PLO 1.5 Innleggelsesrapport (Akseptansetest-mottak-PLO-Innleggelsesrapport-v1_5.txt)"
    assert f"\n  - {document}\n" in report
    sections = _sections(report)
    expected = collect(PLO)
    assert len(expected) == 7
    for folder, files in expected.items():
        rows = sections[folder]
        assert sorted(row["file"] for row in rows) == sorted(p.name for p in files), folder
        assert [int(row["n"]) for row in rows] == list(range(1, len(files) + 1))
        assert all(row["result"] in ("PASS", "FAIL", "no expectation") for row in rows)
    total = sum(len(files) for files in expected.values())
    assert total == 162
    assert re.search(rf"^{total} file\(s\): \d+ passed, \d+ failed, \d+ without expectation$", report, re.M)


def test_every_official_plo_case_gets_what_its_case_requires(plo: Result) -> None:
    failing = _failing(plo.stdout)
    assert not failing, "\n".join(failing)
    assert plo.exit_code == 0


def test_a_stateful_case_is_received_after_what_it_builds_on(plo: Result) -> None:
    rows = {
        row["file"]: int(row["n"])
        for row in _sections(plo.stdout)["Testcase-mottak-innleggelsesrapport-v1_6"]
    }
    assert rows["Case1.xml"] < rows["Case1_kansellering.xml"]
    assert rows["Case1.xml"] < rows["Case1_duplikat.xml"] and rows["Case1.xml"] < rows["Case1_resending.xml"]
    assert rows["Case1_endring-a.xml"] < rows["Case1_endring-b.xml"] < rows["Case1_endring-c.xml"]
    assert rows["Case1_endring-c.xml"] < rows["Case1_kansellering-etter-endring.xml"]
    assert rows["Case1_motsatt-rekkefolge-a.xml"] < rows["Case1_motsatt-rekkefolge-b.xml"], (
        "reversed on purpose"
    )


def test_the_dialogmelding_report_as_json_has_a_row_per_file(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = _acceptance(str(DIALOG), "--format", "json", "-o", str(out))
    assert result.exit_code in (0, 1), result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    files = sorted(p.name for p in (DIALOG / "Testcase-Dialogmeldingen").glob("*.xml"))
    assert sorted(row["file"] for row in report["rows"]) == files
    assert {row["folder"] for row in report["rows"]} == {"Testcase-Dialogmeldingen"}
    assert report["samband"] == __version__ and report["folder"] == str(DIALOG.resolve())
    assert report["documents"]
    for row in report["rows"]:
        assert row["result"] in ("PASS", "FAIL", "no expectation")
        assert row["got"]["verdict"] in ("accept", "warn", "refuse", "failed", "deferred")
        assert set(row["got"]) >= {"status", "apprec_status", "error_codes", "texts"}
    summary = report["summary"]
    assert summary["files"] == len(files) == summary["passed"] + summary["failed"] + summary["no_expectation"]
    assert f"{len(files)} file(s): " in result.stdout and str(out) in result.stdout
    failing = [
        f"{r['file']}: expected {r['expected']}, got {r['got']}"
        for r in report["rows"]
        if r["result"] == "FAIL"
    ]
    assert not failing, "\n".join(failing)
    assert summary["passed"] == len(files)
    assert result.exit_code == 0


def test_a_file_no_case_names_is_reported_and_does_not_fail_the_run(tmp_path: Path) -> None:
    folder = tmp_path / "vendor" / "own"
    folder.mkdir(parents=True)
    (folder / "broken message.xml").write_bytes(b"<MsgHead><MsgInfo>")
    (folder / "notes.txt").write_text("not a test message")
    result = _acceptance(str(tmp_path / "vendor"), "--format", "json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)["rows"]
    assert (row["folder"], row["file"], row["case"], row["expected"]) == (
        "own",
        "broken message.xml",
        None,
        None,
    )
    assert row["result"] == "no expectation"
    assert row["got"]["verdict"] == "refuse" and row["got"]["apprec_status"] == "2"
    out = tmp_path / "report.md"
    text = _acceptance(str(tmp_path / "vendor"), "-o", str(out))
    assert text.exit_code == 0
    assert text.stdout == f"1 file(s): 0 passed, 0 failed, 1 without expectation; report written to {out}\n"
    report = out.read_text(encoding="utf-8")
    assert report.startswith("# Samband acceptance report\n")
    assert "- **Rules from**: (no file has an expectation)\n" in report
    [row] = _sections(report)["own"]
    assert (row["file"], row["case"], row["result"]) == ("broken message.xml", "-", "no expectation")


def test_a_folder_that_is_not_there_or_holds_no_messages_is_a_usage_error(tmp_path: Path) -> None:
    missing = _acceptance(str(tmp_path / "nowhere"))
    assert missing.exit_code == 2
    assert "no such folder" in missing.output
    empty = _acceptance(str(tmp_path))
    assert empty.exit_code == 2
    assert "no test messages" in empty.output


def test_without_the_official_schemas_it_refuses_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("SAMBAND_XSD_DIR", raising=False)
    result = _acceptance(str(DIALOG))
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith("samband acceptance: [config.xsd-dir] ") and "samband schemas fetch" in line


def test_a_route_file_that_cannot_be_read_is_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "Case1.xml").write_bytes(b"<MsgHead/>")
    monkeypatch.setenv("SAMBAND_ROUTES", str(tmp_path / "missing-routes.yaml"))
    result = _acceptance(str(tmp_path))
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith("samband acceptance: [config.routes.")
