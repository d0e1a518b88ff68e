"""Changes, cancellations and replies linked to the message they name; copies; out-of-order holds.

A PLO change (Forsendelsesstatus M, or O: updated and replacing) or cancellation (C) names its
original with ``ConversationRef/RefToParent``. When the gateway has taken the original in, both get
an event (``changes`` / ``superseded``, ``cancels`` / ``cancelled``) and the change is delivered as
usual. When it has not, the change may have overtaken it (akseptansetest mottak, krav 22): it is
held (status ``held``, event ``held-out-of-order``, warning ``lineage.out-of-order``) and taken in
right after its original, linked to it (the original warns ``lineage.changed-before-arrival``);
after ``SAMBAND_HOLD_SECONDS`` it is taken in without it (``lineage.original-unknown``). Any other
message naming a parent is linked (``refers-to`` / ``referred-to``) and never held. A message that
reaches a served party (``SAMBAND_SERVED_HER_IDS``) only as copy receiver gets ``copy-received``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from samband.adapters.msghead.lineage import Lineage
from samband.gateway import translate
from samband.gateway.outcome import Outcome
from samband.gateway.runtime import Services
from samband.gateway.stages import Pass
from samband.gateway.store import links
from samband.gateway.store import repository as repo
from samband.gateway.store.repository import Kind, Status, StoredMessage
from samband.kernel.catalogue import entry
from samband.kernel.problems import Problem, Severity

RELATIONS: dict[str, tuple[str, str]] = {
    # Forsendelsesstatus (7309) → (event on the new message, event on the message it names)
    "M": ("changes", "superseded"),
    "O": ("changes", "superseded"),
    "C": ("cancels", "cancelled"),
}
REFERENCE = ("refers-to", "referred-to")
LINKS = frozenset(ours for ours, _theirs in (*RELATIONS.values(), REFERENCE))
EVENTS = frozenset(
    {kind for pair in (*RELATIONS.values(), REFERENCE) for kind in pair}
    | {"held-out-of-order", "released", "original-unknown", "copy-received"}
)
"""Every timeline event this module writes (the console explains each one)."""
WHERE = "/MsgHead/MsgInfo/ConversationRef/RefToParent"


def link(svc: Services, p: Pass) -> Pass | Outcome:
    """Record what the message is to others; hold a change or cancellation whose original is not in."""
    message = p.message
    if message.format != "msghead" or message.kind != Kind.MESSAGE:
        return p
    facts = translate.lineage(p.raw)
    now = svc.now()
    notes: list[Problem] = []
    with svc.engine.begin() as conn:
        copy_as = facts.copy_only(svc.settings.served_her_ids)
        if copy_as is not None:
            repo.add_event(conn, message.id, "copy-received", now, copy_receiver=copy_as,
                           receiver=facts.receiver.party)  # fmt: skip
        if facts.parent is not None:
            held = _to_parent(conn, svc, message, facts, facts.parent, notes)
            if held:
                return Outcome(message.id, str(Status.HELD), message.msg_id)
        if message.msg_id and _from_children(conn, message, now):
            notes.append(note("lineage.changed-before-arrival", "/MsgHead/MsgInfo/MsgId"))
    return replace(p, notes=(*p.notes, *notes), copy_for=copy_as)


def note(code: str, where: str = WHERE) -> Problem:
    """A warning the message is taken in with, in the catalogue's words."""
    found = entry(code)
    meaning, text_no = (found.meaning, found.text_no) if found else (code, "")
    return Problem(code, Severity.WARNING, meaning, path=where, text_no=text_no)


