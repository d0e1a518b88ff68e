"""`samband diff`: pairing by message id, exact/equivalent/different/missing, printed diffs, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from samband.adapters.ebxml.builders import build_message
from samband.adapters.ebxml.writer import serialize_package
from samband.gateway.cli.comparison import Outcome, compare_sets, json_key
from samband.gateway.cli.diff import run_diff
from samband.gateway.cli.main import app

NS = "http://www.kith.no/xmlstds/msghead/2006-05-24"


def msghead(msg_id: str, msg_type: str = "DIALOG_FORESPORSEL", pretty: bool = False) -> bytes:
    sep = "\n  " if pretty else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{sep}<MsgHead xmlns="{NS}">{sep}<MsgInfo>{sep}'
        f'<Type V="{msg_type}" DN="x"/>{sep}<MsgId>{msg_id}</MsgId>{sep}</MsgInfo>{sep}</MsgHead>\n'
    ).encode()


def bundle(bundle_id: str, status: str = "active", indent: int | None = None) -> bytes:
    data = {
        "resourceType": "Bundle",
        "id": bundle_id,
        "type": "message",
        "entry": [{"resource": {"status": status}}],
    }
    return json.dumps(data, indent=indent).encode()


def write(folder: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def sets(tmp_path: Path) -> tuple[Path, Path]:
    a = write(
        tmp_path / "a",
        {
            "one.xml": msghead("m-1"),
            "two.xml": msghead("m-2"),
            "three.xml": msghead("m-3"),
            "bundle.json": bundle("b-1"),
            "only-a.xml": msghead("m-9"),
        },
    )
    b = write(
        tmp_path / "b",
        {
            "renamed.xml": msghead("m-1"),  # same bytes, another name: paired by MsgId
            "two.xml": msghead("m-2", pretty=True),  # same message, other layout
            "three.xml": msghead("m-3", msg_type="DIALOG_SVAR"),  # a real change
            "sub/bundle.json": bundle("b-1", indent=4),
            "only-b.xml": msghead("m-8"),
        },
    )
    return a, b


def _console() -> Console:
    return Console(record=True, width=200, soft_wrap=True, color_system=None, file=io.StringIO())


def test_pairs_by_message_id_and_classifies(sets: tuple[Path, Path]) -> None:
    outcomes = {pair.key: pair.outcome for pair in compare_sets(*sets)}
    assert outcomes == {
        "m-1": Outcome.EXACT,
        "m-2": Outcome.EQUIVALENT,
        "m-3": Outcome.DIFFERENT,
        "b-1": Outcome.EQUIVALENT,
        "m-9": Outcome.ONLY_IN_A,
        "m-8": Outcome.ONLY_IN_B,
    }


def test_prints_counts_then_the_differences(sets: tuple[Path, Path]) -> None:
    console = _console()
    assert run_diff(*sets, console=console) == 1
    text = console.export_text()
    rows = [[cell.strip() for cell in line.split("│")[1:3]] for line in text.splitlines() if "│" in line]
    counts = {row[0]: row[1] for row in rows}
    assert counts == {
        "exact": "1",
        "equivalent": "2",
        "different": "1",
        "only in A": "1",
        "only in B": "1",
    }
    assert '-    <ns0:Type DN="x" V="DIALOG_FORESPORSEL"/>' in text
    assert '+    <ns0:Type DN="x" V="DIALOG_SVAR"/>' in text
    assert "only in A: m-9" in text and "only in B: m-8" in text


def test_same_sets_exit_zero(tmp_path: Path) -> None:
    a = write(tmp_path / "a", {"x.xml": msghead("m-1"), "y.json": bundle("b-1")})
    b = write(tmp_path / "b", {"x.xml": msghead("m-1", pretty=True), "z.json": bundle("b-1", indent=2)})
    assert run_diff(a, b, console=_console()) == 0


def test_two_files_are_compared_whatever_their_ids(tmp_path: Path) -> None:
    a = write(tmp_path, {"a.xml": msghead("m-1"), "b.xml": msghead("m-2")})
    [pair] = compare_sets(a / "a.xml", a / "b.xml")
    assert pair.outcome is Outcome.DIFFERENT
    assert any("m-2" in line for line in pair.diff)


def test_long_diffs_are_cut(tmp_path: Path) -> None:
    big_a = {"resourceType": "Bundle", "id": "b", "entry": [{"n": n} for n in range(100)]}
    big_b = {"resourceType": "Bundle", "id": "b", "entry": [{"n": n + 1} for n in range(100)]}
    write(tmp_path, {"a.json": json.dumps(big_a).encode(), "b.json": json.dumps(big_b).encode()})
    console = _console()
    assert run_diff(tmp_path / "a.json", tmp_path / "b.json", console=console, max_lines=10) == 1
    assert "more diff lines" in console.export_text()


def test_unreadable_documents_are_compared_as_bytes_and_say_why(tmp_path: Path) -> None:
    a = write(tmp_path / "a", {"broken.xml": b"<MsgHead><MsgInfo></MsgHead>"})
    b = write(tmp_path / "b", {"broken.xml": b"<MsgHead><MsgInfo></MsgHead> "})
    console = _console()
    assert run_diff(a, b, console=console) == 1
    assert "compared as bytes: [xml.not-well-formed]" in console.export_text()


def test_ebxml_packages_with_other_boundaries_are_equivalent(tmp_path: Path) -> None:
    message = build_message(
        from_her="8100001",
        to_her="8100002",
        action="DIALOG_FORESPORSEL",
        payload=msghead("m-1"),
        message_id="eb-1",
    )
    first = serialize_package(message, boundary="one").as_mime_bytes()
    second = serialize_package(message, boundary="two").as_mime_bytes()
    a = write(tmp_path / "a", {"eb.mime": first})
    b = write(tmp_path / "b", {"other-name.mime": second})
    [pair] = compare_sets(a, b)
    assert (pair.key, pair.outcome) == ("eb-1", Outcome.EQUIVALENT)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"resourceType": "Bundle", "id": "b-1"}, "b-1"),
        (
            {
                "resourceType": "Bundle",
                "entry": [{"resource": {"resourceType": "MessageHeader", "id": "mh-1"}}],
            },
            "mh-1",
        ),
        ({"resourceType": "Bundle", "identifier": {"value": "urn:uuid:1"}}, "urn:uuid:1"),
        ({"schemaVersion": "1.0", "exportId": "x-1"}, "x-1"),
        ({"resourceType": "CarePlan", "id": "cp-1"}, "CarePlan/cp-1"),
        ([1, 2], None),
    ],
)
def test_json_keys(data: object, key: str | None) -> None:
    assert json_key(data) == key


def test_the_reference_samples_equal_themselves(samples_dir: Path) -> None:
    assert run_diff(samples_dir / "plo", samples_dir / "plo", console=_console()) == 0


def test_cli_exit_codes(sets: tuple[Path, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["diff", str(sets[0]), str(sets[1])]).exit_code == 1
    assert runner.invoke(app, ["diff", str(sets[0]), str(sets[0])]).exit_code == 0
    missing = runner.invoke(app, ["diff", str(tmp_path / "nope"), str(sets[0])])
    assert missing.exit_code == 2 and "no such file or folder" in missing.output
