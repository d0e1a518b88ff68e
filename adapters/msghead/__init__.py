"""Hodemelding (MsgHead 1.2): typed model, tolerant parse, strict serialize, envelope, validation.

Leaf modules (kith, model, parts) are imported before those that reach the payload registry, so
payload packages may import ``adapters.msghead.model`` without an import cycle.
"""

from adapters.msghead.kith import Code
from adapters.msghead.model import (
    BASE64_NS,
    MIG_VERSION,
    MSGHEAD_NS,
    Address,
    Attachment,
    ConversationRef,
    Document,
    HealthcareProfessional,
    Ident,
    MsgHead,
    MsgInfo,
    Organisation,
    OtherReceiver,
    Party,
    Patient,
    Payload,
    RefDoc,
    TeleCom,
)
from adapters.msghead.payloads import PAYLOADS, PayloadAdapter, parse_payload, payload_element, to_payload

__all__ = [
    "BASE64_NS",
    "MIG_VERSION",
    "MSGHEAD_NS",
    "PAYLOADS",
    "Address",
    "Attachment",
    "Code",
    "ConversationRef",
    "Document",
    "HealthcareProfessional",
    "Ident",
    "MsgHead",
    "MsgInfo",
    "Organisation",
    "OtherReceiver",
    "Party",
    "Patient",
    "Payload",
    "PayloadAdapter",
    "RefDoc",
    "TeleCom",
    "parse_payload",
    "payload_element",
    "to_payload",
]
