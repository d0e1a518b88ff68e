"""The spine as lists of stages (``stages``): a received message goes

    receive → store raw → read → envelope/dedup → receipts → unpack → validate → revision chain → link
    → route → plan → enqueue

and a replay goes the same way but for the dedup and its routes, which its stored order names. The
delivery worker then delivers each queued payload and gives the receipt (``receipts.after_delivery``).

``receive`` stores the bytes in their own transaction before anything can fail, then ``process``
runs the stages; a crash between the two leaves a ``received`` row that a worker takes over.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy import Connection

from samband.adapters.limits import applied
from samband.adapters.xml.official import require_present
from samband.adapters.xml.safe import shared_parses
from samband.gateway import ebxml, lineage, receipts, replay, revisions, stages, translate
from samband.gateway.audit import Who
from samband.gateway.outcome import Outcome
from samband.gateway.runtime import Services
from samband.gateway.stages import Pass, Stage
from samband.gateway.store import repository as repo
from samband.gateway.store.db import is_store_fault
from samband.gateway.store.repository import Direction, Kind, Status, StoredMessage
from samband.kernel.envelope import Envelope
from samband.kernel.errors import GatewayError, MessageRejected, RegistryUnavailable, SchemasMissing

log = logging.getLogger(__name__)


def receive(
    svc: Services,
    raw: bytes,
    content_type: str | None,
    *,
    kind: Kind = Kind.MESSAGE,
    format: str | None = None,
) -> Outcome:
    """Store ``raw`` first (one transaction), then process it. Never loses what it accepted.

    ``format`` is what the endpoint expects (``fhir``, ``ip-export``); what the bytes turn out to be wins.
    """
    message_id = store_raw(svc, raw, content_type, kind, format=format)
    return process(svc, message_id)


def accept(
    svc: Services,
    raw: bytes,
    content_type: str | None,
    *,
    kind: Kind = Kind.MESSAGE,
    format: str | None = None,
) -> Outcome:
    """``receive``, or with ``process_in_workers`` only what the sender must hear at once: the envelope
    and the schema and rules checked, the bytes stored (one transaction), ``received`` answered; the
    workers take it over at once for the rest of the spine (translation, routing, receipts).

    A message the checks refuse, or cannot judge now (schemas missing), takes the whole spine here
    as ``receive`` does: stored first, then 422 with its negative AppRec, or 503. While the backlog
    is at ``max_backlog`` nothing is stored: ``store.backlog-full`` (503, ``Retry-After``).
    """
    step = begin_accept(svc, raw, content_type, kind=kind, format=format)
    if isinstance(step, Storing):
        step.stored.result()
        return step.outcome
    return step


@dataclass(frozen=True)
class Storing:
    """A message that passed the checks, on its way into the store: ``outcome`` is its answer once
    ``stored`` is done (it raises what failed the store)."""

    outcome: Outcome
    stored: Future[None]


def begin_accept(
    svc: Services,
    raw: bytes,
    content_type: str | None,
    *,
    kind: Kind = Kind.MESSAGE,
    format: str | None = None,
) -> Outcome | Storing:
    """``accept`` up to the commit of a message that passed the checks: the caller waits for it
    (``Storing.stored``; the API awaits it without holding a thread), any other outcome is final."""
    if not svc.settings.process_in_workers:
        return receive(svc, raw, content_type, kind=kind, format=format)
    svc.backlog.check()  # refused before it is stored: the sender sends it again later
    try:
        require_present()
        with applied(svc.settings.limits()):
            found, envelope, findings = translate.peek_and_check(raw, content_type, format)
    except Exception:  # refused, or not to be judged here: the whole spine answers as it always has
        return receive(svc, raw, content_type, kind=kind, format=format)
    if found == "ebxml":  # an envelope's payloads are answered in its own signal
        return receive(svc, raw, content_type, kind=kind, format=format)
    if found == "ip-export":  # a revision gap is the sender's to hear at once (``revisions``)
        return receive(svc, raw, content_type, kind=kind, format=format)
    # stored with its envelope, so a search right after the answer finds it by its business keys
    # and with the warnings of its checks, so the workers do not check it again (``stages.validate``)
    message_id, stored = submit_raw(
        svc, raw, content_type, kind, format=format, claim=False, envelope=envelope,
        **stages.passed_checks(findings),
    )  # fmt: skip
    return Storing(Outcome(message_id, str(Status.RECEIVED), envelope.msg_id), stored)


def replay_message(
    svc: Services, original_id: str, who: Who, order: replay.ReplayOrder, development: bool = False
) -> Outcome:
    """Store a replay of ``original_id`` (linked, attributed, audited), then run it through ``REPLAYED``.
    An override endpoint the allow-list refuses raises ``ReplayRefused`` first (``development``: the
    caller uses the development key from loopback, so loopback URLs pass an empty list)."""
    came_as = partial(stages.source_format, svc)
    replay.check_replay(svc, original_id, who, order, development, came_as)
    return process(svc, replay.store_replay(svc, original_id, who, order))


def store_raw(
    svc: Services,
    raw: bytes,
    content_type: str | None,
    kind: Kind,
    source_id: str | None = None,
    format: str | None = None,
    claim: bool = True,
    within: Callable[[Connection, str], None] | None = None,
    envelope: Envelope | None = None,
    **detail: Any,
) -> str:
    """The raw bytes, committed on their own (``submit_raw``), and the new message's id once they
    are. ``within``: a channel's own rows for the new message id, committed with the bytes."""
    if within is None:
        mid, stored = submit_raw(svc, raw, content_type, kind, source_id, format, claim, envelope, **detail)
        stored.result()
        return mid
    row, event = _received_rows(svc, raw, content_type, kind, source_id, format, claim, envelope, detail)
    with svc.engine.begin() as conn:
        repo.insert_messages(conn, [row])
        repo.add_events(conn, [event])
        within(conn, row["id"])
    return str(row["id"])


