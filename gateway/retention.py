"""The retention: how long stored bytes are kept per kind (``SAMBAND_RETENTION_*_DAYS``), what a
prune would clear (``plan``) and clearing it (``prune``), recorded in ``prunes``.

The scheduled job (lease ``retention``, every ``SAMBAND_RETENTION_INTERVAL_SECONDS``) clears at most
``JOB_LIMIT`` messages per kind and run, so a first prune of a large store never holds up delivery;
``samband prune`` clears all that is due. The audit trail is not pruned: it is append-only by
database trigger, and no path of the gateway removes its rows (docs/operations.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from samband.gateway.runtime import Services
from samband.gateway.settings import Settings
from samband.gateway.store import retention as store
from samband.gateway.store.retention import BATCH, PruneKind

log = logging.getLogger(__name__)

JOB_LIMIT = 20 * BATCH
JOB_ACTOR = "retention-job"


@dataclass(frozen=True)
class KindPlan:
    """One kind: kept for ``days`` (None: for ever), the cut-off, and how many messages qualify."""

    kind: PruneKind
    days: float | None
    cutoff: datetime | None
    count: int


def kept_days(settings: Settings) -> dict[PruneKind, float | None]:
    return {
        PruneKind.RAW: settings.retention_raw_days,
        PruneKind.TRANSLATIONS: settings.retention_translations_days,
    }


def configured(settings: Settings) -> bool:
    return any(days is not None for days in kept_days(settings).values())


def plan(svc: Services) -> list[KindPlan]:
    """What a prune now would clear, per kind (nothing is changed)."""
    now = svc.now()
    plans: list[KindPlan] = []
    with svc.reads.begin() as conn:
        for kind, days in kept_days(svc.settings).items():
            if days is None:
                plans.append(KindPlan(kind, None, None, 0))
                continue
            cutoff = now - timedelta(days=days)
            plans.append(KindPlan(kind, days, cutoff, store.count_prunable(conn, kind, cutoff)))
    return plans


def prune(svc: Services, actor: str, limit: int | None = None) -> list[KindPlan]:
    """Clear what is due, per kind, in batches of ``BATCH`` (one transaction each), at most ``limit``
    per kind; each kind that cleared anything is recorded. Returns what was cleared."""
    now = svc.now()
    done: list[KindPlan] = []
    for kind, days in kept_days(svc.settings).items():
        if days is None:
            done.append(KindPlan(kind, None, None, 0))
            continue
        cutoff = now - timedelta(days=days)
        count = 0
        while limit is None or count < limit:
            size = BATCH if limit is None else min(BATCH, limit - count)
            with svc.engine.begin() as conn:
                cleared = len(store.prune_batch(conn, kind, cutoff, now, size))
            count += cleared
            if cleared < size:
                break
        if count:
            with svc.engine.begin() as conn:
                store.record(conn, now, kind, cutoff, count, actor)
            log.info(
                "retention: cleared the bytes of %d %s message(s) received before %s", count, kind, cutoff
            )
        done.append(KindPlan(kind, days, cutoff, count))
    return done


def prune_due(svc: Services) -> None:
    """The scheduled job: a bounded prune when any retention is configured."""
    if configured(svc.settings):
        prune(svc, JOB_ACTOR, JOB_LIMIT)
