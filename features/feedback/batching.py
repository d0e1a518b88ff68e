"""The daily digest: minor plan edits gathered into at most one message per patient per period.

domain.md §3.3: "batch minor IP edits (no message per edit; at most one digest per day)". Items wait
in ``feedback_digest_items``; ``digest_due`` says when a patient's digest may go, and ``fold`` turns
the items into lines (one line per plan element, however many edits it had). Consent is checked
again when the digest is made, so a withdrawal in between removes plan content.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from samband.features.feedback.events import EventKind
from samband.features.feedback.rules import ConsentNeed, DigestPolicy
from samband.features.feedback.state import ConsentState


@dataclass(frozen=True)
class DigestItem:
    """One minor event waiting for the digest: what changed and the plan element it touched."""

    patient_id: str
    event_key: str
    kind: EventKind
    at: datetime
    subject_id: str | None
    title: str
    consent: ConsentNeed = ConsentNeed.PLAN_CONTENT


@dataclass(frozen=True)
class DigestLine:
    """One line of the digest: a plan element, its last change, and how many edits it had."""

    kind: EventKind
    subject_id: str | None
    title: str
    edits: int
    last_at: datetime


def digest_due(last_sent_at: datetime | None, now: datetime, policy: DigestPolicy) -> bool:
    """True when a digest may go now: after ``send_after`` local time and once per period.

    For periods of whole days the count is in local calendar days (one digest per day means one
    per date in Europe/Oslo, however the clock falls); shorter periods count elapsed hours.
    """
    local_now = now.astimezone(policy.timezone)
    if local_now.time() < policy.send_after:
        return False
    if last_sent_at is None:
        return True
    if policy.period_hours >= 24 and policy.period_hours % 24 == 0:
        days = (local_now.date() - last_sent_at.astimezone(policy.timezone).date()).days
        return days >= int(policy.period_hours // 24)
    return now - last_sent_at >= timedelta(hours=policy.period_hours)


def admissible(
    items: Iterable[DigestItem], consent: ConsentState
) -> tuple[list[DigestItem], list[DigestItem]]:
    """Split items into those the consent allows now and those it no longer allows."""
    keep: list[DigestItem] = []
    drop: list[DigestItem] = []
    for item in items:
        (keep if consent.allows(item.consent) else drop).append(item)
    return keep, drop


def fold(items: Sequence[DigestItem]) -> list[DigestLine]:
    """One line per plan element (or per event when no element is named), in order of first change.

    The status-changing kinds (goal achieved, measure completed/stopped) win over plain edits, so
    the line tells the GP where the element ended up, not every step on the way.
    """
    lines: dict[tuple[str, str], DigestLine] = {}
    for item in sorted(items, key=lambda i: (i.at, i.event_key)):
        key = (item.subject_id or item.event_key, "")
        previous = lines.get(key)
        if previous is None:
            lines[key] = DigestLine(item.kind, item.subject_id, item.title, 1, item.at)
            continue
        kind = item.kind if item.kind is not EventKind.PLAN_EDITED else previous.kind
        title = item.title or previous.title
        lines[key] = DigestLine(kind, item.subject_id, title, previous.edits + 1, item.at)
    return list(lines.values())
