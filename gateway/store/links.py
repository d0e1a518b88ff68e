"""Messages linked by RefToParent: the message a change, cancellation or reply names, and the
changes and cancellations held until the message they name has been taken in.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, case, exists, select, update

from samband.gateway.store.repository import (
    MESSAGE_COLUMNS,
    Direction,
    Kind,
    Status,
    StoredMessage,
    add_event,
)
from samband.gateway.store.tables import events, messages

TAKEN_IN = (Status.ROUTED, Status.DELIVERED, Status.FAILED)
"""A message the gateway took in (delivered or on its way): what a change may act on."""
SETTLED = (*TAKEN_IN, Status.REJECTED)
"""A message whose fate is decided: a change naming it waits no longer."""
NAMED = (Kind.MESSAGE, Kind.TRANSLATION, Kind.FORWARD)
"""Rows whose MsgId another message may name: received messages and those the gateway sent."""


def find_parent(conn: Connection, msg_id: str, sender_her: str | None, exclude: str) -> StoredMessage | None:
    """The message with MsgId ``msg_id``: one received from the same sender first, then any
    received one, then one the gateway sent (a reply names a message we sent)."""
    rank = case(
        (
            (messages.c.direction == str(Direction.INBOUND))
            & messages.c.sender_her.is_not_distinct_from(sender_her),
            0,
        ),
        (messages.c.direction == str(Direction.INBOUND), 1),
        else_=2,
    )
    query = (
        select(*MESSAGE_COLUMNS)
        .where(
            messages.c.msg_id == msg_id,
            messages.c.kind.in_([str(k) for k in NAMED]),
            messages.c.id != exclude,
        )
        .order_by(rank, messages.c.received_at, messages.c.id)
        .limit(1)
    )
    row = conn.execute(query).first()
    return None if row is None else StoredMessage.from_row(row)


def children(
    conn: Connection, msg_id: str, statuses: tuple[Status, ...], *also: ColumnElement[bool]
) -> list[StoredMessage]:
    """Received messages whose RefToParent is ``msg_id``, in one of ``statuses``, first come first."""
    query = (
        select(*MESSAGE_COLUMNS)
        .where(
            messages.c.parent_ref == msg_id,
            messages.c.direction == str(Direction.INBOUND),
            messages.c.kind == str(Kind.MESSAGE),
            messages.c.status.in_([str(s) for s in statuses]),
            *also,
        )
        .order_by(messages.c.received_at, messages.c.id)
    )
    return [StoredMessage.from_row(row) for row in conn.execute(query)]


def unlinked_children(conn: Connection, msg_id: str, link_kinds: Collection[str]) -> list[StoredMessage]:
    """Messages naming ``msg_id`` that were taken in without it (event ``original-unknown``) and have
    been linked to nothing since: the original came after all, late."""
    unknown = exists().where(events.c.message_id == messages.c.id, events.c.kind == "original-unknown")
    linked = exists().where(events.c.message_id == messages.c.id, events.c.kind.in_(list(link_kinds)))
    return children(conn, msg_id, TAKEN_IN, unknown, ~linked)


def waiting_children(
    conn: Connection, msg_id: str, link_kinds: Collection[str]
) -> tuple[list[StoredMessage], list[StoredMessage]]:
    """``children`` held for ``msg_id`` and its ``unlinked_children``, in one read."""
    unknown = exists().where(events.c.message_id == messages.c.id, events.c.kind == "original-unknown")
    linked = exists().where(events.c.message_id == messages.c.id, events.c.kind.in_(list(link_kinds)))
    query = (
        select(*MESSAGE_COLUMNS, unknown.label("unknown"), linked.label("linked"))
        .where(
            messages.c.parent_ref == msg_id,
            messages.c.direction == str(Direction.INBOUND),
            messages.c.kind == str(Kind.MESSAGE),
            messages.c.status.in_([str(s) for s in (Status.HELD, *TAKEN_IN)]),
        )
        .order_by(messages.c.received_at, messages.c.id)
    )
    held, unlinked = [], []
    for row in conn.execute(query):
        values = row._asdict()
        is_unknown, is_linked = values.pop("unknown"), values.pop("linked")
        child = StoredMessage(**values)
        if child.status == Status.HELD:
            held.append(child)
        elif is_unknown and not is_linked:
            unlinked.append(child)
    return held, unlinked


def release(conn: Connection, message_id: str, now: datetime, lease_until: datetime | None) -> bool:
    """Put a held message back to ``received`` (once: False when someone else released it)."""
    done = conn.execute(
        update(messages)
        .where(messages.c.id == message_id, messages.c.status == str(Status.HELD))
        .values(status=str(Status.RECEIVED), updated_at=now, lease_until=lease_until)
    )
    return done.rowcount == 1


def release_held(
    conn: Connection, original: StoredMessage, now: datetime, lease_until: datetime | None
) -> list[str]:
    """Put the changes held for ``original`` (settled now) back to ``received``, first come first,
    each with its ``released`` event; their ids, for the caller to process next. The caller's
    transaction holds ``lock_key`` on the original's MsgId."""
    assert original.msg_id is not None
    released = []
    for held in children(conn, original.msg_id, (Status.HELD,)):
        if release(conn, held.id, now, lease_until):
            add_event(conn, held.id, "released", now, reason="original-arrived", original=original.id)
            released.append(held.id)
    return released


def held_since(conn: Connection, before: datetime, limit: int) -> list[str]:
    """Held messages received before ``before``: their original did not come in time."""
    query = (
        select(messages.c.id)
        .where(messages.c.status == str(Status.HELD), messages.c.received_at < before)
        .order_by(messages.c.received_at)
        .limit(limit)
    )
    return [mid for (mid,) in conn.execute(query)]
