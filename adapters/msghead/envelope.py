"""Cheap envelope facts of a Hodemelding, read before (and without) a full parse.

Sender/receiver HER-ids are those of the actual communication party: level 2 (service or person)
where present, else level 1 (HIS 1153; messaging.md §3 addressing). Missing facts are None, so a
broken message can still be stored and indexed.
"""

from __future__ import annotations

from lxml import etree

from samband.adapters.kith.datatypes import child, children, text
from samband.adapters.kith.model import PERSON_IDENT_TYPES
from samband.adapters.msghead.model import MSGHEAD_NS, parse_datetime
from samband.adapters.msghead.parse import checked_msghead, unwrap_fellesformat
from samband.adapters.msghead.payloads import PAYLOADS
from samband.adapters.msghead.schema import content_elements
from samband.adapters.xml.safe import parse_xml, qname
from samband.kernel.envelope import Envelope

NS = MSGHEAD_NS


def read_envelope(raw: bytes) -> Envelope:
    """MsgId, Type, HER-ids, ConversationRef, patient FNR/DNR, payload namespace/version, GenDate."""
    return envelope_of(parse_xml(raw))


def envelope_of(document: etree._Element) -> Envelope:
    """``read_envelope`` of a document already parsed (``parse_xml``; the MsgHead may be inside NAV's
    EI_fellesformat wrapper); it is not changed."""
    root = checked_msghead(unwrap_fellesformat(document, "MsgHead"))
    info = child(root, NS, "MsgInfo")
    msg_type = child(info, NS, "Type")
    conversation = child(info, NS, "ConversationRef")
    namespace, version = _payload_facts(root)
    return Envelope(
        msg_id=text(info, NS, "MsgId"),
        msg_type=msg_type.get("V") if msg_type is not None else None,
        sender_her=_party_her(child(info, NS, "Sender")),
        receiver_her=_party_her(child(info, NS, "Receiver")),
        conversation_ref=text(conversation, NS, "RefToConversation"),
        parent_ref=text(conversation, NS, "RefToParent"),
        patient_id=_patient_id(child(info, NS, "Patient")),
        namespace=namespace,
        version=version,
        generated_at=parse_datetime(text(info, NS, "GenDate")),
    )


def her_of(element: etree._Element | None) -> str | None:
    for ident in children(element, NS, "Ident"):
        type_id = child(ident, NS, "TypeId")
        if type_id is not None and type_id.get("V") == "HER":
            return text(ident, NS, "Id")
    return None


def _party_her(party: etree._Element | None) -> str | None:
    return deepest_her(child(party, NS, "Organisation"))


def deepest_her(organisation: etree._Element | None) -> str | None:
    """Nested Organisation first (recursively), then HealthcareProfessional, then this level."""
    if organisation is None:
        return None
    nested = deepest_her(child(organisation, NS, "Organisation"))
    return nested or her_of(child(organisation, NS, "HealthcareProfessional")) or her_of(organisation)


def _patient_id(patient: etree._Element | None) -> str | None:
    for ident in children(patient, NS, "Ident"):
        type_id = child(ident, NS, "TypeId")
        if type_id is not None and type_id.get("V") in PERSON_IDENT_TYPES:
            return text(ident, NS, "Id")
    return None


def _payload_facts(root: etree._Element) -> tuple[str | None, str | None]:
    """Namespace of the first XML payload (Base64 attachments skipped) and its registered version."""
    for element in content_elements(root):
        namespace, _local = qname(element)
        if namespace == "http://www.kith.no/xmlstds/base64container":
            continue
        adapter = PAYLOADS.get(namespace)
        return namespace, adapter.version if adapter is not None else None
    return None, None
