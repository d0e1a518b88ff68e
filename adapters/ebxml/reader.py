"""Read an ebXML message (bare SOAP envelope or MIME package) into ``EbxmlMessage``, tolerantly.

Known deviations of real senders (HITS 1172 findings, shared/reference/README.md) are accepted
here and reported by ``validate_ebxml``; what cannot be read gives a coded error with its XPath.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from samband.adapters.ebxml.fragments import fragment_bytes, requalified
from samband.adapters.ebxml.mime import Unpacked, payload_of, unpack
from samband.adapters.ebxml.model import (
    Acknowledgment,
    AckRequested,
    Description,
    EbxmlMessage,
    ErrorDetail,
    ErrorList,
    ManifestReference,
    MessageData,
    MessageHeader,
    Party,
    PartyId,
    Payload,
    SchemaRef,
    Service,
)
from samband.adapters.ebxml.names import DS_NS, EB_NS, SOAP12_NS, SOAP_NS, XLINK_NS, XML_NS
from samband.adapters.ebxml.signing import Verifier
from samband.adapters.xml.safe import parse_xml
from samband.kernel.errors import ParseError, SchemaInvalid, UnsupportedMessage


def _eb(name: str) -> str:
    return f"{{{EB_NS}}}{name}"


def _path(element: etree._Element) -> str:
    return str(element.getroottree().getpath(element))


def attr(element: etree._Element, name: str, namespace: str = EB_NS) -> str | None:
    """A qualified attribute (ebMS uses attributeFormDefault="qualified"), else the bare name."""
    value = element.get(f"{{{namespace}}}{name}")
    if value is None:
        value = element.get(name)
    return None if value is None else str(value)


def _child(parent: etree._Element, name: str) -> etree._Element:
    found = parent.find(_eb(name))
    if found is None:
        raise SchemaInvalid(
            f"eb:{name} is missing",
            code=f"ebxml.missing-{name.lower()}",
            where=_path(parent),
            line=parent.sourceline,
            expected=f"an eb:{name} element in {etree.QName(parent).localname}",
        )
    return found


def _text(parent: etree._Element, name: str) -> str:
    element = _child(parent, name)
    value = (element.text or "").strip()
    if not value:
        raise SchemaInvalid(
            f"eb:{name} is empty",
            code=f"ebxml.empty-{name.lower()}",
            where=_path(element),
            line=element.sourceline,
            expected="a non-empty value",
        )
    return value


def _optional_text(parent: etree._Element, name: str) -> str | None:
    element = parent.find(_eb(name))
    return None if element is None else (element.text or "").strip() or None


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"true", "1"}


def _descriptions(parent: etree._Element) -> tuple[Description, ...]:
    return tuple(
        Description(text=element.text or "", lang=element.get(f"{{{XML_NS}}}lang") or "")
        for element in parent.findall(_eb("Description"))
    )


def _party(element: etree._Element) -> Party:
    ids = tuple(
        PartyId(value=(node.text or "").strip(), type=attr(node, "type"))
        for node in element.findall(_eb("PartyId"))
    )
    if not ids:
        raise SchemaInvalid(
            f"eb:{etree.QName(element).localname} has no eb:PartyId",
            code="ebxml.missing-partyid",
            where=_path(element),
            line=element.sourceline,
            expected="at least one eb:PartyId (type HER)",
        )
    return Party(party_ids=ids, role=_optional_text(element, "Role"))


def _message_header(element: etree._Element) -> MessageHeader:
    service = _child(element, "Service")
    data = _child(element, "MessageData")
    return MessageHeader(
        from_party=_party(_child(element, "From")),
        to_party=_party(_child(element, "To")),
        cpa_id=_text(element, "CPAId"),
        conversation_id=_text(element, "ConversationId"),
        service=Service(value=_text(element, "Service"), type=attr(service, "type")),
        action=_text(element, "Action"),
        message_data=MessageData(
            message_id=_text(data, "MessageId"),
            timestamp=_text(data, "Timestamp"),
            ref_to_message_id=_optional_text(data, "RefToMessageId"),
            time_to_live=_optional_text(data, "TimeToLive"),
        ),
        duplicate_elimination=element.find(_eb("DuplicateElimination")) is not None,
        descriptions=_descriptions(element),
    )


def _acknowledgment(element: etree._Element) -> Acknowledgment:
    """eb:Acknowledgment; an unqualified copied ``Reference`` is moved into the ds namespace."""
    references: list[bytes] = []
    for child in element:
        if not isinstance(child.tag, str) or etree.QName(child).localname != "Reference":
            continue
        namespace = etree.QName(child).namespace
        if namespace == DS_NS:
            references.append(fragment_bytes(child))
        elif namespace is None:
            references.append(fragment_bytes(requalified(child, DS_NS)))
    sender = element.find(_eb("From"))
    return Acknowledgment(
        timestamp=_text(element, "Timestamp"),
        ref_to_message_id=_text(element, "RefToMessageId"),
        from_party=_party(sender) if sender is not None else None,
        references=tuple(references),
        actor=element.get(f"{{{SOAP_NS}}}actor"),
    )


def _error_list(element: etree._Element) -> ErrorList:
    errors = []
    for node in element.findall(_eb("Error")):
        description = node.find(_eb("Description"))
        errors.append(
            ErrorDetail(
                error_code=attr(node, "errorCode") or "",
                severity=attr(node, "severity") or "",
                location=attr(node, "location"),
                description=_descriptions(node)[0] if description is not None else None,
                error_id=attr(node, "id"),
                code_context=attr(node, "codeContext"),
            )
        )
    return ErrorList(highest_severity=attr(element, "highestSeverity") or "", errors=tuple(errors))


def _manifest(element: etree._Element) -> tuple[ManifestReference, ...]:
    return tuple(
        ManifestReference(
            href=(node.get(f"{{{XLINK_NS}}}href") or node.get("href") or "").strip(),
            role=node.get(f"{{{XLINK_NS}}}role"),
            ref_id=attr(node, "id"),
            schemas=tuple(
                SchemaRef(location=attr(s, "location") or "", version=attr(s, "version"))
                for s in node.findall(_eb("Schema"))
            ),
            descriptions=_descriptions(node),
        )
        for node in element.findall(_eb("Reference"))
    )


def check_root(root: etree._Element) -> etree._Element:
    """The SOAP 1.1 Header of ``root``; coded errors for anything that is not an ebXML envelope."""
    name = etree.QName(root)
    if name.localname == "Envelope" and name.namespace == SOAP12_NS:
        raise UnsupportedMessage(
            "SOAP 1.2 envelope; ebMS 2.0 uses SOAP 1.1",
            code="ebxml.soap-version",
            where="/",
            expected=SOAP_NS,
            received=name.namespace,
        )
    if name.localname != "Envelope" or name.namespace != SOAP_NS:
        raise ParseError(
            "not a SOAP envelope",
            code="ebxml.not-soap",
            where="/",
            line=root.sourceline,
            expected=f"{{{SOAP_NS}}}Envelope",
            received=str(root.tag),
        )
    header = root.find(f"{{{SOAP_NS}}}Header")
    if header is None:
        raise ParseError(
            "SOAP envelope without SOAP:Header",
            code="ebxml.missing-header",
            where=_path(root),
            expected="SOAP:Header with eb:MessageHeader",
        )
    return header


def _find_message_header(header: etree._Element) -> etree._Element:
    found = header.find(_eb("MessageHeader"))
    if found is not None:
        return found
    stray = next((c for c in header if isinstance(c.tag, str) and c.tag.endswith("}MessageHeader")), None)
    if stray is not None:
        raise UnsupportedMessage(
            "eb:MessageHeader in an unknown namespace",
            code="ebxml.wrong-namespace",
            where=_path(stray),
            line=stray.sourceline,
            expected=EB_NS,
            received=etree.QName(stray).namespace,
        )
    raise ParseError(
        "SOAP:Header has no eb:MessageHeader",
        code="ebxml.missing-messageheader",
        where=_path(header),
        line=header.sourceline,
        expected=f"{{{EB_NS}}}MessageHeader",
    )


def _header_signals(header: etree._Element) -> dict[str, Any]:
    """The header children next to eb:MessageHeader, by model field; unknown ones kept as bytes."""
    fields: dict[str, Any] = {"other_header": ()}
    for child in header:
        if not isinstance(child.tag, str) or child.tag == _eb("MessageHeader"):
            continue
        if child.tag == _eb("AckRequested"):
            signed = _truthy(attr(child, "signed"))
            fields["ack_requested"] = AckRequested(signed=signed, actor=child.get(f"{{{SOAP_NS}}}actor"))
        elif child.tag == _eb("Acknowledgment"):
            fields["acknowledgment"] = _acknowledgment(child)
        elif child.tag == _eb("ErrorList"):
            fields["error_list"] = _error_list(child)
        elif child.tag == _eb("SyncReply"):
            fields["sync_reply_actor"] = child.get(f"{{{SOAP_NS}}}actor") or ""
        elif child.tag == f"{{{DS_NS}}}Signature":
            fields["signature"] = fragment_bytes(child)
        else:
            fields["other_header"] += (fragment_bytes(child),)
    return fields


def message_from_tree(root: etree._Element, payloads: tuple[Payload, ...] = ()) -> EbxmlMessage:
    """Build the model from a parsed SOAP envelope."""
    header = check_root(root)
    message_header = _message_header(_find_message_header(header))
    body = root.find(f"{{{SOAP_NS}}}Body")
    manifest: tuple[ManifestReference, ...] = ()
    other_body: list[bytes] = []
    for child in body if body is not None else ():
        if child.tag == _eb("Manifest"):
            manifest = _manifest(child)
        elif isinstance(child.tag, str):
            other_body.append(fragment_bytes(child))
    return EbxmlMessage(
        header=message_header,
        manifest=manifest,
        payloads=payloads,
        other_body=tuple(other_body),
        **_header_signals(header),
    )


def payloads_of(unpacked: Unpacked) -> tuple[Payload, ...]:
    return tuple(payload_of(part) for part in unpacked.parts if part is not unpacked.start)


def parse_ebxml(
    raw: bytes, *, content_type: str | None = None, verifier: Verifier | None = None
) -> EbxmlMessage:
    """Parse a received ebXML message.

    ``raw`` is a bare SOAP envelope, or a MIME multipart/related package whose headers are either
    at the top of ``raw`` (SMTP layout) or given as ``content_type`` (HTTP). A ``verifier`` checks
    the envelope signature before the model is built.
    """
    unpacked = unpack(raw, content_type)
    payloads = payloads_of(unpacked)
    root = parse_xml(unpacked.envelope)
    check_root(root)
    if verifier is not None:
        verifier.verify(unpacked.envelope, payloads)
    return message_from_tree(root, payloads)


def parse_http(content_type: str, body: bytes, *, verifier: Verifier | None = None) -> EbxmlMessage:
    """Parse a message as an HTTP server receives it: the Content-Type header and the body."""
    return parse_ebxml(body, content_type=content_type, verifier=verifier)
