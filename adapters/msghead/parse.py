"""Tolerant Hodemelding reader: bytes (UTF-8 or ISO-8859-1, optionally in NAV's EI_fellesformat) → MsgHead.

Child order is not enforced on read (senders put ConversationRef children and Ack out of order),
unpadded dates are padded; what the model needs and cannot find gives a coded error.
"""

from __future__ import annotations

import base64
import binascii

from lxml import etree

from samband.adapters.kith.codec import read
from samband.adapters.kith.datatypes import Code, attr_v, child, children, code, local_name, text
from samband.adapters.kith.shapes import FK1, HEALTHCARE_PROFESSIONAL, MSGHEAD, ORGANISATION, PERSON
from samband.adapters.msghead.model import (
    BASE64_NS,
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
from samband.adapters.msghead.payloads import payload_of
from samband.adapters.xml.safe import XmlLimits, parse_xml, qname
from samband.kernel.errors import InvalidMsgId, SchemaInvalid, UnsupportedMessage

FELLESFORMAT_NS = "http://www.nav.no/xml/eiff/2/"
NS = MSGHEAD_NS


def unwrap_fellesformat(root: etree._Element, *wanted: str) -> etree._Element:
    """NAV EI_fellesformat → the first child whose local name is in ``wanted``; else ``root``."""
    if qname(root) != (FELLESFORMAT_NS, "EI_fellesformat"):
        return root
    for candidate in root:
        if isinstance(candidate.tag, str) and local_name(candidate) in wanted:
            return candidate
    return root


def msghead_root(raw: bytes, limits: XmlLimits | None = None) -> etree._Element:
    """Parse safely and return the MsgHead element; coded errors for another document."""
    return checked_msghead(unwrap_fellesformat(parse_xml(raw, limits), "MsgHead"))


def checked_msghead(root: etree._Element) -> etree._Element:
    """``root`` when it is a MsgHead 1.2 element; ``UnsupportedMessage`` otherwise."""
    namespace, local = qname(root)
    if local == "MsgHead" and namespace != NS:
        raise UnsupportedMessage(
            f"MsgHead in namespace {namespace or '(none)'} is not supported",
            code="msghead.wrong-namespace",
            line=root.sourceline,
            where="/MsgHead",
            expected=NS,
            received=namespace,
        )
    if (namespace, local) != (NS, "MsgHead"):
        raise UnsupportedMessage(
            f"root element {{{namespace}}}{local} is not a Hodemelding",
            code="msghead.wrong-root",
            line=root.sourceline,
            expected=f"{{{NS}}}MsgHead",
            received=f"{{{namespace}}}{local}",
        )
    return root


def parse_msghead(raw: bytes, limits: XmlLimits | None = None) -> MsgHead:
    """Hodemelding bytes → ``MsgHead`` (tolerant, see the module doc)."""
    return msghead_from_element(msghead_root(raw, limits))


def read_msginfo(raw: bytes, limits: XmlLimits | None = None) -> MsgInfo:
    """Only the MsgInfo of a Hodemelding already read in full once (its Documents are not read again).

    Coded errors as ``parse_msghead`` gives them for a missing MsgInfo or Document (so a document
    ``parse_msghead`` refuses for want of a Document is refused here too).
    """
    root = msghead_root(raw, limits)
    info = _required(root, "MsgInfo", "msghead.missing-msginfo")
    if child(root, NS, "Document") is None:
        msghead_from_element(root)  # raises the coded error for the missing Document
    return _read_msginfo(info)


def msghead_from_element(root: etree._Element) -> MsgHead:
    info = _required(root, "MsgInfo", "msghead.missing-msginfo")
    documents = tuple(_read_document(el) for el in children(root, NS, "Document"))
    if not documents:
        if child(root, NS, "PatientReport") is not None:
            raise UnsupportedMessage(
                "PatientReport (registry reporting) is not supported",
                code="msghead.patientreport-unsupported",
                where="/MsgHead/PatientReport",
                expected="MsgHead with Document",
            )
        raise SchemaInvalid(
            "MsgHead has no Document", code="msghead.missing-document", where="/MsgHead", expected="Document+"
        )
    return MsgHead(msg_info=_read_msginfo(info), documents=documents)


def _required(parent: etree._Element, local: str, error_code: str) -> etree._Element:
    found = child(parent, NS, local)
    if found is None:
        raise SchemaInvalid(
            f"{local} is missing in {local_name(parent)}",
            code=error_code,
            line=parent.sourceline,
            where=parent.getroottree().getpath(parent),
            expected=local,
        )
    return found


def _read_msginfo(info: etree._Element) -> MsgInfo:
    msg_id = text(info, NS, "MsgId")
    if msg_id is None:
        raise InvalidMsgId(
            "MsgInfo/MsgId is missing or empty",
            code="msghead.missing-msgid",
            line=info.sourceline,
            where="/MsgHead/MsgInfo/MsgId",
            expected="a message id (a UUID) in MsgInfo/MsgId",
        )
    msg_type = _required(info, "Type", "msghead.missing-type")
    conversation = child(info, NS, "ConversationRef")
    patient = child(info, NS, "Patient")
    return MsgInfo(
        type=Code(v=msg_type.get("V"), dn=msg_type.get("DN")),
        mig_version=text(info, NS, "MIGversion") or "",
        gen_date=text(info, NS, "GenDate") or "",
        msg_id=msg_id,
        processing_status=code(info, NS, "ProcessingStatus"),
        requested_priority=code(info, NS, "RequestedPriority"),
        ack=code(info, NS, "Ack"),
        conversation_ref=_read_conversation(conversation) if conversation is not None else None,
        sender=_read_party(_required(info, "Sender", "msghead.missing-sender")),
        receiver=_read_party(_required(info, "Receiver", "msghead.missing-receiver")),
        other_receivers=tuple(_read_other(el) for el in children(info, NS, "OtherReceiver")),
        patient=read(MSGHEAD, PERSON, patient) if patient is not None else None,
    )


def _read_conversation(el: etree._Element) -> ConversationRef:
    """ConversationRef: children read by name, so either order is accepted."""
    return ConversationRef(
        ref_to_parent=text(el, NS, "RefToParent") or "",
        ref_to_conversation=text(el, NS, "RefToConversation") or "",
    )


def _read_party(el: etree._Element) -> Party:
    organisation = _required(el, "Organisation", "msghead.missing-organisation")
    return Party(organisation=read(MSGHEAD, ORGANISATION, organisation), com_method=code(el, NS, "ComMethod"))


def _read_other(el: etree._Element) -> OtherReceiver:
    organisation = child(el, NS, "Organisation")
    patient = child(el, NS, "Patient")
    person = child(el, NS, "Person")
    hp = child(el, NS, "HealthcareProfessional")
    return OtherReceiver(
        role_receiver=code(el, NS, "RoleReceiver") or Code(),
        com_method=code(el, NS, "ComMethod"),
        organisation=read(MSGHEAD, ORGANISATION, organisation) if organisation is not None else None,
        patient=read(MSGHEAD, PERSON, patient) if patient is not None else None,
        person=read(FK1, PERSON, person) if person is not None else None,
        healthcare_professional=read(MSGHEAD, HEALTHCARE_PROFESSIONAL, hp) if hp is not None else None,
    )


def _read_document(el: etree._Element) -> Document:
    ref = _required(el, "RefDoc", "msghead.missing-refdoc")
    return Document(
        ref_doc=_read_refdoc(ref),
        document_connection=code(el, NS, "DocumentConnection"),
        content_type=code(el, NS, "ContentType"),
        content_description=text(el, NS, "ContentDescription"),
        content_category=code(el, NS, "ContentCategory"),
        consent=code(el, NS, "Consent"),
        annotation=text(el, NS, "Annotation"),
        from_date=attr_v(el, NS, "FromDate"),
        to_date=attr_v(el, NS, "ToDate"),
        oid_ref=text(el, NS, "OidRef"),
        enquiry_ref_id=text(el, NS, "EnquiryRefId"),
    )


def _read_refdoc(ref: etree._Element) -> RefDoc:
    mime_type = text(ref, NS, "MimeType")
    content = child(ref, NS, "Content")
    values = _read_content(content, mime_type) if content is not None else ()
    return RefDoc(
        msg_type=code(ref, NS, "MsgType") or Code(),
        issue_date=attr_v(ref, NS, "IssueDate"),
        id=text(ref, NS, "Id"),
        mime_type=mime_type,
        description=text(ref, NS, "Description"),
        compression=code(ref, NS, "Compression"),
        file_reference=text(ref, NS, "FileReference"),
        content=values[0] if values else None,
        more_content=values[1:],
    )


def _read_content(content: etree._Element, mime_type: str | None) -> tuple[Payload | Attachment, ...]:
    """Each element of RefDoc/Content: a Base64Container attachment or an XML payload."""
    values: list[Payload | Attachment] = []
    for element in content:
        if not isinstance(element.tag, str):
            continue
        if qname(element) == (BASE64_NS, "Base64Container"):
            values.append(Attachment(mime_type=mime_type, data=_decode_base64(element)))
        else:
            values.append(payload_of(element))
    return tuple(values)


def _decode_base64(element: etree._Element) -> bytes:
    try:
        parts = [element.text or "", *(node.tail or "" for node in element)]  # comments are skipped
        return base64.b64decode("".join("".join(parts).split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SchemaInvalid(
            f"Base64Container is not valid base64: {exc}",
            code="msghead.base64-invalid",
            line=element.sourceline,
            where=element.getroottree().getpath(element),
            expected="base64 text",
        ) from exc
