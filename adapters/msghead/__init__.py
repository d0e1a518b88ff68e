"""Hodemelding (MsgHead 1.2): typed model, tolerant parse, strict serialize, envelope, validation.

The parties (Ident, Address, TeleCom, Person, HealthcareProfessional, Organisation) and ``Code`` are
the KITH shared types of ``adapters.kith``, exported here as the Hodemelding's own. Leaf modules
(model) are imported before those that reach the payload registry, so payload packages may import
``adapters.msghead.model`` without an import cycle.
"""

from samband.adapters.kith.datatypes import Code
from samband.adapters.kith.model import Address, HealthcareProfessional, Ident, Organisation, Person, TeleCom
from samband.adapters.msghead.adapter import MSGHEAD_ADAPTER, MsgHeadAdapter
from samband.adapters.msghead.build import attachment_document, build_msghead, reply_conversation
from samband.adapters.msghead.envelope import envelope_of, read_envelope
from samband.adapters.msghead.model import (
    BASE64_NS,
    MIG_VERSION,
    MSGHEAD_NS,
    Attachment,
    ConversationRef,
    Document,
    MsgHead,
    MsgInfo,
    OtherReceiver,
    Party,
    Payload,
    RefDoc,
)
from samband.adapters.msghead.parse import parse_msghead
from samband.adapters.msghead.payloads import (
    PAYLOADS,
    PayloadAdapter,
    parse_payload,
    payload_element,
    to_payload,
)
from samband.adapters.msghead.serialize import serialize_msghead
from samband.adapters.msghead.validate import (
    accept_msghead,
    rejection_for,
    validate_document,
    validate_msghead,
)

__all__ = [
    "BASE64_NS",
    "MIG_VERSION",
    "MSGHEAD_ADAPTER",
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
    "MsgHeadAdapter",
    "MsgInfo",
    "Organisation",
    "OtherReceiver",
    "Party",
    "Person",
    "Payload",
    "PayloadAdapter",
    "RefDoc",
    "TeleCom",
    "accept_msghead",
    "envelope_of",
    "attachment_document",
    "build_msghead",
    "parse_msghead",
    "parse_payload",
    "payload_element",
    "read_envelope",
    "rejection_for",
    "reply_conversation",
    "serialize_msghead",
    "to_payload",
    "validate_document",
    "validate_msghead",
]
