"""Write ``EbxmlMessage`` as a SOAP envelope and as a MIME package, strictly.

Every envelope is validated against the official ``msg-header-2_0.xsd`` before it leaves; an
invalid one raises ``SchemaInvalid`` instead of being sent. Always ``SOAP:mustUnderstand="1"``.
"""

from __future__ import annotations

import uuid
from typing import NamedTuple

from lxml import etree

from samband.adapters.ebxml.model import (
    Acknowledgment,
    Description,
    EbxmlMessage,
    ErrorList,
    ManifestReference,
    MessageHeader,
    Party,
)
from samband.adapters.ebxml.names import DS_NS, EB_NS, EB_VERSION, NSMAP, SOAP_NS, XLINK_NS, XML_NS
from samband.adapters.ebxml.packaging import build_package
from samband.adapters.ebxml.signing import UNSIGNED, Signer
from samband.adapters.xml.safe import parse_xml
from samband.adapters.xml.schemas import compiled_schema, xsd_findings
from samband.kernel.errors import SchemaInvalid

_SCHEMA_NAMESPACES = (SOAP_NS, EB_NS, DS_NS, XLINK_NS, XML_NS)
_MUST_UNDERSTAND = f"{{{SOAP_NS}}}mustUnderstand"
_ACTOR = f"{{{SOAP_NS}}}actor"


class Package(NamedTuple):
    """A MIME multipart/related package: the Content-Type header, the body, all headers to send."""

    content_type: str
    body: bytes
    headers: dict[str, str]

    def as_mime_bytes(self) -> bytes:
        """Headers and body in one document, as the package travels by SMTP or lies in a file."""
        head = "".join(f"{name}: {value}\r\n" for name, value in self.headers.items())
        return head.encode("latin-1") + b"\r\n" + self.body


class _Fragments:
    """Opaque fragments are spliced in as bytes after serialization, so their own namespace
    declarations (e.g. ``SOAP-ENV`` used inside an XPath transform) survive unchanged."""

    def __init__(self) -> None:
        self.nonce = uuid.uuid4().hex
        self.items: list[bytes] = []

    def mark(self, parent: etree._Element, fragment: bytes) -> None:
        """Reserve a place; the fragment must be one well-formed element (checked, re-serialized)."""
        parent.append(etree.Comment(f"fragment-{self.nonce}-{len(self.items)}"))
        self.items.append(bytes(etree.tostring(parse_xml(fragment), encoding="utf-8")))

    def splice(self, document: bytes) -> bytes:
        for index, fragment in enumerate(self.items):
            document = document.replace(f"<!--fragment-{self.nonce}-{index}-->".encode(), fragment, 1)
        return document


def _eb(parent: etree._Element, name: str, text: str | None = None, **attrs: str | None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{EB_NS}}}{name}")
    for key, value in attrs.items():
        if value is not None:
            element.set(key if key.startswith("{") else f"{{{EB_NS}}}{key}", value)
    if text is not None:
        element.text = text
    return element


def _header_block(parent: etree._Element, name: str, **attrs: str | None) -> etree._Element:
    """A SOAP header entry: eb:version="2.0" and SOAP:mustUnderstand="1" (HIS 1037 §6)."""
    return _eb(parent, name, version=EB_VERSION, **{_MUST_UNDERSTAND: "1"}, **attrs)


def _descriptions(parent: etree._Element, descriptions: tuple[Description, ...]) -> None:
    for description in descriptions:
        _eb(parent, "Description", description.text, **{f"{{{XML_NS}}}lang": description.lang})


def _party(parent: etree._Element, name: str, party: Party) -> None:
    element = _eb(parent, name)
    for party_id in party.party_ids:
        _eb(element, "PartyId", party_id.value, type=party_id.type)
    if party.role is not None:
        _eb(element, "Role", party.role)


def _message_header(parent: etree._Element, header: MessageHeader) -> None:
    element = _header_block(parent, "MessageHeader")
    _party(element, "From", header.from_party)
    _party(element, "To", header.to_party)
    _eb(element, "CPAId", header.cpa_id)
    _eb(element, "ConversationId", header.conversation_id)
    _eb(element, "Service", header.service.value, type=header.service.type)
    _eb(element, "Action", header.action)
    data = _eb(element, "MessageData")
    _eb(data, "MessageId", header.message_data.message_id)
    _eb(data, "Timestamp", header.message_data.timestamp)
    if header.message_data.ref_to_message_id is not None:
        _eb(data, "RefToMessageId", header.message_data.ref_to_message_id)
    if header.message_data.time_to_live is not None:
        _eb(data, "TimeToLive", header.message_data.time_to_live)
    if header.duplicate_elimination:
        _eb(element, "DuplicateElimination")
    _descriptions(element, header.descriptions)


