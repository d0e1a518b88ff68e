"""Scheduled jobs run once across all workers: a named lease row taken with a conditional UPDATE.

Whoever moves ``until`` forward runs the job; everyone else skips it until the lease ends, so N
replicas on one PostgreSQL (or several processes on one SQLite file) never run a job twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select, update

from samband.gateway.store.tables import job_locks

if TYPE_CHECKING:
    from samband.gateway.runtime import Services

log = logging.getLogger(__name__)


def take_lease(svc: Services, name: str, owner: str, seconds: float) -> bool:
    """True when ``owner`` now holds job ``name`` for ``seconds``; False when someone else does."""
    now = svc.now()
    with svc.engine.begin() as conn:
        if conn.execute(select(job_locks.c.name).where(job_locks.c.name == name)).first() is None:
            conn.execute(job_locks.insert().values(name=name, owner=None, until=None))
    with svc.engine.begin() as conn:
        taken = conn.execute(
            update(job_locks)
            .where(job_locks.c.name == name, or_(job_locks.c.until.is_(None), job_locks.c.until < now))
            .values(owner=owner, until=now + timedelta(seconds=seconds))
        )
        return taken.rowcount == 1


def run_job(svc: Services, name: str, owner: str, every_seconds: float, job: Callable[[], object]) -> bool:
    """Run ``job`` if its lease is free; the lease then blocks every worker for ``every_seconds``."""
    try:
        if not take_lease(svc, name, owner, every_seconds):
            return False
    except Exception:  # two first-time inserts may collide on PostgreSQL; the next pass retries
        log.debug("job lease %s not taken this pass", name, exc_info=True)
        return False
    job()
    return True
