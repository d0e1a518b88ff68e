"""The stages of the spine, each a small function of the running gateway and one message's ``Pass``.

A stage returns the pass with what it found (the raw bytes, the envelope, the routes, the planned
payloads) or an ``Outcome`` that ends it. ``pipeline`` lists them in order.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from samband.adapters.search import searchable_text
from samband.gateway import apprec_answers, receipts, repeats, replay, translate
from samband.gateway.outcome import Outcome
from samband.gateway.routing.routes import Route
from samband.gateway.runtime import Services
from samband.gateway.store import deliveries as queue
from samband.gateway.store import links, text
from samband.gateway.store import repository as repo
from samband.gateway.store.receipts import add_translation
from samband.gateway.store.repository import Direction, Kind, Status, StoredMessage
from samband.kernel.envelope import Envelope
from samband.kernel.errors import GatewayError
from samband.kernel.problems import Problem, Severity


@dataclass(frozen=True)
class Planned:
    """One destination's payload, ready to be stored and queued."""

    route: Route
    payload: bytes
    content_type: str
    issues: list[dict[str, Any]]


@dataclass(frozen=True)
class Pass:
    """One message on its way through the stages, with what the stages before found."""

    message: StoredMessage
    raw: bytes = b""
    routes: tuple[Route, ...] = ()
    planned: tuple[Planned, ...] = ()
    notes: tuple[Problem, ...] = ()  # warnings the message is taken in with (its rules, its links)
    copy_for: str | None = None  # the served copy receiver a copy is routed for (not its Receiver)
    checked: tuple[Problem, ...] | None = None  # the warnings of the checks it passed when received


Stage = Callable[[Services, Pass], "Pass | Outcome"]


def read(svc: Services, p: Pass) -> Pass:
    """The stored bytes, read once for every stage after (unless read with the message already)."""
    if p.raw:
        return p
    return replace(p, raw=load_raw(svc, p.message.id))


def envelope(svc: Services, p: Pass) -> Pass:
    """Read the envelope and index its business keys (a replay is never a repeat)."""
    message, _seen, _answered = peek_envelope(svc, p.message, p.raw)
    return replace(p, message=message)


def dedup(svc: Services, p: Pass) -> Pass | Outcome:
    """Read the envelope; a repeat of a received message gets the first one's AppRec again."""
    message, _seen, answered = peek_envelope(svc, p.message, p.raw, answer_repeat=True)
    return answered or replace(p, message=message)


def answer_receipts(svc: Services, p: Pass) -> Pass | Outcome:
    """An AppRec answers a message the gateway sent: recorded, never routed."""
    if p.message.format == "apprec":
        return apprec_answers.record_incoming(svc, p.message, p.raw)
    return p


def validate(svc: Services, p: Pass) -> Pass:
    """The document against its schema and rules; a permanent error ends the pass as a refusal, a
    warning (a help number for the patient …) is taken in with the message, among its issues.
    A message that passed the same checks when it was received (``checked``) is not checked again:
    the warnings they found then are taken in."""
    if p.checked is not None:
        return replace(p, notes=(*p.notes, *p.checked))
    warnings = [f for f in translate.check(p.raw) if f.severity is Severity.WARNING]
    return replace(p, notes=(*p.notes, *warnings))


CHECKED = "checked"
"""In the detail of a message's ``received`` event: the warnings of the checks (schema and rules)
it passed before it was stored, so the workers need not check it again (``validate``)."""


def passed_checks(findings: list[Problem]) -> dict[str, Any]:
    """The ``received`` event's detail for a message that passed ``translate.check`` with ``findings``."""
    return {CHECKED: [f.as_dict() for f in findings if f.severity is Severity.WARNING]}


def _checked(detail: dict[str, Any] | None) -> tuple[Problem, ...] | None:
    """The warnings ``passed_checks`` recorded (None: the message was not checked when received)."""
    found = (detail or {}).get(CHECKED)
    if not isinstance(found, list):
        return None
    return tuple(
        Problem(
            str(w["code"]),
            Severity(w["severity"]),
            str(w["text"]),
            line=w.get("line"),
            column=w.get("column"),
            path=w.get("path") or None,
            text_no=str(w.get("text_no", "")),
        )
        for w in found
    )


