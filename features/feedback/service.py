"""The feedback service: events in, decisions stored, GP messages composed, addressed and queued.

One transaction per batch of events: the event rows, the decisions, the digest items, the state and
the outbound messages with their deliveries commit together, so a crash repeats a batch whole or
not at all (events are keyed, a repeat is a no-op). Routing reuses the gateway's route table: the
feedback Hodemelding is matched as format ``msghead`` and queued like any outbound message.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection

from samband.adapters.msghead import ConversationRef, read_envelope
from samband.features.feedback import store, store_jobs
from samband.features.feedback.addressing import GpHint, resolve_gp
from samband.features.feedback.batching import DigestItem
from samband.features.feedback.compose import GpMessage, compose
from samband.features.feedback.engine import Action, Decision, decide
from samband.features.feedback.events import EventKind, FeedbackEvent
from samband.features.feedback.facts import CaseFacts, OrgParty
from samband.features.feedback.render import effective_channel, render
from samband.features.feedback.rules import RuleSet, load_rules
from samband.features.feedback.state import FeedbackState
from samband.features.feedback.texts import Texts, load_texts
from samband.gateway.nhn.failures import REGISTER, record_failure
from samband.gateway.runtime import Services
from samband.gateway.store import deliveries as queue
from samband.gateway.store import repository as repo
from samband.gateway.store.register_cache import writes_within
from samband.gateway.store.repository import Direction, Kind, Status
from samband.integrations.adresseregister import AddressRegistry
from samband.kernel.errors import GatewayError, NoRouteMatched

log = logging.getLogger(__name__)


def digest_item(d: Decision) -> DigestItem:
    """A minor event waiting for the daily digest."""
    return DigestItem(
        patient_id=d.event.patient_id,
        event_key=d.event.key,
        kind=d.event.kind,
        at=d.event.at,
        subject_id=d.event.subject_id,
        title=str(d.event.fact("title") or d.event.subject_id or ""),
        consent=d.rule.consent,
    )


@dataclass(frozen=True)
class Case:
    """What the service knows about the case while it handles events: facts, GP hints, the source."""

    facts: CaseFacts
    gp_hints: tuple[GpHint, ...] = ()
    source_message_id: str | None = None
    conversation: ConversationRef | None = None


_LOOKUP_FAILURES: ContextVar[list[GatewayError] | None] = ContextVar("gp_lookup_failures", default=None)


@dataclass
class FeedbackService:
    """Feedback for one running gateway: its rules, texts, Adresseregister and the store."""

    svc: Services
    rules: RuleSet = field(default_factory=load_rules)
    texts: Texts = field(default_factory=load_texts)
    registry: AddressRegistry | None = None

    def handle(self, events: list[FeedbackEvent], case: Case) -> list[str]:
        """Decide on ``events`` (one patient) and act on each decision; returns the decision ids."""
        if not events:
            return []
        now = self.svc.now()
        ids: list[str] = []
        with self.transaction() as conn:
            state = store.load_state(conn, events[0].patient_id)
            for event in events:
                event_id = store.insert_event(conn, event, now)
                if event_id is None:
                    continue  # the same event again: duplicate delivery, already handled
                state, decisions = decide(event, state, self.rules)
                for decision in decisions:
                    ids.append(self._act(conn, decision, event_id, state, case, now))
            if any(e.kind is EventKind.PLAN_CLOSED for e in events):
                store_jobs.drop_pending_digest(conn, events[0].patient_id, "plan-closed")
            store.save_state(conn, state, now)
        return ids

    def _act(
        self, conn: Connection, d: Decision, event_id: str, state: FeedbackState, case: Case, now: datetime
    ) -> str:
        base: dict[str, object] = {
            "event_id": event_id,
            "patient_id": d.event.patient_id,
            "rule_id": d.rule.id,
            "action": d.action,
        }
        if d.action is Action.SUPPRESS:
            return store.insert_decision(
                conn, now, **base, status="suppressed", reason=d.reason, detail=d.detail
            )
        if d.action is Action.DIGEST:
            decision_id = store.insert_decision(conn, now, **base, status="digested")
            store_jobs.add_digest_item(conn, digest_item(d))
            return decision_id
        message = compose(d, case.facts, self.texts, state.consent)
        if d.action is Action.TASK:
            decision_id = store.insert_decision(
                conn, now, **base, status="task", heading=message.heading, text=message.text
            )
            store.alert(conn, d.event.patient_id, "coordinator-task", now, rule=d.rule.id, text=message.text)
            return decision_id
        return self.send(conn, message, state, case, now, base)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction that may look up the GP's address: the register's answers are kept
        through it (``writes_within``: on SQLite a second writer would wait for it), and the
        register failing is recorded for the ``adresseregister-unreachable`` alert once it ended."""
        failures: list[GatewayError] = []
        token = _LOOKUP_FAILURES.set(failures)
        try:
            with self.svc.engine.begin() as conn, writes_within(conn):
                yield conn
        finally:
            _LOOKUP_FAILURES.reset(token)
            for error in failures:
                record_failure(self.svc, "looking up the GP for feedback", error, route=REGISTER)

    def gp_address(self, state: FeedbackState, case: Case) -> OrgParty | None:
        """Inside ``transaction()``, as every caller holds the feedback's write transaction."""
        hints = list(case.gp_hints)
        if state.gp_her:
            hints.insert(0, GpHint(her_id=state.gp_her, source="referral"))
        return resolve_gp(hints, self.registry, _LOOKUP_FAILURES.get())

    def send(
        self,
        conn: Connection,
        message: GpMessage,
        state: FeedbackState,
        case: Case,
        now: datetime,
        base: dict[str, object],
    ) -> str:
        """Address, render and queue one GP message; without an address it waits as a draft."""
        gp = self.gp_address(state, case)
        common = {
            **base,
            "channel": effective_channel(message),
            "heading": message.heading,
            "text": message.text,
        }
        if gp is None:
            store.alert(conn, message.patient_id, "no-gp-address", now, rule=message.rule_id)
            return store.insert_decision(conn, now, **common, status="waiting", draft=message)
        if gp.communication_her in state.blocked_gps or gp.her_id in state.blocked_gps:
            return store.insert_decision(
                conn, now, **common, status="suppressed", reason="gp-blocked", gp_her=gp.communication_her
            )
        facts = dataclasses.replace(case.facts, gp=gp)
        rendered = render(message, facts, self.svc.context(), case.conversation)
        out_id, status = self.queue_message(conn, rendered.xml, case.source_message_id, now)
        decision_id = store.insert_decision(
            conn,
            now,
            **common,
            status=status,
            gp_her=rendered.receiver_her,
            message_id=out_id,
            msg_id=rendered.msg_id,
            draft=message,
            attempts=1,
        )
        if status == "no-route":
            store.alert(
                conn, message.patient_id, "no-route", now, msg_id=rendered.msg_id, gp=gp.communication_her
            )
        return decision_id

    def queue_message(
        self, conn: Connection, xml: bytes, source_id: str | None, now: datetime
    ) -> tuple[str, str]:
        """Store the Hodemelding as an outbound message and queue it on the routes that take it."""
        envelope = read_envelope(xml)
        try:
            routes = self.svc.routes.match(envelope, "msghead", direction=Direction.OUTBOUND)
        except NoRouteMatched:
            routes = []
        out_id = repo.insert_message(
            conn,
            raw=xml,
            direction=Direction.OUTBOUND,
            kind=Kind.FEEDBACK,
            status=Status.PENDING if routes else Status.STORED,
            now=now,
            content_type="application/xml",
            format="msghead",
            envelope=envelope,
            source_id=source_id,
            route=routes[0].name if routes else None,
        )
        repo.add_event(conn, out_id, "feedback.composed", now, msg_type=envelope.msg_type)
        for r in routes:
            queue.enqueue(
                conn,
                message_id=out_id,
                source_id=source_id or out_id,
                route=r.name,
                transport=r.transport,
                endpoint=r.endpoint,
                target_format="as-is",
                schedule=queue.schedule_data(r),
                now=now,
            )
        return out_id, ("queued" if routes else "no-route")
