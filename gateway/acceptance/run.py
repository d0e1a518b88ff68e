"""Runs a folder of acceptance test messages through in-process gateways as a receiver would, and
compares what happened with what each file's case requires (``cases.expectation_for``).

Each message type folder has a gateway of its own, set up as the receiving system of its base
messages (``receiver.set_up``), that receives the base messages and the cases that build on
them (changes, cancellations, repeats, reversed order) in the order of ``order.plan``; every other
case is received by a fresh gateway set up alike, as a case loaded into a clean test system.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from samband.gateway.acceptance.cases import Expectation, expectation_for
from samband.gateway.acceptance.gateways import Gateway, Gateways, Got
from samband.gateway.acceptance.order import BASE, REPEAT, Planned, plan
from samband.gateway.acceptance.receiver import set_up
from samband.gateway.settings import Settings

PASS, FAIL, NO_EXPECTATION = "PASS", "FAIL", "no expectation"
TAKEN_IN = frozenset({"accept", "warn"})
SUFFIX = ".xml"


@dataclass(frozen=True)
class Row:
    """One case file: its case, what its case requires, what the gateway did."""

    folder: str
    path: Path
    expected: Expectation | None
    got: Got

    @property
    def result(self) -> str:
        if self.expected is None:
            return NO_EXPECTATION
        return PASS if meets(self.expected, self.got) else FAIL


@dataclass
class Run:
    """Every row of one run, in the order the files were received."""

    folder: Path
    started: datetime
    rows: list[Row] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(row.result == result for row in self.rows)

    @property
    def passed(self) -> bool:
        """Every file that has an expectation got what its case requires."""
        return self.count(FAIL) == 0


def meets(expected: Expectation, got: Got) -> bool:
    """As the case requires: refused with its AppRec status (8258) and error code (8221), or taken in
    with its AppRec status and, for a warning, the warning the case names. A warning the case does
    not name does not fail a message that is to be taken in (as with ``samband validate``)."""
    if got.apprec_status != expected.apprec_status:
        return False
    if expected.verdict == "refuse":
        return got.verdict == "refuse" and (
            expected.error_code is None or expected.error_code in got.error_codes
        )
    if got.verdict not in TAKEN_IN:
        return False
    return expected.verdict != "warn" or (
        expected.code in got.warnings if expected.code else bool(got.warnings)
    )


def collect(folder: Path) -> dict[str, list[Path]]:
    """The XML files under ``folder`` (recursively), by their folder relative to it, sorted."""
    found: dict[str, list[Path]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() == SUFFIX):
        found.setdefault(path.parent.relative_to(folder).as_posix(), []).append(path)
    return found


def run_folder(
    folder: Path,
    settings: Settings,
    migrations: Sequence[Path] = (),
    on_file: Callable[[Path], None] | None = None,
) -> Run:
    """Receive every test message under ``folder``; ``on_file`` is told of each one when it is in."""
    run = Run(folder, datetime.now().astimezone())
    with tempfile.TemporaryDirectory(prefix="samband-acceptance-") as workdir:
        gateways = Gateways(settings, migrations, Path(workdir))
        for name, files in collect(folder).items():
            planned = plan(files, {path: expectation_for(path) for path in files})
            receivers = {p.receiver for p in planned if p.step == BASE}
            receiver = set_up(settings, receivers, Path(workdir) / "delivered")
            fresh = functools.partial(gateways.fresh, receiver)
            run.rows.extend(_receive_folder(name, planned, fresh, on_file))
    return run


def _receive_folder(
    name: str,
    planned: list[Planned],
    fresh: Callable[[], Gateway],
    on_file: Callable[[Path], None] | None,
) -> list[Row]:
    """The folder's own gateway takes the cases that build on each other (a repeat twice: the second
    time is the repeat); every other case is received and read back by a fresh gateway."""
    shared = fresh()
    got: dict[Path, Got] = {}
    try:
        for item in planned:
            if item.shared:
                shared.take(item.path, times=2 if item.step == REPEAT else 1)
            else:
                got[item.path] = _alone(fresh(), item.path)
            if on_file is not None:
                on_file(item.path)
        got.update(shared.answers())
    finally:
        shared.close()
    return [Row(name, item.path, item.expectation, got[item.path]) for item in planned]


def _alone(gateway: Gateway, path: Path) -> Got:
    try:
        gateway.take(path)
        return gateway.answers()[path]
    finally:
        gateway.close()
