"""No command shows a traceback: hostile files, bad flags and bad configuration end in one coded
line and the documented exit code, through the real ``samband`` program and the real app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from samband.gateway.cli.guard import GuardedGroup, guarded
from samband.gateway.cli.main import app
from tests.conftest import ROOT, SAMPLES

runner = CliRunner()
XXE = b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'


def _hostile(folder: Path) -> dict[str, Path]:
    """One file of each hostile kind, written into ``folder``."""
    files = {
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "deep-object.json": b'{"resourceType": "Bundle", "entry": '
        + b'{"a": ' * 50_000
        + b"1"
        + b"}" * 50_001,
        "huge-float.json": b'{"resourceType": "Bundle", "type": "message", "total": 1e1000000}',
        "huge-int.json": b'{"resourceType": "Bundle", "total": ' + b"7" * 1_000_000 + b"}",
        "xxe-utf16.xml": b'<?xml version="1.0" encoding="UTF-16"?>'.decode().encode("utf-16")
        + XXE.decode().encode("utf-16")[2:],
        "xxe-utf16-nodecl.xml": XXE.decode().encode("utf-16"),
        "dtd.xml": b'<?xml version="1.0"?><!DOCTYPE MsgHead SYSTEM "http://example.invalid/x.dtd"><MsgHead/>',
        "garbage.xml": bytes(range(256)) * 40,
        "empty.xml": b"",
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


def _samband(*args: str) -> subprocess.CompletedProcess[str]:
    """The real program, as the ``samband`` script runs it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = "import sys; from samband.gateway.cli.main import main; sys.argv[0] = 'samband'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=240, check=False
    )


def _no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text, text[-3000:]


@pytest.fixture
def hostile(tmp_path: Path) -> dict[str, Path]:
    return _hostile(tmp_path)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("deep.json", "json.too-deep"),
        ("deep-object.json", "json.too-deep"),
        ("huge-int.json", "json.number-too-long"),
        ("xxe-utf16.xml", "xml.entity-forbidden"),
        ("xxe-utf16-nodecl.xml", "xml.entity-forbidden"),
        ("dtd.xml", "xml.dtd-forbidden"),
        ("garbage.xml", None),
        ("empty.xml", "document.empty"),
    ],
)
def test_validate_and_translate_answer_a_hostile_file_with_a_code(
    hostile: dict[str, Path], name: str, code: str | None
) -> None:
    checked = runner.invoke(app, ["validate", str(hostile[name])])
    translated = runner.invoke(app, ["translate", str(hostile[name]), "--to", "fhir"])
    _no_traceback(checked.output, translated.output)
    assert checked.exception is None or isinstance(checked.exception, SystemExit)
    assert checked.exit_code == 1 and translated.exit_code == 1
    line = checked.stdout.splitlines()[0]
    assert line.startswith(f"{hostile[name]}:") and " error " in line
    first = translated.stderr.splitlines()[0]
    assert first.startswith("samband translate: [") and str(hostile[name]) in first
    if code is not None:
        assert f" error {code} " in line
        assert f"[{code}]" in first
        assert json.loads(translated.stderr.splitlines()[-1])["code"] == code
    assert translated.stdout == ""


def test_a_number_no_float_holds_is_refused_with_its_code(hostile: dict[str, Path]) -> None:
    result = runner.invoke(app, ["validate", "--format", "json", str(hostile["huge-float.json"])])
    _no_traceback(result.output)
    assert result.exit_code == 1
    [report] = json.loads(result.stdout)
    assert report["valid"] is False and report["findings"][0]["rule"] == "json.number-out-of-range"


def test_a_folder_goes_on_past_its_bad_files_and_ends_with_a_summary(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    good = sorted((SAMPLES / "apprec").rglob("*.xml"))
    assert good, "the reference AppRec samples are missing"
    for sample in good:
        (folder / "good").mkdir(parents=True, exist_ok=True)
        (folder / "good" / sample.name).write_bytes(sample.read_bytes())
    (folder / "nested" / "deeper").mkdir(parents=True)
    bad = _hostile(folder / "nested" / "deeper")
    (folder / "nested" / "deeper" / "secret.xml").write_bytes(good[0].read_bytes())
    (folder / "nested" / "deeper" / "secret.xml").chmod(0)  # root reads it all the same
    unreadable = os.access(folder / "nested" / "deeper" / "secret.xml", os.R_OK) is False

    result = _samband("validate", str(folder))
    _no_traceback(result.stdout, result.stderr)
    assert result.returncode == 1
    total = len(good) + len(bad) + 1
    invalid = len(bad) + (1 if unreadable else 0)
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith(f"{total} document(s): {total - invalid} valid, {invalid} invalid;"), summary
    for code in ("json.too-deep 2", "document.empty 1", "xml.entity-forbidden 2", "xml.dtd-forbidden 1"):
        assert code in summary, summary
    if unreadable:
        assert "cli.unreadable-file 1" in summary
    reported = {line.split(":")[0] for line in result.stdout.splitlines() if " error " in line}
    assert {str(p) for p in bad.values()} <= reported
    assert not any(str(p) in reported for p in (folder / "good").iterdir())


def test_json_report_of_a_folder_keeps_every_file(tmp_path: Path) -> None:
    bad = _hostile(tmp_path)
    result = runner.invoke(app, ["validate", "--format", "json", str(tmp_path)])
    _no_traceback(result.output)
    report = json.loads(result.stdout)
    assert sorted(r["file"] for r in report) == sorted(str(p) for p in bad.values())
    assert "by code:" in result.stderr


def test_translate_of_deep_json_through_the_real_program(hostile: dict[str, Path]) -> None:
    result = _samband("translate", str(hostile["deep.json"]), "--to", "plo")
    _no_traceback(result.stdout, result.stderr)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"samband translate: [json.too-deep] values nested deeper than 64 levels ({hostile['deep.json']})"
    )


