"""``samband translate PATH... -o OUTDIR``: a tester's batch over files and folders, with a summary."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from samband.gateway.cli.main import app
from tests.conftest import SAMPLES

TESTS = Path(__file__).resolve().parents[3]
ORIENTERING = TESTS / "messages" / "plo" / "orientering_ny_1_6.xml"
FHIR_XML = TESTS / "messages" / "fhir" / "careplan_handbuilt.xml"
IP_EXPORT = TESTS / "messages" / "ip-export" / "valid" / "kari-active.xml"
runner = CliRunner()


def test_the_plo_and_dialogmelding_samples_to_fhir_with_a_json_summary(tmp_path: Path) -> None:
    if not SAMPLES.is_dir():
        pytest.skip("the official samples are in ../shared/reference")
    folders = [SAMPLES / "plo", SAMPLES / "dialogmelding"]
    inputs = sorted(p for folder in folders for p in folder.rglob("*.xml"))
    out = tmp_path / "out"
    args = ["translate", *map(str, folders), "--to", "fhir", "-o", str(out), "--format", "json"]
    result = runner.invoke(app, args)
    summary = json.loads(result.stdout)
    assert result.exit_code == 0, summary["refused_by_code"]
    assert summary["documents"] == summary["translated"] == len(inputs) and summary["refused"] == 0
    files = {Path(f["input"]): f for f in summary["files"]}
    assert set(files) == set(inputs)
    for source in inputs:
        folder = next(f for f in folders if source.is_relative_to(f))
        expected = out / folder.name / source.relative_to(folder).with_suffix(".json")
        assert files[source]["output"] == str(expected) and files[source]["status"] == "translated"
        assert json.loads(expected.read_bytes())["resourceType"] == "Bundle"
    counted = Counter(i["code"] for f in summary["files"] for i in f["issues"])
    assert summary["issues_by_code"] == dict(counted)


def test_a_broken_file_is_counted_by_its_code_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "inn"
    (folder / "sub").mkdir(parents=True)
    (folder / "orientering.xml").write_bytes(ORIENTERING.read_bytes())
    (folder / "sub" / "careplan.xml").write_bytes(FHIR_XML.read_bytes())
    (folder / "broken.xml").write_bytes(b"<MsgHead><unclosed>")
    (folder / "notes.txt").write_text("not a document", encoding="utf-8")
    out = tmp_path / "ut"
    result = runner.invoke(app, ["translate", str(folder), "--to", "plo", "-o", str(out)])
    assert result.exit_code == 1
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xml")) == [
        "inn/orientering.xml",
        "inn/sub/careplan.xml",
    ]
    assert b"ORIENTERING_TJENESTETILBUD" in (out / "inn" / "sub" / "careplan.xml").read_bytes()
    head, refused, issues = result.stdout.splitlines()
    assert head == f"3 document(s) to plo in {out}: 2 translated, 1 refused"
    assert refused == "refused by code: xml.not-well-formed 1"
    assert issues.startswith("issues by code: ") and "plo.default-privat 2" in issues
    assert (
        result.stderr.startswith("samband translate: [xml.not-well-formed] ")
        and "broken.xml" in result.stderr
    )


def test_files_are_written_with_the_extension_of_what_the_target_is(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(app, ["translate", str(IP_EXPORT), "--to", "ip-export", "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "kari-active.json").read_bytes())["exportKind"]
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--to", "fhir"], "give -o OUTDIR"),
        (["--to", "fhir", "-o", "{file}"], "is a file"),
        (["--to", "fhir", "-o", "{out}", "{missing}"], "no such file or folder"),
        (["--to", "fhir", "-o", "{out}", "{twin}"], "would both be written"),
    ],
    ids=["no-outdir", "outdir-is-a-file", "missing-input", "two-inputs-one-output"],
)
def test_a_batch_that_cannot_start_is_usage(tmp_path: Path, args: list[str], says: str) -> None:
    twin = tmp_path / "twin" / ORIENTERING.name
    twin.parent.mkdir()
    twin.write_bytes(ORIENTERING.read_bytes())
    places = {"file": str(ORIENTERING), "out": str(tmp_path / "out"), "missing": str(tmp_path / "x.xml")}
    filled = [a.format(twin=twin, **places) for a in args]
    result = runner.invoke(app, ["translate", str(ORIENTERING), str(FHIR_XML), *filled])
    assert result.exit_code == 2
    assert result.stderr.startswith("samband translate: [cli.usage] ") and says in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
