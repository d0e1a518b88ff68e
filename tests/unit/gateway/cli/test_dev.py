"""``samband dev nhn-msh`` refuses what it cannot serve with one coded line and exit 2."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from samband.gateway.cli.main import app


def test_her_ids_that_are_not_numbers_are_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["dev", "nhn-msh", "--her-ids", "8142001,kommune"])
    assert result.exit_code == 2
    assert "[config.invalid]" in result.output and "--her-ids" in result.output


def test_a_missing_api_definition_is_named(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["dev", "nhn-msh", "--spec", str(tmp_path / "msh-api-v2.json")])
    assert result.exit_code == 2
    assert "[nhn-msh.no-definition]" in result.output and "msh-api-v2.json" in result.output
