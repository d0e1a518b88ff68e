"""What the feedback jobs read and write beside the case: inbound messages the runner has not seen
yet, digest items waiting for the daily digest, and the decisions whose AppRec the tracking follows.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select, update

from samband.features.feedback.batching import DigestItem
from samband.features.feedback.events import EventKind
from samband.features.feedback.rules import ConsentNeed
from samband.features.feedback.store import new_id
from samband.features.feedback.tables import feedback_decisions, feedback_digest, feedback_seen
from samband.gateway.store.tables import messages


def unseen_messages(
    conn: Connection, formats: Collection[str], statuses: Collection[str], limit: int
) -> list[tuple[str, str]]:
    """Inbound messages (id, format) the pipeline settled that the runner has not handled, oldest first."""
    seen = select(feedback_seen.c.message_id)
    query = (
        select(messages.c.id, messages.c.format)
        .where(
            messages.c.direction == "inbound",
            messages.c.kind == "message",
            messages.c.status.in_(statuses),
            messages.c.format.in_(formats),
            messages.c.id.not_in(seen),
        )
        .order_by(messages.c.received_at, messages.c.id)
        .limit(limit)
    )
    return [(row.id, row.format) for row in conn.execute(query)]


def mark_seen(conn: Connection, message_id: str, outcome: str, now: datetime) -> None:
    conn.execute(feedback_seen.insert().values(message_id=message_id, outcome=outcome[:40], seen_at=now))


def add_digest_item(conn: Connection, item: DigestItem) -> None:
    conn.execute(
        feedback_digest.insert().values(
            id=new_id(),
            patient_id=item.patient_id,
            event_key=item.event_key,
            kind=item.kind.value,
            at=item.at,
            subject_id=item.subject_id,
            title=item.title,
            consent=item.consent.value,
        )
    )


def _waiting() -> tuple[Any, ...]:
    return (feedback_digest.c.decision_id.is_(None), feedback_digest.c.dropped.is_(None))


def patients_with_digest_items(conn: Connection) -> set[str]:
    """Patients with minor events waiting for their digest."""
    return {row.patient_id for row in conn.execute(select(feedback_digest.c.patient_id).where(*_waiting()))}


def digest_items(conn: Connection, patient_id: str) -> list[tuple[str, DigestItem]]:
    """The patient's waiting digest items, with their row ids."""
    rows = conn.execute(
        select(feedback_digest).where(feedback_digest.c.patient_id == patient_id, *_waiting())
    )
    return [
        (
            row.id,
            DigestItem(
                row.patient_id,
                row.event_key,
                EventKind(row.kind),
                row.at,
                row.subject_id,
                row.title,
                ConsentNeed(row.consent),
            ),
        )
        for row in rows
    ]


def update_digest_item(conn: Connection, item_id: str, **values: Any) -> None:
    """Fold an item into a digest (``decision_id``) or leave it out (``dropped``)."""
    conn.execute(update(feedback_digest).where(feedback_digest.c.id == item_id).values(**values))


def drop_pending_digest(conn: Connection, patient_id: str, reason: str) -> None:
    """Leave out every item of the patient still waiting (the closure message has told the GP)."""
    conn.execute(
        update(feedback_digest)
        .where(feedback_digest.c.patient_id == patient_id, *_waiting())
        .values(dropped=reason)
    )


def queued_decisions(conn: Connection) -> list[Row[Any]]:
    """Decisions whose message is queued, with that message's status and completion time."""
    return list(
        conn.execute(
            select(feedback_decisions, messages.c.status.label("message_status"), messages.c.completed_at)
            .join(messages, messages.c.id == feedback_decisions.c.message_id)
            .where(feedback_decisions.c.status == "queued")
        ).all()
    )


def waiting_decisions(conn: Connection) -> list[Row[Any]]:
    """Drafts that had no GP address yet."""
    return list(
        conn.execute(select(feedback_decisions).where(feedback_decisions.c.status == "waiting")).all()
    )
