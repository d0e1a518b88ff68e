"""The inbound poller: the gateway receives for its own HER-ids from NHN's message service.

Each look runs once across all workers (the job lease ``nhn-inbound``, ``store/jobs.py``):

    GET /Messages?ReceiverHerIds=…          the unread messages, oldest first
    GET /Messages/{id}/business-document    unless the journal already knows the id
    store first                             the bytes and the journal row in one transaction
                                            (``pipeline.store_raw``, as ``POST /messages``), then
                                            the spine (``pipeline.process``)
    PUT /Messages/{id}/read/{herId}         only once the bytes are committed
    POST /Messages                          the gateway's AppRec for it, as a business document,
                                            once the spine produced it (after its destinations
                                            took the message)

A crash anywhere loses nothing and stores nothing twice: before the store the message is still
unread at the service and is fetched again; after it the journal (``store/nhn_inbound.py``) knows
the service's id, so the next look only marks it read; a message stored but not processed is taken
over by a worker as any received message; the AppRec is sent from the journal until it is recorded
as sent. Only a crash between sending the AppRec and recording it sends it again: the same document,
the same MsgId, which the receiver recognises as a repeat. docs/nhn.md, "Receiving".

Tests only: ``SAMBAND_TEST_NHN_CRASH_AT`` = ``fetched`` | ``stored`` | ``read`` | ``answered`` ends
the process hard (``os._exit``) right after that step.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from samband.gateway import pipeline
from samband.gateway.nhn.failures import record_failure
from samband.gateway.runtime import Services
from samband.gateway.store import nhn_inbound as journal
from samband.gateway.store import repository as repo
from samband.gateway.store.jobs import run_job
from samband.gateway.store.receipts import sent_receipt
from samband.gateway.store.repository import Kind, Status
from samband.integrations.nhn_msh import Message, MshClient, MshSettings
from samband.kernel.errors import GatewayError

log = logging.getLogger(__name__)

JOB = "nhn-inbound"

CRASH_VARIABLE = "SAMBAND_TEST_NHN_CRASH_AT"
STEPS = ("fetched", "stored", "read", "answered")
WAITING = frozenset({Status.RECEIVED, Status.HELD, Status.ROUTED, Status.FAILED})
"""A message in these states may still get its AppRec (FAILED: an operator may deliver it again)."""


class Reply(StrEnum):
    WAIT = "wait"  # no AppRec yet; looked at again at the next look
    NONE = "none"  # none will come (an AppRec received, a refusal that names no sender …)


class NhnPoller:
    """One worker's share of the poller; ``run_due`` is called from the worker's loop."""

    def __init__(
        self, svc: Services, settings: MshSettings, owner: str, client: MshClient | None = None
    ) -> None:
        self.svc = svc
        self.owner = owner
        self.her_ids = list(svc.settings.nhn_receiver_her_ids)
        self.client = client or MshClient(settings)
        self.crash_at = os.environ.get(CRASH_VARIABLE)
        self._next: datetime | None = None

    @classmethod
    def configured(cls, svc: Services, owner: str) -> NhnPoller | None:
        """The poller when ``SAMBAND_NHN_RECEIVER_HER_IDS`` is set, else None."""
        settings = svc.settings.nhn_msh()
        return None if settings is None else cls(svc, settings, owner)

    def run_due(self) -> None:
        """A look when this worker's interval has passed and no other worker holds the lease."""
        now, every = self.svc.now(), self.svc.settings.nhn_poll_seconds
        if self._next is not None and now < self._next:
            return
        self._next = now + timedelta(seconds=every)
        run_job(self.svc, JOB, self.owner, every, self.run_once)

    def run_once(self) -> int:
        """One look: take the unread messages, then send the AppRecs that are ready; how many taken.

        A full page wholly taken is followed by the next at once, for at most one poll interval
        (the lease's length), so a burst is not read one page per interval."""
        s = self.svc.settings
        until = time.monotonic() + s.nhn_poll_seconds
        total = 0
        while True:
            taken = self.poll()
            self.answer()
            total += taken
            if taken < s.nhn_poll_batch or time.monotonic() >= until:
                return total

    # -- receiving -----------------------------------------------------------------------------

    def poll(self) -> int:
        try:
            listed = self.client.unread(self.her_ids, limit=self.svc.settings.nhn_poll_batch)
        except GatewayError as error:
            self.failed("listing unread messages", error)
            return 0
        taken = 0
        for message in listed:
            try:
                self.take(message)
                taken += 1
            except GatewayError as error:  # it stays unread; the next look takes it again
                self.failed(f"taking message {message.id}", error)
            except Exception:  # a bug or a store fault for one message never stops the others
                log.exception("NHN message %s not taken this look", message.id)
        return taken

    def take(self, message: Message) -> None:
        """Store ``message`` unless the journal knows it, then mark it read at the service."""
        her = self.receiver_of(message)
        with self.svc.engine.begin() as conn:
            known = journal.get(conn, message.id)
        if known is None and not self.store(message, her):
            return
        self.client.mark_read(message.id, her)
        with self.svc.engine.begin() as conn:
            journal.mark_read(conn, message.id, self.svc.now())
        self.crash("read")

    def store(self, message: Message, her: int) -> bool:
        """Fetch, store first (bytes and journal row together), then the spine; False when another
        worker stored it first."""
        document = self.client.business_document(message.id)
        self.crash("fetched")

        def record(conn: Connection, message_id: str) -> None:
            journal.record(
                conn,
                message.id,
                message_id,
                self.svc.now(),
                receiver_her=her,
                sender_her=message.sender_her_id,
                msg_id=message.business_document_id,
            )

        try:
            stored = pipeline.store_raw(
                self.svc,
                document.content,
                document.content_type,
                Kind.MESSAGE,
                within=record,
                channel="nhn-msh",
                nhn_id=message.id,
                receiver_her=str(her),
            )
        except IntegrityError:
            log.info("NHN message %s was stored by another worker", message.id)
            return False
        self.crash("stored")
        pipeline.process(self.svc, stored)
        return True

    def receiver_of(self, message: Message) -> int:
        if message.receiver_her_id is not None:
            return int(message.receiver_her_id)
        return self.her_ids[0]  # the service lists metadata when asked; one HER-id then

    # -- answering -----------------------------------------------------------------------------

    def answer(self) -> None:
        """Send each AppRec that is ready for a message taken and marked read."""
        with self.svc.engine.begin() as conn:
            due = journal.unanswered(conn, self.svc.now(), self.svc.settings.nhn_poll_batch)
        for taken in due:
            try:
                self.answer_one(taken)
            except GatewayError as error:  # held until the claim runs out, then sent again
                self.failed(f"answering message {taken.nhn_id}", error)
            except Exception:
                log.exception("AppRec for NHN message %s not sent", taken.nhn_id)

    def answer_one(self, taken: journal.Taken) -> None:
        s, now = self.svc.settings, self.svc.now()
        with self.svc.engine.begin() as conn:
            reply = reply_for(conn, taken.message_id)
            hold = s.nhn_poll_seconds if reply is Reply.WAIT else s.lease_seconds
            if not journal.claim(conn, taken.nhn_id, now, now + timedelta(seconds=hold)):
                return
            if reply is Reply.NONE:
                journal.answered(conn, taken.nhn_id, now, None, None)
        if isinstance(reply, Reply):
            return
        apprec_id, raw, answered = reply
        nhn_apprec = self.client.send(raw)
        self.crash("answered")
        now = self.svc.now()
        with self.svc.engine.begin() as conn:
            journal.answered(conn, taken.nhn_id, now, apprec_id, nhn_apprec)
            repo.update_message(conn, apprec_id, now, status=Status.DELIVERED)
            repo.add_event(
                conn, answered, "apprec.sent", now, apprec=apprec_id, channel="nhn-msh", nhn_id=nhn_apprec
            )

    def failed(self, doing: str, error: GatewayError) -> None:
        """Logged, and kept for the ``nhn-unreachable`` alert when the service or HelseID failed."""
        record_failure(self.svc, doing, error)

    # -- the test hook -------------------------------------------------------------------------

    def crash(self, step: str) -> None:
        if self.crash_at == step:
            log.critical("%s=%s: ending the process after that step", CRASH_VARIABLE, step)
            logging.shutdown()
            os._exit(70)

    def close(self) -> None:
        self.client.close()


def reply_for(conn: Connection, message_id: str) -> tuple[str, bytes, str] | Reply:
    """The AppRec the gateway produced for the stored message ``message_id`` (for a repeat: the one
    produced for its original, sent again), as (AppRec id, bytes, the message it answers)."""
    message = repo.get_message(conn, message_id)
    if message is not None and message.status == Status.DUPLICATE and message.source_id:
        message = repo.get_message(conn, message.source_id)
    if message is None:
        return Reply.NONE
    receipt = sent_receipt(conn, message.id)
    if receipt is not None:
        try:
            raw = repo.get_raw(conn, receipt["apprec_id"])
        except GatewayError:  # pruned by the retention: nothing left to send
            return Reply.NONE
        return (receipt["apprec_id"], raw, message.id) if raw else Reply.NONE
    return Reply.WAIT if message.status in WAITING else Reply.NONE
