"""Shapes every adapter shares: the Format keys, the Envelope facts and the Adapter protocol.

Adapters turn bytes into a typed native model and back; the gateway reaches them only through the
dispatch tables in ``adapters/formats.py`` (plain dicts a reader can open).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeVar


class Format(StrEnum):
    """The external formats, used as registry keys and in route data."""

    EBXML = "ebxml"
    MSGHEAD = "msghead"
    APPREC = "apprec"
    DIALOGMELDING = "dialogmelding"
    PLO = "plo"
    FHIR = "fhir"
    IPLAN = "ip-export"


@dataclass(frozen=True)
class Envelope:
    """Transport and addressing facts of one message; never clinical content.

    Read cheaply from the Hodemelding (MsgInfo, Sender/Receiver HER-ids, Patient ident) or from the
    ebXML header (CPAId, ConversationId), before any full parse, so the store can index them.
    """

    msg_id: str | None
    msg_type: str | None
    sender_her: str | None = None
    receiver_her: str | None = None
    conversation_ref: str | None = None
    parent_ref: str | None = None
    patient_id: str | None = None
    namespace: str | None = None
    version: str | None = None
    cpa_id: str | None = None
    ebxml_message_id: str | None = None
    ebxml_conversation_id: str | None = None
    generated_at: datetime | None = None


Native = TypeVar("Native")
NativeIn = TypeVar("NativeIn", contravariant=True)
NativeOut = TypeVar("NativeOut", covariant=True)


class Adapter(Protocol[NativeOut]):
    """bytes ↔ typed model for one format. ``parse`` is tolerant, ``serialize`` strict."""

    format: Format

    def parse(self, raw: bytes) -> NativeOut: ...

    def envelope(self, raw: bytes) -> Envelope: ...


class Serializer(Protocol[NativeIn]):
    """The strict half of an adapter: never emits a document that fails its schema."""

    def serialize(self, native: NativeIn) -> bytes: ...
