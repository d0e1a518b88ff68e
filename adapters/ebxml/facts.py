"""Envelope facts of an ebXML message for the store, and the ebXML entry of the adapter registry.

``read_envelope`` reads only the SOAP header: CPAId, MessageId, ConversationId, HER-ids, Action.
"""

from __future__ import annotations

from samband.adapters.ebxml.mime import unpack
from samband.adapters.ebxml.model import EbxmlMessage
from samband.adapters.ebxml.names import EB_NS, EB_VERSION
from samband.adapters.ebxml.reader import message_from_tree, parse_ebxml
from samband.adapters.ebxml.signing import UNSIGNED, Signer
from samband.adapters.ebxml.writer import serialize_ebxml
from samband.adapters.xml.safe import parse_xml
from samband.kernel.envelope import Envelope
from samband.kernel.formats import Format


def envelope_of(message: EbxmlMessage) -> Envelope:
    """Envelope facts of a parsed message (HER-ids from PartyId type HER, type from eb:Action)."""
    head = message.header
    return Envelope(
        msg_id=None,
        msg_type=head.action,
        sender_her=head.from_party.her_id,
        receiver_her=head.to_party.her_id,
        namespace=EB_NS,
        version=EB_VERSION,
        cpa_id=head.cpa_id,
        ebxml_message_id=head.message_data.message_id,
        ebxml_conversation_id=head.conversation_id,
        generated_at=head.message_data.timestamp_utc,
    )


def read_envelope(raw: bytes, *, content_type: str | None = None) -> Envelope:
    """Envelope facts straight from bytes (bare envelope or MIME package); payloads not decoded."""
    unpacked = unpack(raw, content_type)
    return envelope_of(message_from_tree(parse_xml(unpacked.envelope)))


class EbxmlAdapter:
    """bytes ↔ ``EbxmlMessage`` for the adapter registry (``Format.EBXML``)."""

    format = Format.EBXML

    def __init__(self, signer: Signer = UNSIGNED) -> None:
        self.signer = signer

    def parse(self, raw: bytes) -> EbxmlMessage:
        return parse_ebxml(raw)

    def envelope(self, raw: bytes) -> Envelope:
        return read_envelope(raw)

    def serialize(self, native: EbxmlMessage) -> bytes:
        return serialize_ebxml(native, signer=self.signer)


ADAPTER = EbxmlAdapter()
