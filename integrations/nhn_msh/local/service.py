"""What the local message service keeps: messages between the HER-ids it hosts, statuses, AppRecs.

A Hodemelding sent with ``POST /Messages`` is read for its sender, receiver and copy receivers
(``ReceiverHerIdsSubset`` narrows them); each receiver gets its own unread entry with its own id.
The sender's id answers ``/status`` (``Unconfirmed`` until the receiver fetched the document, then
``Acknowledged``) and ``/apprec``. An AppRec comes back either made by the service
(``POST /Messages/{id}/apprec/{herId}`` on the received entry) or as an AppRec business document
whose OriginalMsgId names the message; either way it is recorded for that receiver and lands in
the original sender's unread list (``isAppRec``). Each refusal is an ``ApiError`` with the
``ErrorMessage`` the real service would answer.
"""

from __future__ import annotations

import base64
import binascii
import threading
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from samband.adapters.apprec import (
    build_apprec,
    original_facts,
    parse_apprec,
    read_envelope,
    serialize_apprec,
)
from samband.adapters.apprec.codes import error_code
from samband.adapters.msghead.envelope import read_envelope as read_msghead
from samband.adapters.msghead.lineage import read_lineage
from samband.adapters.sniff import is_apprec, sniff
from samband.integrations.nhn_msh.models import AppRecStatus, DeliveryState
from samband.kernel.errors import GatewayError


class ApiError(Exception):
    """A refusal as the service answers it: status and ``ErrorMessage``."""

    def __init__(self, status: int, error: str, validation_errors: Sequence[str] | None = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.validation_errors = list(validation_errors) if validation_errors else None


def forbidden(her_ids: Collection[int]) -> ApiError:
    return ApiError(403, f"Not authorized for HerId(s): {', '.join(str(h) for h in sorted(her_ids))}")


@dataclass
class Receipt:
    """One receiver of a sent message: its entry, transport state and AppRec."""

    entry_id: str
    state: DeliveryState = DeliveryState.UNCONFIRMED
    apprec: AppRecStatus | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Sent:
    """A business document as sent: the sender's id answers status and AppRec look-ups."""

    id: str
    sender: int
    document: bytes
    msg_id: str | None
    gen_date: str
    is_apprec: bool
    receivers: dict[int, Receipt]


@dataclass
class Entry:
    """A sent document in one receiver's list; ``read`` once marked read."""

    id: str
    sent: Sent
    receiver: int
    read: bool = False

    def as_json(self, metadata: bool = True) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "receiverHerId": self.receiver}
        if metadata:
            body.update(
                contentType="application/xml",
                senderHerId=self.sent.sender,
                businessDocumentId=self.sent.msg_id,
                businessDocumentGenDate=self.sent.gen_date,
                isAppRec=self.sent.is_apprec,
            )
        return body


@dataclass(frozen=True)
class Addressed:
    sender: int
    receivers: tuple[int, ...]
    copies: frozenset[int]
    msg_id: str | None
    original: str | None  # an AppRec's OriginalMsgId


