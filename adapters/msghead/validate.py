"""Validation of any Hodemelding document: well-formedness, MsgHead + payload XSD, tolerance warnings,
MsgId, sender and patient (``identity``), HER-ids and the payload's own rules from ``PAYLOADS``.

``validate_msghead`` reports; ``accept_msghead`` is the receiving gate: it parses, validates and
raises the coded ``GatewayError`` (the one the negative AppRec is built from) on any error.
"""

from __future__ import annotations

import uuid

from lxml import etree

from samband.adapters.ident import her_problem
from samband.adapters.kith.datatypes import child, text, xpath_of
from samband.adapters.msghead.identity import patient_findings, sender_findings
from samband.adapters.msghead.model import BASE64_NS, MSGHEAD_NS, MsgHead
from samband.adapters.msghead.parse import (
    FELLESFORMAT_NS,
    checked_msghead,
    msghead_from_element,
    msghead_root,
    unwrap_fellesformat,
)
from samband.adapters.msghead.payloads import PAYLOADS
from samband.adapters.msghead.schema import content_elements, strip_unschematised, xsd_errors
from samband.adapters.msghead.tolerance import repair
from samband.adapters.xml.safe import parse_xml, qname
from samband.kernel.errors import (
    GatewayError,
    InvalidMsgId,
    MessageRejected,
    ParseError,
    PatientIdentInvalid,
    PatientIdentMissing,
    PatientUnidentified,
    SchemaInvalid,
    UnsupportedMessage,
    XmlRefused,
)
from samband.kernel.problems import Problem, Severity

NS = MSGHEAD_NS

# rule id of an error finding → the error class it is rejected with (and so the AppRec 8221 code)
# (any rule not listed is a schema problem: SchemaInvalid, T02)
REJECTIONS: dict[str, type[MessageRejected]] = {
    "xsd": SchemaInvalid,
    "xml.not-well-formed": ParseError,
    "xml.empty": ParseError,
    "xml.encoding-mismatch": ParseError,
    "xml.entity-forbidden": XmlRefused,
    "xml.dtd-forbidden": XmlRefused,
    "xml.too-large": XmlRefused,
    "xml.too-deep": XmlRefused,
    "msghead.wrong-namespace": UnsupportedMessage,
    "msghead.wrong-root": UnsupportedMessage,
    "apprec.wrong-root": UnsupportedMessage,
    "msghead.payload-unsupported": UnsupportedMessage,
    "msghead.missing-msgid": InvalidMsgId,
    "patient.fnr-check-digit": PatientIdentInvalid,
    "patient.unidentified": PatientUnidentified,
    "patient.missing-national-id": PatientIdentMissing,
    "msghead.sender-unidentified": MessageRejected,
}


def _error(rule: str, message: str, element: etree._Element | None) -> Problem:
    if element is None:
        return Problem(rule, Severity.ERROR, message)
    return Problem(rule, Severity.ERROR, message, line=element.sourceline, path=xpath_of(element))


def _warning(rule: str, message: str, element: etree._Element) -> Problem:
    return Problem(rule, Severity.WARNING, message, line=element.sourceline, path=xpath_of(element))


def validate_msghead(raw: bytes) -> list[Problem]:
    """Every finding for one Hodemelding; refusals (hostile or broken XML) become error findings.

    An AppRec is not a Hodemelding: ``formats.validate`` detects it and hands it to its own validator.
    """
    try:
        document = parse_xml(raw)
    except GatewayError as error:
        return [error.problem()]
    return validate_document(document)


def validate_document(document: etree._Element) -> list[Problem]:
    """``validate_msghead`` of a document already parsed (``parse_xml``): its MsgHead (inside NAV's
    EI_fellesformat wrapper, if any) is changed in place by the tolerance repairs."""
    try:
        root = checked_msghead(unwrap_fellesformat(document, "MsgHead", "AppRec"))
    except GatewayError as error:
        return [error.problem()]
    return validate_tree(root)


def validate_tree(root: etree._Element) -> list[Problem]:
    """Validate a MsgHead element tree (changed in place by the tolerance repairs)."""
    findings: list[Problem] = []
    parent = root.getparent()
    if parent is not None and qname(parent) == (FELLESFORMAT_NS, "EI_fellesformat"):
        findings.append(
            _warning(
                "msghead.fellesformat-wrapper", "NAV EI_fellesformat wrapper: inner MsgHead read", parent
            )
        )
    findings += repair(root)
    findings += _payload_findings(root)
    for namespace, line in strip_unschematised(root):
        message = f"no schema for payload namespace {namespace}; the payload is not validated"
        findings.append(Problem("msghead.payload-no-schema", Severity.WARNING, message, line=line))
    findings += xsd_errors(root)
    info = child(root, NS, "MsgInfo")
    findings += _msgid_findings(info)
    findings += sender_findings(info)
    findings += patient_findings(info)
    findings += _her_findings(info)
    return findings