def _to_parent(
    conn: Connection,
    svc: Services,
    message: StoredMessage,
    facts: Lineage,
    parent_id: str,
    notes: list[Problem],
) -> bool:
    """Link to the parent; True when the message is now held for it (the caller ends the pass)."""
    now = svc.now()
    repo.lock_key(conn, parent_id)
    parent = links.find_parent(conn, parent_id, message.sender_her, exclude=message.id)
    relation = RELATIONS.get(facts.status or "", REFERENCE)
    if parent is not None and (relation is REFERENCE or _settled(parent)):
        _record(conn, message, parent, relation, now)
        return False
    if relation is REFERENCE:
        repo.add_event(conn, message.id, "original-unknown", now, msg_id=parent_id)
        return False
    if now - message.received_at >= timedelta(seconds=svc.settings.hold_seconds):
        repo.add_event(conn, message.id, "original-unknown", now, msg_id=parent_id, status=facts.status)
        notes.append(note("lineage.original-unknown"))
        return False
    held = [note("lineage.out-of-order").as_dict()]
    repo.settle(conn, message.id, now, Status.HELD, issues=held)
    repo.add_event(conn, message.id, "held-out-of-order", now, waiting_for=parent_id, status=facts.status)
    return True


def _from_children(conn: Connection, message: StoredMessage, now: datetime) -> bool:
    """Link what came before this message naming it: changes held for it (released once it is taken
    in) and messages taken in without it. True when a change or cancellation of it came first."""
    assert message.msg_id is not None
    repo.lock_key(conn, message.msg_id)
    held, unlinked = links.waiting_children(conn, message.msg_id, LINKS)
    changed = bool(held)
    for child in unlinked:
        relation = _relation(conn, child.id)
        _record(conn, child, message, relation, now, late=True)
        changed = changed or relation is not REFERENCE
    return changed


def _settled(parent: StoredMessage) -> bool:
    """A message the gateway sent, or a received one whose fate is decided: a change may act on it."""
    return parent.direction != "inbound" or parent.status in links.SETTLED


def _record(
    conn: Connection,
    message: StoredMessage,
    parent: StoredMessage,
    relation: tuple[str, str],
    now: datetime,
    **detail: Any,
) -> None:
    """The pair of events that link ``message`` to the ``parent`` it names."""
    ours, theirs = relation
    repo.add_event(conn, message.id, ours, now, original=parent.id, msg_id=parent.msg_id, **detail)
    repo.add_event(conn, parent.id, theirs, now, by=message.id, msg_id=message.msg_id, **detail)


def _relation(conn: Connection, message_id: str) -> tuple[str, str]:
    """The relation of a message taken in earlier, read back from its stored bytes."""
    raw = repo.get_raw(conn, message_id, pruned_as_empty=True)  # pruned: a plain reference
    status = translate.lineage(raw).status if raw else None
    return RELATIONS.get(status or "", REFERENCE)


def release_waiting(svc: Services, message_id: str, outcome: Outcome | None = None) -> list[str]:
    """Once ``message_id`` is settled, put the changes held for it back to ``received`` (in the order
    they came); the caller processes them, so each is queued after its original. ``outcome``: how
    processing ``message_id`` just ended; when it did not settle it, nothing is read."""
    if outcome is not None and outcome.released is not None:
        return list(outcome.released)  # released as it was settled, in the same transaction
    if outcome is not None and (outcome.duplicate or outcome.status not in links.SETTLED):
        return []  # held, kept for a later try, a repeat, an AppRec or signal stored: nothing waits
    now = svc.now()
    lease = now + timedelta(seconds=svc.settings.processing_grace_seconds)
    with svc.engine.begin() as conn:
        message = repo.get_message(conn, message_id)
        if message is None or not message.msg_id or message.status not in links.SETTLED:
            return []
        repo.lock_key(conn, message.msg_id)
        return links.release_held(conn, message, now, lease)


def release_overdue(conn: Connection, svc: Services, now: datetime) -> int:
    """Scheduled job: changes held longer than ``hold_seconds`` go back to ``received``, for a worker
    to take in without their original."""
    before = now - timedelta(seconds=svc.settings.hold_seconds)
    released = 0
    for mid in links.held_since(conn, before, svc.settings.worker_batch):
        if links.release(conn, mid, now, None):
            repo.add_event(conn, mid, "released", now, reason="original-not-received")
            released += 1
    return released
