"""Strict Hodemelding writer: MsgHead → bytes in schema order, validated before it is returned.

The output always passes the MsgHead 1.2 XSD plus each payload's schema (a payload namespace with
no schema in the catalog is checked as MsgHead only); otherwise ``SchemaInvalid`` is raised.
"""

from __future__ import annotations

import base64
from copy import deepcopy

from lxml import etree

from samband.adapters.kith.codec import write
from samband.adapters.kith.datatypes import add_cs, add_cv, add_text, add_v, q, sub
from samband.adapters.kith.shapes import FK1, HEALTHCARE_PROFESSIONAL, MSGHEAD, ORGANISATION, PERSON
from samband.adapters.msghead.model import (
    BASE64_NS,
    MSGHEAD_NS,
    Attachment,
    Document,
    MsgHead,
    MsgInfo,
    OtherReceiver,
    Party,
    Payload,
)
from samband.adapters.msghead.payloads import payload_element
from samband.adapters.msghead.schema import strip_unschematised, xsd_errors
from samband.kernel.errors import SchemaInvalid

NS = MSGHEAD_NS


def serialize_msghead(m: MsgHead, encoding: str = "UTF-8") -> bytes:
    """``MsgHead`` → XML bytes (UTF-8 or ISO-8859-1); ``SchemaInvalid`` if the result fails the XSD."""
    root = msghead_element(m)
    check_schema(root, what="Hodemelding")
    return bytes(etree.tostring(root, xml_declaration=True, encoding=encoding))


def check_schema(root: etree._Element, *, what: str) -> None:
    """Raise ``SchemaInvalid`` with the first schema error (line, XPath) when ``root`` is invalid."""
    copy = deepcopy(root)
    strip_unschematised(copy)
    errors = xsd_errors(copy)
    if errors:
        first = errors[0]
        raise SchemaInvalid(
            f"the {what} the gateway built is not schema-valid: {first.text}",
            code="msghead.serialize-invalid",
            line=first.line,
            column=first.column,
            where=first.path,
            expected="a document valid against the official schema",
        )


def msghead_element(m: MsgHead) -> etree._Element:
    """The MsgHead element tree (indented; payloads inserted unchanged)."""
    root = etree.Element(q(NS, "MsgHead"), nsmap={None: NS})
    _write_msginfo(root, m.msg_info)
    slots: list[tuple[etree._Element, tuple[Payload | Attachment, ...]]] = []
    for document in m.documents:
        content = _write_document(root, document)
        if content is not None:
            slots.append((content, document.ref_doc.contents))
    etree.indent(root, space="  ")
    for content, values in slots:
        content.text = None
        for value in values:
            content.append(_content_element(value))
    return root


def _write_msginfo(root: etree._Element, info: MsgInfo) -> None:
    el = sub(root, NS, "MsgInfo")
    add_cs(el, NS, "Type", info.type)
    sub(el, NS, "MIGversion", info.mig_version)
    sub(el, NS, "GenDate", info.gen_date)
    sub(el, NS, "MsgId", info.msg_id)
    add_cs(el, NS, "ProcessingStatus", info.processing_status)
    add_cs(el, NS, "RequestedPriority", info.requested_priority)
    add_cs(el, NS, "Ack", info.ack)
    if info.conversation_ref is not None:
        ref = sub(el, NS, "ConversationRef")
        sub(ref, NS, "RefToParent", info.conversation_ref.ref_to_parent)
        sub(ref, NS, "RefToConversation", info.conversation_ref.ref_to_conversation)
    _write_party(el, "Sender", info.sender)
    _write_party(el, "Receiver", info.receiver)
    for other in info.other_receivers:
        _write_other(el, other)
    if info.patient is not None:
        write(MSGHEAD, PERSON, info.patient, el, "Patient", NS)


def _write_party(parent: etree._Element, tag: str, party: Party) -> None:
    el = sub(parent, NS, tag)
    add_cs(el, NS, "ComMethod", party.com_method)
    write(MSGHEAD, ORGANISATION, party.organisation, el, "Organisation", NS)


def _write_other(parent: etree._Element, other: OtherReceiver) -> None:
    el = sub(parent, NS, "OtherReceiver")
    add_cs(el, NS, "ComMethod", other.com_method)
    add_cs(el, NS, "RoleReceiver", other.role_receiver)
    if other.organisation is not None:
        write(MSGHEAD, ORGANISATION, other.organisation, el, "Organisation", NS)
    elif other.patient is not None:
        write(MSGHEAD, PERSON, other.patient, el, "Patient", NS)
    elif other.person is not None:
        write(FK1, PERSON, other.person, el, "Person", NS)
    elif other.healthcare_professional is not None:
        write(
            MSGHEAD, HEALTHCARE_PROFESSIONAL, other.healthcare_professional, el, "HealthcareProfessional", NS
        )


def _write_document(root: etree._Element, document: Document) -> etree._Element | None:
    el = sub(root, NS, "Document")
    add_cs(el, NS, "DocumentConnection", document.document_connection)
    add_cv(el, NS, "ContentType", document.content_type)
    add_text(el, NS, "ContentDescription", document.content_description)
    add_cv(el, NS, "ContentCategory", document.content_category)
    add_cv(el, NS, "Consent", document.consent)
    add_text(el, NS, "Annotation", document.annotation)
    add_v(el, NS, "FromDate", document.from_date)
    add_v(el, NS, "ToDate", document.to_date)
    add_text(el, NS, "OidRef", document.oid_ref)
    add_text(el, NS, "EnquiryRefId", document.enquiry_ref_id)
    ref_doc = document.ref_doc
    ref = sub(el, NS, "RefDoc")
    add_v(ref, NS, "IssueDate", ref_doc.issue_date)
    add_cs(ref, NS, "MsgType", ref_doc.msg_type)
    add_text(ref, NS, "Id", ref_doc.id)
    mime_type = ref_doc.mime_type
    if mime_type is None and isinstance(ref_doc.content, Attachment):
        mime_type = ref_doc.content.mime_type
    add_text(ref, NS, "MimeType", mime_type)
    add_text(ref, NS, "Description", ref_doc.description)
    add_cs(ref, NS, "Compression", ref_doc.compression)
    if ref_doc.file_reference is not None:
        sub(ref, NS, "FileReference", ref_doc.file_reference)
        return None
    if not ref_doc.contents:
        return None
    content = sub(ref, NS, "Content")
    content.text = "\n"  # keeps etree.indent from touching the payload slot
    return content


def _content_element(value: Payload | Attachment) -> etree._Element:
    if isinstance(value, Payload):
        return payload_element(value)
    container = etree.Element(q(BASE64_NS, "Base64Container"), nsmap={None: BASE64_NS})
    container.text = base64.b64encode(value.data).decode("ascii")
    return container
