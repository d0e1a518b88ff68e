"""A pytest plugin: every code the source gives a ``Problem`` or a ``GatewayError`` during the run is
in the catalogue, and answers as the class it is raised as; otherwise the session fails, loudly.

Only codes constructed by samband (and tools) modules count; a test may invent codes for its doubles.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

import pytest

from samband.kernel import catalogue
from samband.kernel.errors import REPLIES, GatewayError
from samband.kernel.problems import Problem


@dataclass(frozen=True)
class Made:
    """One code constructed by the source: where, and the error class (None for a Problem)."""

    code: str
    error_class: type[GatewayError] | None
    where: str


MADE: set[Made] = set()


def _caller(obj: object) -> FrameType | None:
    """The frame that constructed ``obj``: past the wrapper, ``__init__`` chains and dataclasses."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and (
        (frame.f_code.co_name == "__init__" and frame.f_locals.get("self") is obj)
        or frame.f_globals.get("__name__") == "dataclasses"
    ):
        frame = frame.f_back
    return frame


def _recording(init: Callable[..., None], kind: str) -> Callable[..., None]:
    @functools.wraps(init)
    def record(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        frame = _caller(self)
        module = str(frame.f_globals.get("__name__", "")) if frame is not None else ""
        if module.startswith(("samband.", "tools.")):
            error_class = type(self) if kind == "error" else None
            MADE.add(Made(self.code, error_class, f"{module}:{frame.f_lineno if frame else 0}"))

    return record


def pytest_configure(config: pytest.Config) -> None:
    GatewayError.__init__ = _recording(GatewayError.__init__, "error")  # type: ignore[method-assign]
    Problem.__init__ = _recording(Problem.__init__, "problem")  # type: ignore[method-assign]


def _complaint(made: Made) -> str | None:
    entry = catalogue.entry(made.code)
    if entry is None:
        return f"{made.code}: not in kernel/catalogue.yaml (made at {made.where})"
    if made.error_class is None or made.error_class not in REPLIES:
        return None
    expected = REPLIES[made.error_class]
    if entry.reply != expected:
        return (
            f"{made.code}: raised as {made.error_class.__name__} (reply {expected}) at {made.where}, "
            f"but catalogued with reply {entry.reply_name!r} ({entry.reply})"
        )
    return None


def complaints() -> list[str]:
    """What is wrong with the codes made so far (empty when all is well)."""
    return sorted({c for made in MADE if (c := _complaint(made)) is not None})


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if complaints() and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    found = complaints()
    if found:
        terminalreporter.section("codes missing from the catalogue", sep="=", red=True, bold=True)
        for line in found:
            terminalreporter.write_line(line, red=True)
        terminalreporter.write_line(
            f"FAILED: {len(found)} code problem(s); fix kernel/catalogue.yaml", red=True
        )
