"""``samband acceptance DIR [--format text|json] [-o REPORT]``: the official acceptance rules over a
folder of test messages, as the report a vendor hands in.

A progress bar runs on stderr when it is a terminal. The report goes to stdout (rich tables on a
terminal, Markdown otherwise, JSON with ``--format json``) or to REPORT (Markdown or JSON), with
the summary on stdout. Exit 0 when every file with an expectation got what its case requires, 1
when any did not, 2 for usage or configuration.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from samband.features.registry import MIGRATIONS
from samband.gateway.acceptance import report
from samband.gateway.acceptance.run import FAIL, PASS, Run, collect, run_folder
from samband.gateway.settings import Settings
from samband.kernel.errors import ConfigurationError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
STYLES = {PASS: "green", FAIL: "bold red"}


def run_acceptance(folder: Path, *, json_output: bool, out: Path | None) -> int:
    """The ``samband acceptance`` command; returns the exit code."""
    if not folder.is_dir():
        sys.stderr.write(f"samband acceptance: no such folder: {folder}\n")
        return EXIT_USAGE
    total = sum(len(files) for files in collect(folder).values())
    if not total:
        sys.stderr.write(f"samband acceptance: no test messages (*.xml) in {folder}\n")
        return EXIT_USAGE
    try:
        done = _run_with_progress(folder, total, Settings())
    except ValidationError as exc:
        sys.stderr.write(f"samband acceptance: [config.invalid] {' '.join(str(exc).split())}\n")
        return EXIT_USAGE
    except ConfigurationError as exc:
        sys.stderr.write(f"samband acceptance: {exc}\n")
        return EXIT_USAGE
    rendered = report.as_json(done) if json_output else report.as_markdown(done)
    if out is not None:
        out.write_text(rendered, encoding="utf-8")
        sys.stdout.write(f"{report.summary(done)}; report written to {out}\n")
    elif json_output:
        sys.stdout.write(rendered)
    else:
        _print_text(done, rendered)
    return EXIT_OK if done.passed else EXIT_FAILED


def _run_with_progress(folder: Path, total: int, settings: Settings) -> Run:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[file]}"),
    )
    console = Console(stderr=True)
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("acceptance", total=total, file="")
        return run_folder(
            folder,
            settings,
            MIGRATIONS,
            on_file=lambda path: progress.update(task, advance=1, file=path.name),
        )


def _print_text(done: Run, markdown: str) -> None:
    """Rich tables on a terminal; the Markdown report (plain text) when stdout is a pipe or a file."""
    console = Console()
    if not console.is_terminal:
        sys.stdout.write(markdown)
        return
    console.print(f"[bold]{report.TITLE}[/bold]")
    for label, value in report.header(done):
        console.print(f"[bold]{label}:[/bold] {value}", highlight=False)
    for document in report.documents(done):
        console.print(f"  {document}", highlight=False)
    for folder, rows in report.by_folder(done).items():
        table = Table(title=folder or ".", title_justify="left", show_lines=False)
        for column in report.COLUMNS:
            table.add_column(column, overflow="fold")
        for index, row in enumerate(rows, 1):
            table.add_row(*report.cells(index, row, limit=80), style=STYLES.get(row.result))
        console.print(table)
    style = "green" if done.passed else "bold red"
    console.print(f"[{style}]{report.summary(done)}[/{style}]", highlight=False)
