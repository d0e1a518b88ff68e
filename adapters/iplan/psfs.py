"""PSFS scores on one scale: 0 = cannot perform, 10 = no problem (the original direction).

Norwegian versions reverse the scale (0 = no problem, 10 = cannot perform); every score carries its
direction (invariant ``psfs-direction``), so change over time is computed on the normalised value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from samband.adapters.iplan.model import IndividualPlan
from samband.adapters.iplan.model_work import PsfsAssessment, PsfsItem

ORIGINAL = "0-unable_10-able"


def normalised_score(item: PsfsItem, assessment: PsfsAssessment) -> int:
    """The item's score on the original scale (0 unable … 10 able)."""
    direction = item.scale_direction or assessment.scale_direction
    if direction is None:
        raise ValueError(f"PSFS item {item.id!r} has no scale direction")
    return item.score if direction == ORIGINAL else 10 - item.score


@dataclass(frozen=True)
class PsfsCourse:
    """One activity over time: baseline and latest normalised score, and the change (+ = better)."""

    item_id: str
    activity: str
    baseline: int
    baseline_date: date
    latest: int
    latest_date: date

    @property
    def change(self) -> int:
        return self.latest - self.baseline


def courses(plan: IndividualPlan) -> list[PsfsCourse]:
    """Baseline → latest for every activity scored at least once, in the order first scored."""
    scored: dict[str, list[tuple[date, int, str]]] = {}
    for assessment in sorted(plan.psfs_assessments, key=lambda a: a.date):
        for item in assessment.items:
            scored.setdefault(item.id, []).append(
                (assessment.date, normalised_score(item, assessment), item.activity_text)
            )
    return [
        PsfsCourse(item_id, points[-1][2], points[0][1], points[0][0], points[-1][1], points[-1][0])
        for item_id, points in scored.items()
    ]
