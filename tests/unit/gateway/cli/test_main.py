"""The command line's own options: ``--version`` (INTERFACE.md)."""

from __future__ import annotations

from typer.testing import CliRunner

from samband import __version__
from samband.gateway.cli.main import app


def test_version_prints_the_installed_version_and_exits_0() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"samband {__version__}"
    assert __version__ != "0+unknown"


def test_no_command_shows_the_commands() -> None:
    result = CliRunner().invoke(app, [])
    assert "validate" in result.output and "schemas" in result.output