class MessageService:
    """The service's state; thread-safe."""

    def __init__(self, her_ids: Collection[int]) -> None:
        self.hosted = frozenset(her_ids)
        self.sent: dict[str, Sent] = {}
        self.entries: dict[str, Entry] = {}
        self._lock = threading.RLock()

    # -- sending -------------------------------------------------------------------------------

    def post_message(self, allowed: frozenset[int], body: Mapping[str, Any]) -> str:
        document = _decoded(body)
        facts = _addressed(document)
        if facts.sender not in allowed or facts.sender not in self.hosted:
            raise forbidden([facts.sender])
        receivers = facts.receivers
        subset = body.get("receiverHerIdsSubset")
        if subset:
            outside = sorted(set(subset) - set(receivers))
            if outside:
                raise ApiError(
                    400,
                    "Model validation error occurred",
                    [f"ReceiverHerIdsSubset {outside} are not receivers of the business document"],
                )
            receivers = tuple(her for her in receivers if her in subset)
        unknown = [her for her in receivers if her not in self.hosted]
        if unknown:
            raise ApiError(
                400,
                "Model validation error occurred",
                [f"Receiver HER-id {her} is not served by this message service" for her in unknown],
            )
        with self._lock:
            sent = self._deliver(facts.sender, document, facts.msg_id, facts.original is not None, receivers)
            if facts.original is not None:
                self._record_apprec_document(facts, document)
        return sent.id

    def _deliver(
        self, sender: int, document: bytes, msg_id: str | None, is_apprec: bool, receivers: Sequence[int]
    ) -> Sent:
        gen_date = datetime.now(UTC).isoformat()
        sent = Sent(str(uuid.uuid4()), sender, document, msg_id, gen_date, is_apprec, {})
        for her in receivers:
            entry = Entry(str(uuid.uuid4()), sent, her)
            sent.receivers[her] = Receipt(entry.id)
            self.entries[entry.id] = entry
        self.sent[sent.id] = sent
        return sent

    def _record_apprec_document(self, facts: Addressed, document: bytes) -> None:
        """An AppRec sent as a business document: recorded on the message its OriginalMsgId names."""
        apprec = parse_apprec(document)
        code = apprec.status.v or ""
        status = AppRecStatus.of_code(code) if code in {"1", "2", "3"} else None
        errors = [{"errorCode": e.v, "details": e.ot or e.dn or ""} for e in apprec.errors]
        for sent in self.sent.values():
            receipt = sent.receivers.get(facts.sender)
            if sent.msg_id == facts.original and receipt is not None and not sent.is_apprec:
                receipt.apprec, receipt.errors = status, errors

    def post_apprec(
        self, allowed: frozenset[int], entry_id: str, her_id: int, body: Mapping[str, Any]
    ) -> str:
        """The service makes the AppRec for a received message and sends it to the sender."""
        with self._lock:
            entry = self._entry(entry_id)
            if her_id != entry.receiver:
                raise ApiError(
                    400,
                    "Model validation error occurred",
                    [f"appRecSenderHerId {her_id} is not the receiver ({entry.receiver}) of {entry_id}"],
                )
            if her_id not in allowed:
                raise forbidden([her_id])
            status = AppRecStatus(body["appRecStatus"])
            errors = [dict(e) for e in body.get("appRecErrorList") or ()]
            receipt = entry.sent.receivers[her_id]
            receipt.apprec, receipt.errors = status, errors
            copy = her_id if her_id in _copies(entry.sent.document) else None
            codes = tuple(
                error_code(str(e.get("errorCode") or "X99"), e.get("details") or None) for e in errors
            )
            apprec = build_apprec(
                original_facts(entry.sent.document),
                status=status.code,
                errors=codes,
                answering_as=str(copy) if copy else None,
            )
            document = serialize_apprec(apprec)
            sent = self._deliver(her_id, document, apprec.id, True, [entry.sent.sender])
        return sent.id

    # -- receiving -----------------------------------------------------------------------------

    def unread(self, allowed: frozenset[int], query: Mapping[str, Any]) -> list[dict[str, Any]]:
        wanted = set(query["ReceiverHerIds"])
        if not wanted <= allowed:
            raise forbidden(wanted - allowed)
        sender, document_id = query.get("SenderHerId"), query.get("BusinessDocumentId")
        with self._lock:
            found = [
                entry
                for entry in self.entries.values()
                if entry.receiver in wanted
                and not entry.read
                and (sender is None or entry.sent.sender == sender)
                and (document_id is None or entry.sent.msg_id == document_id)
            ]
        found.sort(key=lambda e: e.sent.gen_date, reverse=query.get("OrderBy") == "Descending")
        limit = int(query.get("MessagesToFetch") or 10)
        metadata = bool(query.get("IncludeMetadata", False))
        return [entry.as_json(metadata) for entry in found[:limit]]

    def message(self, allowed: frozenset[int], message_id: str) -> dict[str, Any]:
        with self._lock:
            if message_id in self.entries:
                entry = self._entry(message_id, allowed)
                return entry.as_json()
            sent = self._sent(message_id, allowed)
            first = next(iter(sent.receivers), None)
            return Entry(sent.id, sent, first or sent.sender).as_json()

    def business_document(self, allowed: frozenset[int], entry_id: str) -> dict[str, Any]:
        with self._lock:
            entry = self._entry(entry_id, allowed)
            entry.sent.receivers[entry.receiver].state = DeliveryState.ACKNOWLEDGED
            document = entry.sent.document
        return {
            "businessDocument": base64.b64encode(document).decode("ascii"),
            "contentType": "application/xml",
            "contentTransferEncoding": "base64",
        }

    def mark_read(self, allowed: frozenset[int], entry_id: str, her_id: int) -> None:
        with self._lock:
            entry = self._entry(entry_id, allowed)
            if her_id != entry.receiver:
                raise ApiError(
                    400,
                    "Model validation error occurred",
                    [f"HER-id {her_id} is not the receiver of message {entry_id}"],
                )
            entry.read = True

    # -- follow-up -----------------------------------------------------------------------------

    def status(self, allowed: frozenset[int], sent_id: str) -> list[dict[str, Any]]:
        with self._lock:
            sent = self._sent(sent_id, allowed)
            return [
                {"receiverHerId": her, "transportDeliveryState": str(r.state), **_apprec_status(r)}
                for her, r in sent.receivers.items()
            ]

    def apprec_info(self, allowed: frozenset[int], sent_id: str) -> list[dict[str, Any]]:
        with self._lock:
            sent = self._sent(sent_id, allowed)
            return [
                {"receiverHerId": her, **_apprec_status(r), "appRecErrorList": [dict(e) for e in r.errors]}
                for her, r in sent.receivers.items()
            ]

    # -- look-ups ------------------------------------------------------------------------------

    def _entry(self, entry_id: str, allowed: frozenset[int] | None = None) -> Entry:
        entry = self.entries.get(entry_id)
        if entry is None:
            raise ApiError(404, "Could not find database document")
        if allowed is not None and entry.receiver not in allowed:
            raise forbidden([entry.receiver])
        return entry

    def _sent(self, sent_id: str, allowed: frozenset[int]) -> Sent:
        sent = self.sent.get(sent_id)
        if sent is None:
            raise ApiError(404, "Could not find database document")
        if sent.sender not in allowed:
            raise forbidden([sent.sender])
        return sent