def _msgid_findings(info: etree._Element | None) -> list[Problem]:
    """MsgInfo/MsgId must be there and not empty (E10 otherwise); HIS 80601 asks for a unique id and
    the schema allows any string, so an id that is not a UUID is taken in with a warning."""
    element = child(info, NS, "MsgId")
    value = text(info, NS, "MsgId")
    if value is None:
        where = element if element is not None else info
        return [_error("msghead.missing-msgid", "MsgInfo/MsgId is missing or empty", where)]
    try:
        uuid.UUID(value)
    except ValueError:
        message = f"MsgId {value!r} is not a UUID; it is kept as sent"
        return [_warning("msghead.msgid-not-uuid", message, element if element is not None else info)]
    return []


def _her_findings(info: etree._Element | None) -> list[Problem]:
    findings = []
    for tag in ("Sender", "Receiver"):
        organisation = child(child(info, NS, tag), NS, "Organisation")
        for ident in organisation.iter(f"{{{NS}}}Ident") if organisation is not None else ():
            type_id = child(ident, NS, "TypeId")
            if type_id is not None and type_id.get("V") == "HER":
                problem = her_problem(text(ident, NS, "Id"))
                if problem:
                    findings.append(_warning("ident.her-format", f"{tag}: {problem}", ident))
    return findings


def _payload_findings(root: etree._Element) -> list[Problem]:
    """Rules of each payload's adapter, and whether the payload fits MsgInfo/Type."""
    findings: list[Problem] = []
    type_el = child(child(root, NS, "MsgInfo"), NS, "Type")
    msg_type = type_el.get("V") if type_el is not None else None
    for element in content_elements(root):
        namespace, local = qname(element)
        if namespace == BASE64_NS:
            continue
        adapter = PAYLOADS.get(namespace)
        if adapter is None:
            message = f"payload {local} in namespace {namespace or '(none)'} is not supported by the gateway"
            findings.append(_warning("msghead.payload-unknown", message, element))
            continue
        if local != adapter.root:
            message = f"payload root {local} in {namespace}; expected {adapter.root}"
            findings.append(_error("msghead.payload-unsupported", message, element))
            continue
        if msg_type and msg_type not in adapter.message_types:
            message = f"MsgInfo/Type {msg_type} is not a known type for {adapter.name} {adapter.version}"
            findings.append(_warning("msghead.type-payload-mismatch", message, element))
        findings += adapter.validate(element)
    return findings


def rejection_for(findings: list[Problem]) -> MessageRejected | None:
    """The coded error for a list of findings (None when no error): the most specific error rule
    wins, so a bad MsgId is E10 and a bad FNR E31 even when the schema check also fails."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if not errors:
        return None
    specific = [f for f in errors if f.code in REJECTIONS and f.code != "xsd"]
    first = (specific or errors)[0]  # a MsgId or FNR problem says more than the schema error it causes
    cls = REJECTIONS.get(first.code, SchemaInvalid)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return cls(
        first.text + more,
        code=first.code if first.code != "xsd" else "msghead.schema-invalid",
        where=first.path,
        line=first.line,
        column=first.column,
    )


def accept_msghead(raw: bytes, *, require_known_payload: bool = True) -> tuple[MsgHead, list[Problem]]:
    """Receiving gate: parse + validate; raise the coded ``MessageRejected`` on any error finding.

    With ``require_known_payload`` the main XML payload must have a ``PAYLOADS`` adapter (T10).
    """
    root = msghead_root(raw)
    findings = validate_tree(root)
    rejection = rejection_for(findings)
    if rejection is not None:
        raise rejection
    model = msghead_from_element(msghead_root(raw))
    payload = model.payload
    if require_known_payload and payload is not None and payload.namespace not in PAYLOADS:
        raise UnsupportedMessage(
            f"payload {payload.root} ({payload.namespace}) is not supported",
            code="msghead.payload-unknown",
            where="/MsgHead/Document/RefDoc/Content",
            expected="one of " + ", ".join(sorted(PAYLOADS)),
            received=payload.namespace,
        )
    return model, findings
