"""The goal lines of the throughput issue, each with its yardstick, the measured figure and the ratio."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    backend: str
    goal: str
    unit: str
    measured: float | None
    yardstick: str
    yardstick_value: float | None
    target: str
    met: bool | None

    @property
    def ratio(self) -> float | None:
        if self.measured is None or not self.yardstick_value:
            return None
        return self.measured / self.yardstick_value


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def report(lines: list[Line]) -> str:
    """One table per backend: goal, measured, yardstick (named, with its figure), ratio, target, met."""
    out: list[str] = []
    header = f"{'goal':46} {'measured':>14} {'yardstick':>34} {'ratio':>8}  {'target':22} met"
    for backend in dict.fromkeys(line.backend for line in lines):
        out += ["", f"== {backend} ==", header, "-" * len(header)]
        for line in (x for x in lines if x.backend == backend):
            measured = f"{_number(line.measured)} {line.unit}"
            yardstick = f"{line.yardstick} {_number(line.yardstick_value)}" if line.yardstick != "—" else "—"
            ratio = f"{line.ratio:.3f}×" if line.ratio is not None else "—"
            met = {True: "yes", False: "NO", None: ""}[line.met]
            out.append(f"{line.goal:46} {measured:>14} {yardstick:>34} {ratio:>8}  {line.target:22} {met}")
    return "\n".join(out) + "\n"