def route(svc: Services, p: Pass) -> Pass:
    """The routes that take this message (a copy: as if addressed to the copy receiver it reached)."""
    envelope = p.message.envelope()
    if p.copy_for is not None:
        envelope = replace(envelope, receiver_her=p.copy_for)
    routes = svc.routes.match(envelope, source_format(svc, p.message), channel_of=svc.receiver_channel)
    return replace(p, routes=tuple(routes))


def route_replay(svc: Services, p: Pass) -> Pass:
    """The routes a replay goes to, as its stored order says (so a taken-over replay goes the same way)."""
    routes = replay.replay_routes(svc, p.message, source_format(svc, p.message))
    return replace(p, routes=tuple(routes))


def plan(svc: Services, p: Pass) -> Pass:
    """Map to the pivot once, then from the pivot once per route (the payload each route delivers).

    A disabled route never changes what happens to the message: when its payload cannot be written
    it is left out (event ``route.skipped``) instead of refusing the message, unless no route is left.
    """
    message = p.message
    writer = translate.Writer(
        p.raw, message.content_type, message.format, message.msg_namespace, svc.context()
    )
    writer.prepare(
        needed=[r.target_format for r in p.routes if r.enabled],
        held=[r.target_format for r in p.routes if not r.enabled],
    )
    planned, skipped = [], []
    for r in p.routes:
        try:
            payload, content_type, issues = writer.write(r.target_format)
        except GatewayError as error:
            if r.enabled:
                raise
            skipped.append((r.name, error))
            continue
        issues = writer.pivot_issues() + issues
        planned.append(Planned(r, payload, content_type, [i.as_dict() for i in issues]))
    if skipped and not planned:
        raise skipped[0][1]
    if skipped:
        with svc.engine.begin() as conn:
            for name, refusal in skipped:
                repo.add_event(conn, message.id, "route.skipped", svc.now(), route=name, code=refusal.code)
    return replace(p, planned=tuple(planned))


def enqueue(svc: Services, p: Pass) -> Outcome:
    """Store each translation as an outbound message and queue its delivery, keep the message's
    words for free-text search, and release the changes held for it (the caller processes them
    next, so each is queued after it), all in one transaction."""
    now = svc.now()
    words = searchable_text(p.raw)
    message = p.message
    found = [*message.issues, *(n.as_dict() for n in p.notes), *(i for q in p.planned for i in q.issues)]
    issues = list({json.dumps(i, sort_keys=True): i for i in found}.values())
    with svc.engine.begin() as conn:
        timeline = [store_translation(conn, message, q, now)[1] for q in p.planned]
        repo.settle(conn, message.id, now, Status.ROUTED, issues=issues)
        routes = [q.route.name for q in p.planned]
        timeline.append(repo.event_values(message.id, "routed", now, routes=routes))
        repo.add_events(conn, timeline)
        text.add_words(conn, message.id, words)  # settled just now, once: nothing kept before
        released: list[str] = []
        if message.msg_id:
            repo.lock_key(conn, message.msg_id)
            lease = now + timedelta(seconds=svc.settings.processing_grace_seconds)
            released = links.release_held(conn, message, now, lease)
    for q in p.planned:
        svc.metrics.translated(message.msg_type, q.route.name)
    return Outcome(message.id, str(Status.ROUTED), message.msg_id, released=tuple(released))


def peek_envelope(
    svc: Services, message: StoredMessage, raw: bytes, *, answer_repeat: bool = False
) -> tuple[StoredMessage, repeats.Seen, Outcome | None]:
    """Read the envelope, index its business keys, and find the message this one repeats (if any);
    ``answer_repeat``: a repeat is answered as one in the same transaction, under the lock on its
    key (so two copies processed at once by two workers cannot both take the other for the first).
    Only the columns that differ from the row are written (a message stored with its envelope when
    it was posted has them already)."""
    kind, found = translate.peek(raw, message.content_type, message.format)
    now = svc.now()
    columns = repo.fit({"format": str(kind), **repo.envelope_columns(found)})
    changed = {key: value for key, value in columns.items() if getattr(message, key) != value}
    with svc.engine.begin() as conn:
        repo.update_message(conn, message.id, now, **changed)
        current = replace(message, updated_at=now, **columns)
        seen = repeats.Seen()
        if message.kind == Kind.MESSAGE:
            repo.lock_key(conn, found.msg_id or current.sha256)
            seen = repeats.find(conn, current, raw)
        timeline = [repo.event_values(message.id, "envelope", now, format=kind, msg_id=found.msg_id)]
        if seen.reused is not None:
            earlier = seen.reused.id
            timeline.append(
                repo.event_values(message.id, "msg-id-reused", now, earlier=earlier, msg_id=found.msg_id)
            )
        repo.add_events(conn, timeline)
        answered = None
        if answer_repeat and seen.original is not None:
            answered = receipts.answer_duplicate_in(conn, svc, current, seen.original, seen.cause)
    svc.metrics.received(found.msg_type, kind)
    return current, seen, answered


