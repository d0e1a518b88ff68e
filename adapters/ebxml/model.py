"""Typed model of one ebMS 2.0 message: SOAP header, signals, Manifest and the MIME payload parts.

Mirrors ``msg-header-2_0.xsd`` as profiled by HIS 1037 / HITS 1171. Values keep their lexical form
(timestamps as sent) so a parsed message serializes back to the same facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from samband.adapters.ebxml.names import (
    ACTION_ACKNOWLEDGMENT,
    ACTION_MESSAGE_ERROR,
    MSH_SERVICE,
    PARTY_HER,
    SIGNAL_ACTIONS,
)


class MessageKind(StrEnum):
    """What a message is to the MSH: a business message or one of the two signals."""

    BUSINESS = "business"
    ACKNOWLEDGMENT = "acknowledgment"
    MESSAGE_ERROR = "message-error"


@dataclass(frozen=True)
class PartyId:
    """eb:PartyId with @eb:type (``HER``, ``ENH``, ``orgnummer``)."""

    value: str
    type: str | None = None


@dataclass(frozen=True)
class Party:
    """eb:From / eb:To: one party, possibly named by several PartyId types, and its eb:Role."""

    party_ids: tuple[PartyId, ...]
    role: str | None = None

    def id_of_type(self, party_type: str) -> str | None:
        return next((p.value for p in self.party_ids if p.type == party_type), None)

    @property
    def her_id(self) -> str | None:
        """The HER-id (PartyId type HER), the address the Norwegian profile uses."""
        return self.id_of_type(PARTY_HER)


@dataclass(frozen=True)
class Service:
    """eb:Service with its optional @eb:type (NHN CPAs say ``string``)."""

    value: str
    type: str | None = None


@dataclass(frozen=True)
class Description:
    """eb:Description with its required @xml:lang."""

    text: str
    lang: str


@dataclass(frozen=True)
class MessageData:
    """eb:MessageData: MessageId, Timestamp, RefToMessageId, TimeToLive (lexical dateTime)."""

    message_id: str
    timestamp: str
    ref_to_message_id: str | None = None
    time_to_live: str | None = None

    @property
    def timestamp_utc(self) -> datetime | None:
        return parse_timestamp(self.timestamp)


@dataclass(frozen=True)
class MessageHeader:
    """eb:MessageHeader (ebMS 2.0 §3.1)."""

    from_party: Party
    to_party: Party
    cpa_id: str
    conversation_id: str
    service: Service
    action: str
    message_data: MessageData
    duplicate_elimination: bool = False
    descriptions: tuple[Description, ...] = ()


@dataclass(frozen=True)
class AckRequested:
    """eb:AckRequested (ebMS 2.0 §6.3.1); Norway asks for a signed ack (HITS 1171)."""

    signed: bool = True
    actor: str | None = None


@dataclass(frozen=True)
class Acknowledgment:
    """eb:Acknowledgment (ebMS 2.0 §6.3.2) with the copied ds:Reference elements kept verbatim."""

    timestamp: str
    ref_to_message_id: str
    from_party: Party | None = None
    references: tuple[bytes, ...] = ()
    actor: str | None = None


@dataclass(frozen=True)
class ErrorDetail:
    """One eb:Error (ebMS 2.0 §4.2.3.4)."""

    error_code: str
    severity: str
    location: str | None = None
    description: Description | None = None
    error_id: str | None = None
    code_context: str | None = None


@dataclass(frozen=True)
class ErrorList:
    """eb:ErrorList with @highestSeverity."""

    highest_severity: str
    errors: tuple[ErrorDetail, ...]


@dataclass(frozen=True)
class SchemaRef:
    """eb:Reference/eb:Schema: location and version of the payload schema."""

    location: str
    version: str | None = None


@dataclass(frozen=True)
class ManifestReference:
    """eb:Manifest/eb:Reference: @xlink:href (``cid:`` of a payload part), role, schema, text."""

    href: str
    role: str | None = None
    ref_id: str | None = None
    schemas: tuple[SchemaRef, ...] = ()
    descriptions: tuple[Description, ...] = ()

    @property
    def content_id(self) -> str | None:
        """The Content-ID this reference points at, without ``cid:`` and angle brackets."""
        if not self.href.lower().startswith("cid:"):
            return None
        return bare_content_id(self.href[4:])


@dataclass(frozen=True)
class Payload:
    """One MIME payload part, decoded to bytes (HIS 1037 §8.1: the CMS-enveloped business XML)."""

    content_id: str
    content_type: str
    data: bytes
    transfer_encoding: str = "base64"
    disposition: str | None = None


@dataclass(frozen=True)
class EbxmlMessage:
    """A whole ebXML message: header, signals, Manifest, the received signature and payload parts.

    ``signature`` is the received ds:Signature as bytes. It covers only the bytes it came in, so it
    is never re-emitted; a ``Signer`` produces the signature of what the gateway sends.
    ``other_header`` / ``other_body`` keep header and body children this model has no field for.
    """

    header: MessageHeader
    ack_requested: AckRequested | None = None
    acknowledgment: Acknowledgment | None = None
    error_list: ErrorList | None = None
    sync_reply_actor: str | None = None
    manifest: tuple[ManifestReference, ...] = ()
    signature: bytes | None = None
    payloads: tuple[Payload, ...] = ()
    other_header: tuple[bytes, ...] = ()
    other_body: tuple[bytes, ...] = ()

    @property
    def kind(self) -> MessageKind:
        if self.error_list is not None or self.header.action == ACTION_MESSAGE_ERROR:
            return MessageKind.MESSAGE_ERROR
        if self.acknowledgment is not None or self.header.action == ACTION_ACKNOWLEDGMENT:
            return MessageKind.ACKNOWLEDGMENT
        return MessageKind.BUSINESS

    @property
    def is_signal(self) -> bool:
        return self.header.service.value == MSH_SERVICE or self.header.action in SIGNAL_ACTIONS

    @property
    def message_id(self) -> str:
        return self.header.message_data.message_id

    def payload(self, content_id: str) -> Payload | None:
        wanted = bare_content_id(content_id)
        return next((p for p in self.payloads if p.content_id == wanted), None)


def bare_content_id(value: str) -> str:
    """A Content-ID without surrounding whitespace and angle brackets (RFC 2392)."""
    return value.strip().removeprefix("<").removesuffix(">").strip()


_FRACTION = re.compile(r"(\.\d{1,6})\d*")


def parse_timestamp(value: str) -> datetime | None:
    """xs:dateTime → aware UTC datetime; a missing zone is read as UTC; None when unreadable."""
    text = _FRACTION.sub(r"\1", value.strip()).replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def format_timestamp(value: datetime) -> str:
    """Aware datetime → xs:dateTime in UTC with ``Z`` (HITS 1171: UTC or with offset)."""
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    text = moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds")
    return text.replace("+00:00", "Z")