def test_bad_flags_are_one_usage_line_and_exit_2() -> None:
    result = _samband("validate", "--frobnicate", "x.xml")
    _no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("samband: [cli.usage] No such option: --frobnicate")
    assert line.endswith("(see samband validate --help)")
    missing = runner.invoke(app, ["translate", "x.xml"])
    assert missing.exit_code == 2 and "[cli.usage]" in missing.stderr and "--to" in missing.stderr


def test_configuration_errors_are_one_coded_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.db").touch()  # an existing (empty) store, so that the route file is what is wrong
    missing = runner.invoke(app, ["replay", "x", "--database-url", f"sqlite:///{tmp_path}/none.db"])
    routes = runner.invoke(
        app,
        ["replay", "x", "--database-url", f"sqlite:///{tmp_path}/a.db"],
        env={"SAMBAND_ROUTES": "/nope.yaml"},
    )
    url = runner.invoke(app, ["replay", "x", "--database-url", "nonsense"])
    driver = runner.invoke(app, ["replay", "x", "--database-url", "nosuchdb://x"])
    setting = runner.invoke(app, ["replay", "x"], env={"SAMBAND_HOLD_SECONDS": "-1"})
    for result, code in (
        (missing, "config.database-missing"),
        (routes, "config.routes.unreadable"),
        (url, "config.database-url"),
        (driver, "config.database-url"),
        (setting, "config.invalid"),
    ):
        _no_traceback(result.output)
        assert result.exit_code == 2, result.output
        [line] = result.stderr.splitlines()
        assert line.startswith(f"samband: [{code}] ") and line.endswith(")"), line


def test_an_unreachable_store_is_a_configuration_error() -> None:
    result = runner.invoke(app, ["replay", "x", "--database-url", "postgresql://u:secret@127.0.0.1:9/x"])
    _no_traceback(result.output)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("samband: [config.database-unavailable] ") and "secret" not in line


def test_an_unreadable_output_or_input_file_is_a_usage_error(tmp_path: Path) -> None:
    source = ROOT / "tests" / "messages" / "plo" / "orientering_ny_1_6.xml"
    result = runner.invoke(app, ["translate", str(source), "--to", "fhir", "-o", str(tmp_path / "no" / "x")])
    assert result.exit_code == 2 and "[cli.unwritable-file]" in result.stderr


def _guarded_app(exc: BaseException) -> typer.Typer:
    """A one-command app on the same guard as ``samband``, whose command raises ``exc``."""
    probe = typer.Typer(cls=GuardedGroup, add_completion=False, pretty_exceptions_enable=False)

    @probe.command()
    def boom() -> None:
        raise exc

    @probe.command()
    def other() -> None:
        """A second command, so ``boom`` is a subcommand as in ``samband``."""

    return probe


@pytest.mark.parametrize(
    ("exc", "line", "code"),
    [
        (
            ZeroDivisionError("division by zero"),
            "samband: [internal.error] ZeroDivisionError: division by zero",
            1,
        ),
        (KeyboardInterrupt(), "samband: interrupted", 130),
    ],
)
def test_the_guard_turns_an_unexpected_exception_into_one_line(
    exc: BaseException, line: str, code: int
) -> None:
    result = runner.invoke(_guarded_app(exc), ["boom"])
    _no_traceback(result.output)
    assert result.exit_code == code
    assert result.stderr.strip() == line


def test_the_outer_guard_catches_what_escapes_the_app(capsys: pytest.CaptureFixture[str]) -> None:
    def broken() -> None:
        raise LookupError("no such thing")

    with pytest.raises(SystemExit) as ended:
        guarded(broken)
    assert ended.value.code == 1
    assert capsys.readouterr().err == "samband: [internal.error] LookupError: no such thing\n"