def _apprec_status(receipt: Receipt) -> dict[str, str]:
    """``appRecStatus`` once there is one. The recorded service answers ``null`` before; the
    definition's ``nullable`` beside ``allOf`` does not allow null as openapi-core reads it, so the
    local service leaves the field out (the client reads both)."""
    return {"appRecStatus": str(receipt.apprec)} if receipt.apprec else {}


def _decoded(body: Mapping[str, Any]) -> bytes:
    if str(body.get("contentTransferEncoding", "")).lower() != "base64":
        raise ApiError(400, "Model validation error occurred", ["ContentTransferEncoding must be base64"])
    if str(body.get("contentType", "")).split(";")[0].strip().lower() not in {"application/xml", "text/xml"}:
        raise ApiError(400, "Model validation error occurred", ["ContentType must be application/xml"])
    try:
        return base64.b64decode(str(body["businessDocument"]), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(400, "Model validation error occurred", ["BusinessDocument is not base64"]) from exc


def _her(value: str | None, what: str) -> int:
    if not value or not value.isdigit():
        raise ApiError(
            400, "Model validation error occurred", [f"the business document names no {what} HER-id"]
        )
    return int(value)


def _addressed(document: bytes) -> Addressed:
    """Sender, receivers and MsgId of a Hodemelding or an AppRec; a 400 for anything else."""
    try:
        if is_apprec(sniff(document)):
            envelope = read_envelope(document)
            receiver = _her(envelope.receiver_her, "receiver")
            return Addressed(
                _her(envelope.sender_her, "sender"),
                (receiver,),
                frozenset(),
                envelope.msg_id,
                envelope.parent_ref or "",
            )
        envelope = read_msghead(document)
        lineage = read_lineage(document)
    except GatewayError as exc:
        raise ApiError(400, "Model validation error occurred", [f"BusinessDocument: {exc}"]) from exc
    main = _her(lineage.receiver.party or lineage.receiver.organisation, "receiver")
    copies = [_her(c.party or c.organisation, "copy receiver") for c in lineage.copies]
    receivers = tuple(dict.fromkeys([main, *copies]))
    return Addressed(_her(envelope.sender_her, "sender"), receivers, frozenset(copies), envelope.msg_id, None)


def _copies(document: bytes) -> frozenset[int]:
    try:
        return _addressed(document).copies
    except ApiError:
        return frozenset()
