"""Recognise what a document is and dispatch to its adapter: detect, read_envelope, validate.

This is the door the gateway uses into adapters/: it never needs to know XML or JSON itself.
The dispatch tables are plain dicts (``ENVELOPE_READERS``, ``VALIDATORS``) a reader can open.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum

from lxml import etree

from samband.adapters.xml.safe import parse_xml, qname
from samband.kernel.envelope import Envelope
from samband.kernel.errors import (
    ContractViolation,
    GatewayError,
    MessageRejected,
    ParseError,
    UnsupportedMessage,
)
from samband.kernel.problems import Problem, Severity

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
MSGHEAD_NS = "http://www.kith.no/xmlstds/msghead/2006-05-24"
APPREC_NS = {"http://www.kith.no/xmlstds/apprec/2004-11-21", "http://www.kith.no/xmlstds/apprec/2012-02-15"}
FELLESFORMAT_NS = "http://www.nav.no/xml/eiff/2/"
CPPA_NS = "http://www.oasis-open.org/committees/ebxml-cppa/schema/cpp-cpa-2_0.xsd"
AR_NS_PREFIX = "http://register.nhn.no/"


class Kind(StrEnum):
    """What a document is, as far as validation and routing care."""

    EBXML = "ebxml"
    MSGHEAD = "msghead"
    APPREC = "apprec"
    FHIR = "fhir"
    IP_EXPORT = "ip-export"
    CPPA = "cppa"
    ADRESSEREGISTER = "adresseregister"
    PAYLOAD = "payload"


def _is_mime(raw: bytes) -> bool:
    head = raw[:2048].lstrip().lower()
    return head.startswith((b"mime-version:", b"content-type:", b"--")) or b"\r\n\r\n--" in head[:1024]


def _json_kind(raw: bytes) -> Kind:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"not valid JSON: {exc}", code="json.invalid", expected="a JSON document") from exc
    if isinstance(data, dict) and "resourceType" in data:
        return Kind.FHIR
    from samband.adapters.iplan import looks_like_ip_export

    if looks_like_ip_export(raw):
        return Kind.IP_EXPORT
    raise UnsupportedMessage(
        "JSON document is neither a FHIR resource nor an ip-export",
        code="message.unknown-json",
        expected="resourceType (FHIR) or an ip-export document",
    )


def _unwrap(root: etree._Element) -> etree._Element:
    """NAV's EI_fellesformat wraps a MsgHead or AppRec: look at the first standard child."""
    if qname(root) != (FELLESFORMAT_NS, "EI_fellesformat"):
        return root
    for child in root.iterchildren("{*}MsgHead", "{*}AppRec"):
        return child
    return root


def _xml_kind(raw: bytes) -> Kind:
    namespace, local = qname(_unwrap(parse_xml(raw)))
    if namespace == SOAP_NS:
        return Kind.EBXML
    if namespace == MSGHEAD_NS:
        return Kind.MSGHEAD
    if namespace in APPREC_NS:
        return Kind.APPREC
    if namespace == CPPA_NS:
        return Kind.CPPA
    if namespace.startswith(AR_NS_PREFIX):
        return Kind.ADRESSEREGISTER
    from samband.adapters.iplan import looks_like_ip_export

    if looks_like_ip_export(raw):
        return Kind.IP_EXPORT
    return Kind.PAYLOAD


def detect(raw: bytes) -> Kind:
    """Tell what ``raw`` is from its first bytes and root element; coded errors for the unknown."""
    stripped = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ParseError("empty document", code="document.empty", expected="an XML or JSON document")
    if stripped.startswith((b"{", b"[")):
        return _json_kind(stripped)
    if _is_mime(stripped):
        return Kind.EBXML
    return _xml_kind(raw)


def _validate_ebxml(raw: bytes) -> list[Problem]:
    from samband.adapters.ebxml import validate_ebxml

    return validate_ebxml(raw)


def _validate_msghead(raw: bytes) -> list[Problem]:
    from samband.adapters.msghead import validate_msghead

    return validate_msghead(raw)


def _validate_apprec(raw: bytes) -> list[Problem]:
    from samband.adapters.apprec import validate_apprec

    return validate_apprec(raw)


def _validate_fhir(raw: bytes) -> list[Problem]:
    from samband.adapters.fhir import validate_fhir

    return validate_fhir(raw)


def _validate_ip_export(raw: bytes) -> list[Problem]:
    from samband.adapters.iplan import validate_iplan

    return validate_iplan(raw)


def _validate_cppa(raw: bytes) -> list[Problem]:
    from samband.adapters.registry import parse_cppa

    parse_cppa(raw)
    return []


