"""``samband prune [--dry-run]``: the configured retention, applied now or shown, with counts per kind.

Exit 0 (nothing configured is not an error: it says so); a SQLite file that does not exist is
``config.database-missing`` (exit 2, as for ``samband replay``), never a new empty store.
"""

from __future__ import annotations

import typer

from samband.features.registry import MIGRATIONS
from samband.gateway.cli.replay import require_store
from samband.gateway.cli.serve import settings_for
from samband.gateway.retention import KindPlan, configured, plan, prune
from samband.gateway.runtime import start_services

CLI_ACTOR = "samband prune"


def _line(p: KindPlan, dry_run: bool) -> str:
    if p.days is None:
        return f"{p.kind:<13} kept for ever (SAMBAND_RETENTION_{p.kind.upper()}_DAYS not set)"
    assert p.cutoff is not None
    verb = "would be cleared" if dry_run else "cleared"
    return (
        f"{p.kind:<13} kept {p.days:g} days, received before {p.cutoff:%Y-%m-%d %H:%M} UTC: "
        f"{p.count} message(s) {verb}"
    )


def run_prune(dry_run: bool, database_url: str | None) -> int:
    settings = settings_for(database_url)
    require_store(settings)
    svc = start_services(settings, migrations=MIGRATIONS)
    try:
        if not configured(settings):
            typer.echo(
                "no retention configured (SAMBAND_RETENTION_RAW_DAYS, _TRANSLATIONS_DAYS): nothing to prune"
            )
        shown = plan(svc) if dry_run else prune(svc, CLI_ACTOR)
        if dry_run:
            typer.echo("dry run: nothing is changed")
        for p in shown:
            typer.echo(_line(p, dry_run))
        typer.echo(f"{'audit':<13} kept for ever (append-only; never pruned, see docs/operations.md)")
    finally:
        svc.engine.dispose()
    return 0
