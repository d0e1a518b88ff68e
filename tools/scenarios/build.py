"""Helpers that write scenario chains: a Step per export, revisions with their changeLog entries.

Each helper returns a new frozen export; nothing is mutated, so a variant can branch off any step.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar, cast

from samband.adapters.iplan.enums import LogAction, TargetType
from samband.adapters.iplan.model import IndividualPlan, IpExport, SourceSystem
from samband.adapters.iplan.model_work import LogEntry
from samband.kernel.ids import stable_id

T = TypeVar("T")
Log = tuple[LogAction, TargetType, str | None]


@dataclass(frozen=True)
class Step:
    """One export in a scenario chain; ``previous`` names the step whose state it follows."""

    scenario: str
    name: str
    export: IpExport
    previous: str | None
    error: str | None = None
    note: str = ""
    encoding: str = "json"

    @property
    def key(self) -> str:
        return f"{self.scenario}/{self.name}"


def oslo(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """Norwegian local time with the offset of the season (CEST April–October in these scenarios)."""
    offset = 2 if 4 <= month <= 10 else 1
    return datetime(year, month, day, hour, minute, tzinfo=timezone(timedelta(hours=offset)))


def upsert(items: tuple[T, ...], *new: T) -> tuple[T, ...]:
    """``items`` with each of ``new`` replacing the one with its id, or appended."""
    out = list(items)
    for item in new:
        ids = [getattr(x, "id") for x in out]  # noqa: B009
        item_id = getattr(item, "id")  # noqa: B009
        if item_id in ids:
            out[ids.index(item_id)] = item
        else:
            out.append(item)
    return tuple(out)


def by_id(items: Sequence[T], item_id: str) -> T:
    return next(x for x in items if getattr(x, "id") == item_id)  # noqa: B009


def edit(item: T, **changes: Any) -> T:
    return cast(T, dataclasses.replace(cast(Any, item), **changes))


def revise(export: IpExport, at: datetime, actor: str, log: Sequence[Log], **plan_changes: Any) -> IpExport:
    """The next revision: plan fields changed, one changeLog entry per ``log`` item, revision bumped."""
    plan: IndividualPlan = dataclasses.replace(export.plan, **plan_changes)
    entries = tuple(
        LogEntry(
            id=f"log-{plan.revision + i}",
            sequence=plan.revision + i,
            timestamp=at + timedelta(minutes=i - 1),
            actor_ref=actor,
            action=action,
            target_type=target_type,
            target_ref=target_ref,
        )
        for i, (action, target_type, target_ref) in enumerate(log, start=1)
    )
    last = entries[-1].timestamp if entries else at
    plan = dataclasses.replace(
        plan, revision=plan.revision + len(entries), last_modified=last, change_log=plan.change_log + entries
    )
    return dataclasses.replace(
        export,
        export_id=stable_id("ip-export", plan.id, str(plan.revision)),
        generated_at=last + timedelta(minutes=5),
        plan=plan,
    )


def variant(export: IpExport, name: str) -> IpExport:
    """``export`` as a branch of its chain: an export id of its own, since the IP tool never sends two
    different exports under one id (the gateway drops the second as a repeat)."""
    plan = export.plan
    return dataclasses.replace(export, export_id=stable_id("ip-export", plan.id, str(plan.revision), name))


def first_export(plan: IndividualPlan, at: datetime, actor: str, source: SourceSystem) -> IpExport:
    """The plan's first full export: ``plan`` at revision 0 plus its ``created`` changeLog entry."""
    blank = IpExport(
        schema_version="1.0",
        export_id=stable_id("ip-export", plan.id, str(plan.revision)),
        generated_at=at,
        view="full",
        export_kind="full",
        source=source,
        plan=plan,
    )
    return revise(blank, at, actor, [("created", "plan", plan.id)])
