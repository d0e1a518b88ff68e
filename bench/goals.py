"""The goal lines of the throughput issue, each with its yardstick, the measured figure and the ratio."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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


def lines_for(
    backend: str, found: dict[str, Any], translate: dict[str, float], plan: dict[str, Any]
) -> list[Line]:
    """Every goal line of one backend's results (``bench/throughput.py``), each mode of serve in turn."""
    m = found["minimal"]
    minimal_rate = m["closed"]["result"]["rate"]
    lines = [
        Line(backend, "yardstick: database one-row commits", "commit/s", found["commit"]["rate"], "—", None,
             "", None),
    ]  # fmt: skip
    for g in found["gateway"]:
        lines += gateway_lines(backend, g, m, plan)
    lines.append(
        Line(backend, "translate PLO → FHIR", "msg/s", translate["translate"], "lxml parse+validate",
             translate["yardstick"], "≥ 0.25×", translate["translate"] >= 0.25 * translate["yardstick"])
    )  # fmt: skip
    lines.append(
        Line(backend, "  same, built as R4B models", "msg/s", translate.get("translate_validated"),
             "lxml parse+validate", translate["yardstick"], "", None)
    )  # fmt: skip
    if "history" in found:
        lines += history_lines(backend, found, plan)
    return lines + [
        Line(backend, "HTTP front: minimal on uvloop+httptools", "msg/s", minimal_rate, "asyncio+h11",
             found["minimal_plain"]["closed"]["result"]["rate"], "", None),
    ]  # fmt: skip


def history_lines(backend: str, found: dict[str, Any], plan: dict[str, Any]) -> list[Line]:
    few, many = found["history"]["few"], found["history"]["many"]
    search = found["history"]["search"]
    worst = max((k for k in search if k != "by id (yardstick)"), key=lambda k: search[k]["median_ms"])
    pk = search.get("by id (yardstick)", {}).get("median_ms")
    return [
        Line(backend, f"delivery cost at {many['stored']:,} stored", "ms", many["ms_per_delivery"],
             f"at {few['stored']:,} stored", few["ms_per_delivery"], "flat (≤ 1.2×)",
             many["ms_per_delivery"] <= 1.2 * few["ms_per_delivery"]),
        Line(backend, f"search at {plan['searched']:,} stored, worst key ({worst})", "ms",
             search[worst]["median_ms"], "message by id", pk, "≤ 20 ms", search[worst]["median_ms"] <= 20),
    ]  # fmt: skip


def gateway_lines(backend: str, g: dict[str, Any], m: dict[str, Any], plan: dict[str, Any]) -> list[Line]:
    accepted, minimal_rate = g["closed"]["result"]["rate"], m["closed"]["result"]["rate"]
    slope = backlog_slope(g["closed"]["samples"])
    rss = g["rss_mb"]
    warm = rss.get("warm") or rss["start"]  # a run too short to sample: from its start
    refused = g["closed"]["result"]["statuses"].get("503", 0) + g["closed"]["result"]["statuses"].get(
        "429", 0
    )
    if "rate" not in g:  # the backpressure run: what the sender was told, and how far the backlog went
        return [
            Line(backend, f"[{g['mode']}]", "", None, "—", None, "", None),
            Line(backend, "accepted durably", "msg/s", accepted, "minimal endpoint", minimal_rate, "", None),
            Line(backend, "  429/503 with Retry-After", "answers", g["closed"]["result"]["retry_after"],
                 "all 429/503", refused, "before the bound", None),
            Line(backend, "  largest backlog seen", "msg", g["backlog_max"], "bound", 300, "≤ bound (+1 s)",
                 None),
        ]  # fmt: skip
    p99 = g["rate"]["result"]["p99_ms"]
    unanswered = g["rate"]["result"]["errors"].get("unanswered", 0)
    return [
        Line(backend, f"[{g['mode']}]", "", None, "—", None, "", None),
        Line(backend, "accepted durably", "msg/s", accepted, "minimal endpoint", minimal_rate,
             "≥ 1000/s and ≥ 1.5×", accepted >= 1000 and accepted >= 1.5 * minimal_rate),
        Line(backend, "  server CPU per message", "ms", g["cpu_ms"], "minimal endpoint", m["cpu_ms"],
             "", None),
        Line(backend, "  messages per group commit", "msg", g.get("per_commit"), "—", None, "", None),
        Line(backend, f"delivered end to end ({plan['sustained']:g} s)", "msg/s", g["delivered_rate"],
             "accepted meanwhile", accepted, "≥ 500/s, queue flat",
             g["delivered_rate"] >= 500 and slope <= 1),
        Line(backend, "  backlog growth under load", "msg/s", slope, "—", None, "≤ 0 (flat)", slope <= 1),
        Line(backend, "  delivered with no load (drain)", "msg/s", g["drain"]["rate"], "—", None, "", None),
        Line(backend, "  429/503 with Retry-After", "answers", g["closed"]["result"]["retry_after"],
             "—", None, "before the bound", None),
        Line(backend, f"p99 POST→202 at {plan['rate']:g} msg/s" + (" (at least)" if unanswered else ""),
             "ms", p99, "minimal endpoint", m["rate"]["result"]["p99_ms"], "≤ 50 ms", (p99 or 1e9) <= 50),
        Line(backend, f"memory over {g['messages_sent']:,} messages (with workers)", "MB", rss["end"],
             "warmed up", warm, "flat (≤ 1.1× + 10 MB)", rss["end"] <= warm * 1.1 + 10),
    ]  # fmt: skip


def backlog_slope(samples: list[list[float]]) -> float:
    """Least-squares growth of the backlog (messages per second) over the samples taken under load."""
    if len(samples) < 2:
        return 0.0
    xs, ys = [s[0] for s in samples], [s[1] for s in samples]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0
