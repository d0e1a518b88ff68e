"""`samband diff A B`: compare two message sets semantically; exit 0 same, 1 different, 2 usage.

Prints the counts (exact / equivalent / different / only in A / only in B), then each difference
as a unified diff of the pretty-printed canonical forms, cut after ``max_lines`` lines.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from samband.gateway.cli.comparison import Outcome, Pair, compare_sets

SAME = frozenset({Outcome.EXACT, Outcome.EQUIVALENT})
LINE_STYLES = {"+": "green", "-": "red", "@": "cyan"}
MAX_DIFF_LINES = 60


def _summary(pairs: list[Pair]) -> Table:
    counts = Counter(pair.outcome for pair in pairs)
    table = Table(title="samband diff", show_header=True)
    table.add_column("outcome")
    table.add_column("messages", justify="right")
    for outcome in Outcome:
        table.add_row(outcome.value, str(counts[outcome]))
    return table


def _diff_lines(pair: Pair, max_lines: int) -> list[Text]:
    shown = [Text(line, style=LINE_STYLES.get(line[:1], "")) for line in pair.diff[:max_lines]]
    if len(pair.diff) > max_lines:
        shown.append(Text(f"… {len(pair.diff) - max_lines} more diff lines", style="dim"))
    return shown


def _report(console: Console, pair: Pair, max_lines: int) -> None:
    document = pair.a or pair.b
    where = " ↔ ".join(str(d.path) for d in (pair.a, pair.b) if d is not None)
    console.print(Text(f"{pair.outcome.value}: {pair.key}  ({where})", style="bold"))
    for side in (pair.a, pair.b):
        if side is not None and side.problem:
            console.print(Text(f"  {side.path} compared as bytes: {side.problem}", style="yellow"))
    if pair.outcome is Outcome.DIFFERENT:
        for line in _diff_lines(pair, max_lines):
            console.print(line)
    elif document is not None and document.problem is None:
        console.print(Text(f"  {document.form} document, {len(document.raw)} bytes", style="dim"))


def run_diff(a: Path, b: Path, *, console: Console | None = None, max_lines: int = MAX_DIFF_LINES) -> int:
    """Compare set ``a`` with set ``b`` (files or folders); 0 when every message is the same."""
    out = console or Console(soft_wrap=True, highlight=False)
    missing = [str(path) for path in (a, b) if not path.exists()]
    if missing:
        out.print(Text(f"no such file or folder: {', '.join(missing)}", style="red"))
        return 2
    pairs = compare_sets(a, b)
    out.print(_summary(pairs))
    for pair in pairs:
        if pair.outcome not in SAME:
            _report(out, pair, max_lines)
    return 0 if all(pair.outcome in SAME for pair in pairs) else 1