def source_format(svc: Services, message: StoredMessage) -> str:
    """How the message came in: a Hodemelding unpacked from an ebXML envelope came in as ``ebxml``
    (a replay, as its original did)."""
    if message.source_id and message.format == "msghead":
        with svc.reads.begin() as conn:
            parent = repo.get_message(conn, message.source_id)
        if parent is not None and parent.format == "ebxml":
            return "ebxml"
        if parent is not None and message.kind == Kind.REPLAY:
            return source_format(svc, parent)
    return message.format or ""


def store_translation(
    conn: Connection, source: StoredMessage, p: Planned, now: datetime
) -> tuple[str, dict[str, Any]]:
    """One outbound message (searchable like any other), its translation row and its delivery.
    Returns the outbound message's id and the source's ``translated`` event, which the caller writes
    with the other events of its transaction (``repo.add_events``)."""
    target = str(p.route.target_format)
    kind = Kind.TRANSLATION if target != "as-is" else Kind.FORWARD
    if target == "as-is":
        found = source.envelope()  # the same bytes: the same envelope, no second read
    else:
        found = translate.output_envelope(p.payload, target) or _inherited(source)
    out_id = repo.insert_message(
        conn,
        raw=p.payload,
        direction=Direction.OUTBOUND,
        kind=kind,
        status=Status.PENDING,
        now=now,
        content_type=p.content_type,
        format=target,
        envelope=found,
        source_id=source.id,
        route=p.route.name,
        issues=p.issues,
    )
    add_translation(conn, source.id, out_id, p.route.name, target, p.issues, now)
    queue.enqueue(
        conn,
        message_id=out_id,
        source_id=source.id,
        route=p.route.name,
        transport=p.route.transport,
        endpoint=p.route.endpoint,
        target_format=target,
        schedule=queue.schedule_data(p.route),
        now=now,
    )
    event = repo.event_values(
        source.id, "translated", now, route=p.route.name, output=out_id, issues=len(p.issues)
    )
    return out_id, event


def _inherited(source: StoredMessage) -> Envelope:
    """Business keys an emitted FHIR Bundle shares with the message it came from (for search)."""
    e = source.envelope()
    return Envelope(
        msg_id=None,
        msg_type=e.msg_type,
        sender_her=e.sender_her,
        receiver_her=e.receiver_her,
        conversation_ref=e.conversation_ref,
        parent_ref=e.msg_id,
        patient_id=e.patient_id,
    )


def load(svc: Services, message_id: str) -> StoredMessage:
    with svc.reads.begin() as conn:  # a read: on SQLite it does not queue for the write lock
        return load_in(conn, message_id)


def load_pass(svc: Services, message_id: str) -> Pass:
    """A message and its stored bytes, in one read, for the stages (pruned bytes: ``read`` says so)."""
    with svc.reads.begin() as conn:  # a read: on SQLite it does not queue for the write lock
        found = repo.get_arrival(conn, message_id)
    if found is None:
        raise KeyError(message_id)
    return _pass(found)


def load_passes_in(conn: Connection, message_ids: list[str]) -> dict[str, Pass]:
    """``load_pass`` of several messages, in one read within the caller's transaction."""
    return {mid: _pass(found) for mid, found in repo.get_arrivals(conn, message_ids).items()}


def _pass(found: repo.Arrival) -> Pass:
    message, raw, received = found
    return Pass(message, raw=raw or b"", checked=_checked(received))


def load_in(conn: Connection, message_id: str) -> StoredMessage:
    message = repo.get_message(conn, message_id)
    if message is None:
        raise KeyError(message_id)
    return message


def load_raw(svc: Services, message_id: str) -> bytes:
    with svc.reads.begin() as conn:  # a read: on SQLite it does not queue for the write lock
        raw = repo.get_raw(conn, message_id)
    if raw is None:
        raise KeyError(message_id)
    return raw