def submit_raw(
    svc: Services,
    raw: bytes,
    content_type: str | None,
    kind: Kind,
    source_id: str | None = None,
    format: str | None = None,
    claim: bool = True,
    envelope: Envelope | None = None,
    **detail: Any,
) -> tuple[str, Future[None]]:
    """The new message's id, and the commit of its bytes (done when they are stored). With
    ``group_commit`` they go in one transaction with those of concurrent requests
    (``store.group_commit``), else in their own at once. ``claim``: the caller processes them next, so
    workers leave them alone for ``processing_grace_seconds`` (without it they take them at once)."""
    row, event = _received_rows(svc, raw, content_type, kind, source_id, format, claim, envelope, detail)
    if svc.settings.group_commit:
        return str(row["id"]), svc.committer.submit(row, event)
    with svc.engine.begin() as conn:
        repo.insert_messages(conn, [row])
        repo.add_events(conn, [event])
    stored: Future[None] = Future()
    stored.set_result(None)
    return str(row["id"]), stored


def _received_rows(
    svc: Services,
    raw: bytes,
    content_type: str | None,
    kind: Kind,
    source_id: str | None,
    format: str | None,
    claim: bool,
    envelope: Envelope | None,
    detail: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The message row and its ``received`` event."""
    now = svc.now()
    lease = now + timedelta(seconds=svc.settings.processing_grace_seconds) if claim else None
    row = repo.message_values(
        raw=raw, direction=Direction.INBOUND, kind=kind, status=Status.RECEIVED, now=now,
        content_type=content_type, format=format, source_id=source_id, lease_until=lease, envelope=envelope,
    )  # fmt: skip
    event = repo.event_values(row["id"], "received", now, size=len(raw), sha256=row["sha256"], **detail)
    return row, event


def process(svc: Services, message_id: str, loaded: Pass | None = None) -> Outcome:
    """Everything after the store, once; then the changes that were held for this message (they came
    first) take the spine in their turn, so each is delivered after its original. ``loaded``: the
    message as the caller read it (``stages.load_passes_in``), so it is not read again."""
    outcome = process_once(svc, message_id, loaded)
    try:
        waiting = lineage.release_waiting(svc, message_id, outcome)
    except Exception:  # they stay held; the hold job releases them later
        log.exception("releasing the messages held for %s failed", message_id)
        waiting = []
    for held in waiting:
        process(svc, held)
    return outcome


def process_once(svc: Services, message_id: str, loaded: Pass | None = None) -> Outcome:
    """The spine, once, within the gateway's limits: a worker that took the message over may race
    the request, and only the first to settle it commits (``repo.settle``); a bug isolates the
    message as failed; missing official XSDs, or the store failing under it, leave it ``received``
    for a later try (a worker takes it over once its claim runs out)."""
    try:
        require_present()
        with applied(svc.settings.limits()):
            return run_spine(svc, loaded or stages.load_pass(svc, message_id))
    except repo.Settled:
        return current_outcome(svc, message_id)
    except (SchemasMissing, RegistryUnavailable) as missing:
        return defer(svc, message_id, missing)
    except Exception as exc:  # a bug must not turn one message into an endless takeover loop
        if is_store_fault(exc):
            return left_for_take_over(message_id, exc)
        log.exception("processing message %s failed", message_id)
        try:
            return fail(svc, message_id, exc)
        except repo.Settled:
            return current_outcome(svc, message_id)


def unpack(svc: Services, p: Pass) -> Pass | Outcome:
    """An ebXML envelope is answered (ack or MessageError), then each payload takes the spine itself."""
    if p.message.format != "ebxml":
        return p
    outcome, payloads = ebxml.unpack(svc, p.message, p.raw)
    for message_id in payloads:
        process(svc, message_id)
    return outcome


RECEIVED: tuple[Stage, ...] = (
    stages.read,
    stages.dedup,
    stages.answer_receipts,
    unpack,
    stages.validate,
    revisions.check_revision,
    lineage.link,
    stages.route,
    stages.plan,
    stages.enqueue,
)
REPLAYED: tuple[Stage, ...] = (
    stages.read,
    stages.envelope,
    stages.answer_receipts,
    unpack,
    stages.validate,
    stages.route_replay,
    stages.plan,
    stages.enqueue,
)


ONE_TREE: frozenset[Stage] = frozenset({stages.dedup, stages.envelope, lineage.link, stages.enqueue})
"""Stages that only read the message's document: they share one tree of it, parsed once. The others
parse it for themselves (the tolerance repairs of the validation and the mappings change theirs)."""


def run_spine(svc: Services, message: StoredMessage | Pass) -> Outcome:
    """The stages in order; a rejection ends them with a negative AppRec (or an ebXML error signal).

    Before each stage the processor time the message has taken so far is held against
    ``processing_timeout_seconds``: past it, the message is refused (``message.processing-timeout``).
    Time spent waiting for the store does not count, so a slow store never refuses a message; what
    counts is the work its content makes, which would cost the same again.
    """
    current = message if isinstance(message, Pass) else Pass(message)
    started = time.thread_time()
    try:
        with shared_parses():
            for stage in REPLAYED if current.message.kind == Kind.REPLAY else RECEIVED:
                check_time(started, svc.settings.processing_timeout_seconds, stage)
                with shared_parses(stage in ONE_TREE):
                    step = stage(svc, current)
                if isinstance(step, Outcome):
                    return step
                current = step
    except MessageRejected as error:
        if current.message.format == "ebxml":
            return ebxml.refuse(svc, current.message, error)
        return receipts.reject(svc, current.message, error)
    raise AssertionError("the last stage ends every pass")


def check_time(started: float, limit: float, stage: Stage) -> None:
    """Refuse the message when it has taken more than ``limit`` seconds of processor time."""
    spent = time.thread_time() - started
    if spent > limit:
        name = getattr(stage, "__name__", "the next stage")
        raise MessageRejected(
            f"processing took {spent:.1f} s of processor time before {name}",
            code="message.processing-timeout",
            expected=f"at most {limit:g} s (SAMBAND_PROCESSING_TIMEOUT_SECONDS)",
        )


def left_for_take_over(message_id: str, exc: Exception) -> Outcome:
    """The store failed under the message (its connection lost, a lock wait given up): nothing about
    the message is wrong, so it stays ``received``, and a worker takes it over once its claim runs
    out (``processing_grace_seconds``); the sender is told to try again (503)."""
    log.warning(
        "processing message %s met a store fault (%s); left for a later try", message_id, type(exc).__name__
    )
    error = {"code": "store.unavailable", "detail": f"the message store failed: {type(exc).__name__}"}
    return Outcome(message_id, str(Status.RECEIVED), None, errors=[error])


def current_outcome(svc: Services, message_id: str) -> Outcome:
    """The outcome of a message someone else finished processing first."""
    message = stages.load(svc, message_id)
    return Outcome(
        message.id, message.status, message.msg_id, errors=[message.error] if message.error else []
    )


def fail(svc: Services, message_id: str, exc: Exception) -> Outcome:
    """Isolate a message the gateway itself could not process: status failed, kept for replay."""
    now = svc.now()
    error = {"code": "internal-error", "detail": f"{type(exc).__name__}: {exc}"}
    with svc.engine.begin() as conn:
        repo.settle(conn, message_id, now, Status.FAILED, error=error)
        repo.add_event(conn, message_id, "failed", now, **error)
        message = stages.load_in(conn, message_id)
    svc.metrics.failed(message.msg_type, None, "internal-error")
    return Outcome(message_id, str(Status.FAILED), message.msg_id, errors=[error])


def defer(svc: Services, message_id: str, error: GatewayError) -> Outcome:
    """The gateway cannot process now (its official XSDs are missing, or the Adresseregister a route
    asks cannot answer and nothing is kept): the message stays ``received``
    and a worker takes it over when its claim runs out; the sender is told to try again (503)."""
    now = svc.now()
    log.error("message %s kept for a later try: [%s]", message_id, error.code)
    with svc.engine.begin() as conn:
        repo.add_event(conn, message_id, "deferred", now, **error.as_dict())
        message = stages.load_in(conn, message_id)
    if message.status != Status.RECEIVED:
        return current_outcome(svc, message_id)
    return Outcome(message_id, str(Status.RECEIVED), message.msg_id, errors=[error.as_dict()])
