"""The times the hostile-input tests measured, reported at the end of the run (the tests assert a
generous bound only, so a busy machine does not fail them; ``bench/hostile.py`` reports strictly)."""

from __future__ import annotations

from collections import defaultdict

import pytest

TIMES: dict[str, list[tuple[str, int, float]]] = defaultdict(list)
NOTES: list[str] = []


def record(endpoint: str, case: str, status: int, seconds: float) -> None:
    TIMES[endpoint].append((case, status, seconds))


def note(line: str) -> None:
    """A line for the end of the run (what a test measured beside times)."""
    NOTES.append(line)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TIMES and not NOTES:
        return
    write = terminalreporter.write_line
    terminalreporter.section("hostile input: answer times")
    for line in NOTES:
        write(line)
    for endpoint, rows in sorted(TIMES.items()):
        ordered = sorted(rows, key=lambda row: row[2])
        slowest = ", ".join(
            f"{case} {status} {seconds * 1000:.0f} ms" for case, status, seconds in ordered[-3:]
        )
        median = ordered[len(ordered) // 2][2] * 1000
        write(f"{endpoint}: {len(rows)} answers, median {median:.0f} ms; slowest: {slowest}")
