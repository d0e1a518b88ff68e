"""The corpus as a sender would post it: distinct exports never share an exportId, and the command
needs a source checkout."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import samband
from samband.gateway.cli.main import app
from tools.scenarios import all_steps
from tools.scenarios.replay import encode


def test_no_two_different_corpus_exports_share_an_export_id() -> None:
    seen: dict[str, tuple[str, bytes]] = {}
    for step in all_steps():
        document = encode(step)
        key, first = seen.setdefault(step.export.export_id, (step.key, document))
        assert first == document, f"{step.key} reuses the exportId of {key} with other content"


def test_corpus_outside_a_source_checkout_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = tmp_path / "site-packages" / "samband"
    installed.mkdir(parents=True)
    monkeypatch.setattr(samband, "__file__", str(installed / "__init__.py"))
    result = CliRunner().invoke(app, ["corpus", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "source checkout" in lines[0]
    assert not (tmp_path / "out").exists()