def _acknowledgment(parent: etree._Element, ack: Acknowledgment, fragments: _Fragments) -> None:
    element = _header_block(parent, "Acknowledgment", **{_ACTOR: ack.actor})
    _eb(element, "Timestamp", ack.timestamp)
    _eb(element, "RefToMessageId", ack.ref_to_message_id)
    if ack.from_party is not None:
        _party(element, "From", ack.from_party)
    for reference in ack.references:
        fragments.mark(element, reference)


def _error_list(parent: etree._Element, errors: ErrorList) -> None:
    element = _header_block(parent, "ErrorList", highestSeverity=errors.highest_severity)
    for error in errors.errors:
        node = _eb(
            element,
            "Error",
            id=error.error_id,
            codeContext=error.code_context,
            errorCode=error.error_code,
            severity=error.severity,
            location=error.location,
        )
        if error.description is not None:
            _descriptions(node, (error.description,))


def _manifest(parent: etree._Element, references: tuple[ManifestReference, ...]) -> None:
    element = _eb(parent, "Manifest", version=EB_VERSION)
    for reference in references:
        node = _eb(
            element,
            "Reference",
            id=reference.ref_id,
            **{f"{{{XLINK_NS}}}href": reference.href, f"{{{XLINK_NS}}}type": "simple"},
            **{f"{{{XLINK_NS}}}role": reference.role},
        )
        for schema in reference.schemas:
            _eb(node, "Schema", location=schema.location, version=schema.version)
        _descriptions(node, reference.descriptions)


def _header(root: etree._Element, message: EbxmlMessage, fragments: _Fragments) -> None:
    header = etree.SubElement(root, f"{{{SOAP_NS}}}Header")
    _message_header(header, message.header)
    if message.ack_requested is not None:
        ack = message.ack_requested
        _header_block(header, "AckRequested", signed="true" if ack.signed else "false", **{_ACTOR: ack.actor})
    if message.acknowledgment is not None:
        _acknowledgment(header, message.acknowledgment, fragments)
    if message.error_list is not None:
        _error_list(header, message.error_list)
    if message.sync_reply_actor is not None:
        _header_block(header, "SyncReply", **{_ACTOR: message.sync_reply_actor})
    for fragment in message.other_header:
        fragments.mark(header, fragment)


def render_envelope(message: EbxmlMessage) -> bytes:
    """The SOAP envelope of ``message`` as UTF-8 bytes (unsigned, not yet validated)."""
    fragments = _Fragments()
    root = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap=NSMAP)
    _header(root, message, fragments)
    body = etree.SubElement(root, f"{{{SOAP_NS}}}Body")
    if message.manifest:
        _manifest(body, message.manifest)
    for fragment in message.other_body:
        fragments.mark(body, fragment)
    return fragments.splice(bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8")))


def _check(root: etree._Element) -> None:
    findings = xsd_findings(root, compiled_schema(_SCHEMA_NAMESPACES), rule="ebxml.xsd")
    if findings:
        first = findings[0]
        raise SchemaInvalid(
            f"refusing to emit an ebXML envelope that fails msg-header-2_0.xsd: {first.text}",
            code="ebxml.serialize-invalid",
            where=first.path,
            expected="an envelope valid against msg-header-2_0.xsd",
            received="; ".join(f.text for f in findings[:5]),
        )


def serialize_ebxml(message: EbxmlMessage, *, signer: Signer = UNSIGNED) -> bytes:
    """The SOAP envelope as UTF-8 bytes: XSD-checked, then signed by ``signer``."""
    envelope = render_envelope(message)
    _check(parse_xml(envelope))
    return signer.sign(envelope, message.payloads)


def serialize_package(
    message: EbxmlMessage,
    *,
    signer: Signer = UNSIGNED,
    boundary: str | None = None,
    soap_content_id: str | None = None,
) -> Package:
    """The MIME multipart/related package (HIS 1037 §8.1) with ``SOAPAction: "ebXML"``."""
    envelope = serialize_ebxml(message, signer=signer)
    message_id = message.message_id.strip()
    content_id = soap_content_id or (
        f"soap-{message_id}" if "@" in message_id else f"soap-{message_id}@ebxml"
    )
    headers, body = build_package(envelope, message.payloads, soap_content_id=content_id, boundary=boundary)
    return Package(content_type=headers["Content-Type"], body=body, headers=headers)
