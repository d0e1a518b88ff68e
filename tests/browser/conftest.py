"""The browser tests keep their screenshots under var/test-artifacts/console/ and say where at the end."""

from __future__ import annotations

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "console"
SHOTS: list[Path] = []
"""Every screenshot this run took, in order."""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SHOTS:
        terminalreporter.write_line(f"console screenshots: {len(SHOTS)} in {ARTIFACTS}")