def _validate_adresseregister(raw: bytes) -> list[Problem]:
    """Adresseregister data contracts are read as data: CommunicationParty or CertificateDetails."""
    from samband.adapters.registry import parse_certificate_details, parse_communication_party

    _namespace, local = qname(parse_xml(raw))
    if "Certificate" in local:
        parse_certificate_details(raw)
    else:
        parse_communication_party(raw)
    return []


def _validate_payload(raw: bytes) -> list[Problem]:
    """A bare payload (PLO, Dialogmelding …) outside its Hodemelding: schema plus payload rules."""
    from samband.adapters.msghead import PAYLOADS
    from samband.adapters.xml.schemas import schema_for_namespace, validate_with_catalog

    root = parse_xml(raw)
    namespace, local = qname(root)
    if schema_for_namespace(namespace) is None:
        raise UnsupportedMessage(
            f"unknown document {local} in namespace {namespace or '(none)'}",
            code="message.unsupported-namespace",
            where=f"/{local}",
            expected="ebXML, Hodemelding, AppRec, a known payload, FHIR or ip-export",
            received=namespace,
        )
    payload = PAYLOADS.get(namespace)
    rules = payload.validate(root) if payload is not None else []
    return validate_with_catalog(root) + rules


VALIDATORS: dict[Kind, Callable[[bytes], list[Problem]]] = {
    Kind.EBXML: _validate_ebxml,
    Kind.MSGHEAD: _validate_msghead,
    Kind.APPREC: _validate_apprec,
    Kind.FHIR: _validate_fhir,
    Kind.IP_EXPORT: _validate_ip_export,
    Kind.CPPA: _validate_cppa,
    Kind.ADRESSEREGISTER: _validate_adresseregister,
    Kind.PAYLOAD: _validate_payload,
}


def validate(raw: bytes) -> tuple[Kind | None, list[Problem]]:
    """Detect and validate one document; refusals become findings, never exceptions."""
    try:
        kind = detect(raw)
        return kind, VALIDATORS[kind](raw)
    except GatewayError as error:
        return None, [error.problem()]


def rejection(kind: Kind, findings: list[Problem]) -> MessageRejected | None:
    """The coded refusal for error-level findings (None when there is none).

    Hodemelding, AppRec and XML refusals keep their own class (and so their AppRec 8221 code:
    E10 bad MsgId, E31 bad FNR, T01 broken XML, T10 unknown type …); ip-export problems keep
    their ``ip-export.*`` code as a ContractViolation.
    """
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if not errors:
        return None
    if kind is Kind.IP_EXPORT:
        first = errors[0]
        return ContractViolation(
            first.text, code=first.code, where=first.path, line=first.line, column=first.column
        )
    from samband.adapters.msghead import rejection_for

    return rejection_for(errors)


def check(raw: bytes) -> tuple[Kind, list[Problem]]:
    """Receiving gate: detect and validate, raising the coded refusal on any error finding."""
    kind = detect(raw)
    findings = VALIDATORS[kind](raw)
    refused = rejection(kind, findings)
    if refused is not None:
        raise refused
    return kind, findings


def payload_format(namespace: str | None) -> str | None:
    """The payload family of a Hodemelding (``plo`` or ``dialogmelding``) from its payload namespace."""
    if not namespace:
        return None
    from samband.adapters.dialogmelding import DIALOGMELDING_1_0, DIALOGMELDING_1_1
    from samband.adapters.plo import PLO_PAYLOADS

    if namespace in PLO_PAYLOADS:
        return "plo"
    if namespace in (DIALOGMELDING_1_0.namespace, DIALOGMELDING_1_1.namespace):
        return "dialogmelding"
    return None


def _envelope_of_msghead(raw: bytes) -> Envelope:
    from samband.adapters.msghead import read_envelope

    return read_envelope(raw)


def _envelope_of_apprec(raw: bytes) -> Envelope:
    from samband.adapters.apprec import read_envelope

    return read_envelope(raw)


def _envelope_of_ebxml(raw: bytes) -> Envelope:
    from samband.adapters.ebxml import read_envelope

    return read_envelope(raw)


ENVELOPE_READERS: dict[Kind, Callable[[bytes], Envelope]] = {
    Kind.MSGHEAD: _envelope_of_msghead,
    Kind.APPREC: _envelope_of_apprec,
    Kind.EBXML: _envelope_of_ebxml,
}


def read_envelope(raw: bytes) -> tuple[Kind, Envelope]:
    """The envelope facts of a message the gateway can route (Hodemelding, AppRec, ebXML)."""
    kind = detect(raw)
    reader = ENVELOPE_READERS.get(kind)
    if reader is None:
        raise UnsupportedMessage(
            f"a {kind} document carries no message envelope",
            code="message.no-envelope",
            expected="Hodemelding, AppRec or ebXML",
            received=str(kind),
        )
    return kind, reader(raw)
