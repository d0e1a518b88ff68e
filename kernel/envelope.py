"""The Envelope: transport and addressing facts of one message, read before any full parse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
