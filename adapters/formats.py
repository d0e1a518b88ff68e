"""``FORMATS``: format name → how a document of that format is detected, read, checked and written.

This is the door the gateway and the CLI use into adapters/: they never need to know XML or JSON
themselves. The dict is in detection order; a step a format does not have is None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from samband.adapters import apprec, dialogmelding, ebxml, fhir, iplan, msghead, plo, registry, sniff
from samband.adapters.ebxml import mail as ebxml_mail
from samband.adapters.xml.safe import parse_xml, qname, shared_parses
from samband.adapters.xml.schemas import schema_for_namespace, validate_with_catalog
from samband.kernel.envelope import Envelope
from samband.kernel.errors import ContractViolation, GatewayError, MessageRejected, UnsupportedMessage
from samband.kernel.formats import PAYLOAD_FAMILIES, Format
from samband.kernel.problems import Problem, Severity


@dataclass(frozen=True)
class FormatSteps:
    """The steps of one format; None where the format has no such step."""

    detect: Callable[[sniff.Sniffed], bool] | None
    envelope: Callable[[bytes], Envelope] | None
    parse: Callable[[bytes], object] | None
    validate: Callable[[bytes], list[Problem]] | None
    serialize: Callable[[Any], bytes] | None


XML_MEDIA_TYPES = frozenset({"text/xml", "application/xml"})


def _validate_cppa(raw: bytes) -> list[Problem]:
    registry.parse_cppa(raw)
    return []


def _parse_adresseregister(raw: bytes) -> object:
    """Adresseregister data contracts are read as data: CommunicationParty or CertificateDetails."""
    _namespace, local = qname(parse_xml(raw))
    if "Certificate" in local:
        return registry.parse_certificate_details(raw)
    return registry.parse_communication_party(raw)


def _validate_adresseregister(raw: bytes) -> list[Problem]:
    _parse_adresseregister(raw)
    return []


def _validate_payload(raw: bytes) -> list[Problem]:
    """A bare payload (PLO, Dialogmelding …) outside its Hodemelding: schema plus payload rules."""
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
    payload = msghead.PAYLOADS.get(namespace)
    rules = payload.validate(root) if payload is not None else []
    return validate_with_catalog(root) + rules


def _parse_dialogmelding(raw: bytes) -> dialogmelding.Dialogmelding:
    return dialogmelding.parse_dialogmelding(parse_xml(raw))


def _serialize_dialogmelding(model: dialogmelding.Dialogmelding) -> bytes:
    element = dialogmelding.serialize_dialogmelding(model)
    return bytes(etree.tostring(element, xml_declaration=True, encoding="UTF-8"))


FORMATS: dict[Format, FormatSteps] = {
    Format.EBXML: FormatSteps(
        sniff.is_ebxml, ebxml.read_envelope, ebxml.parse_ebxml, ebxml.validate_ebxml, ebxml.serialize_ebxml
    ),
    Format.MSGHEAD: FormatSteps(
        sniff.is_msghead,
        msghead.read_envelope,
        msghead.parse_msghead,
        msghead.validate_msghead,
        msghead.serialize_msghead,
    ),
    Format.APPREC: FormatSteps(
        sniff.is_apprec,
        apprec.read_envelope,
        apprec.parse_apprec,
        apprec.validate_apprec,
        apprec.serialize_apprec,
    ),
    Format.PLO: FormatSteps(None, None, plo.parse_plo, plo.validate_plo, plo.serialize_plo_bytes),
    Format.DIALOGMELDING: FormatSteps(None, None, _parse_dialogmelding, None, _serialize_dialogmelding),
    Format.FHIR: FormatSteps(
        sniff.is_fhir, fhir.fhir_envelope, fhir.read_fhir, fhir.validate_fhir, fhir.serialize_bundle
    ),
    Format.CPPA: FormatSteps(sniff.is_cppa, None, registry.parse_cppa, _validate_cppa, None),
    Format.ADRESSEREGISTER: FormatSteps(
        sniff.is_adresseregister, None, _parse_adresseregister, _validate_adresseregister, None
    ),
    Format.IP_EXPORT: FormatSteps(
        sniff.is_ip_export, iplan.envelope, iplan.parse, iplan.validate_iplan, iplan.serialize_json
    ),
    Format.PAYLOAD: FormatSteps(sniff.is_payload, None, None, _validate_payload, None),
}
"""Every document format (not ``as-is``, which is a route target), in detection order."""


def detect(raw: bytes) -> Format:
    """Tell what ``raw`` is from its first bytes and root element; coded errors for the unknown."""
    return _detected(sniff.sniff(raw))


def _detected(sniffed: sniff.Sniffed) -> Format:
    for name, steps in FORMATS.items():
        if steps.detect is not None and steps.detect(sniffed):
            return name
    raise UnsupportedMessage(
        "JSON document is neither a FHIR resource nor an ip-export",
        code="message.unknown-json",
        expected="resourceType (FHIR) or an ip-export document",
    )


def validate(raw: bytes) -> tuple[Format | None, list[Problem]]:
    """Detect and validate one document; refusals become findings, never exceptions."""
    try:
        kind = detect(raw)
        return kind, _validator(kind)(raw)
    except GatewayError as error:
        return None, [error.problem()]


def _validator(kind: Format) -> Callable[[bytes], list[Problem]]:
    validator = FORMATS[kind].validate
    if validator is None:
        raise UnsupportedMessage(
            f"{kind} documents are not validated on their own", code="message.no-validator"
        )
    return validator


def rejection(kind: Format, findings: list[Problem]) -> MessageRejected | None:
    """The coded refusal for error-level findings (None when there is none).

    Hodemelding, AppRec and XML refusals keep their own class (and so their AppRec 8221 code:
    E10 bad MsgId, E31 bad FNR, T01 broken XML, T10 unknown type …); ip-export problems keep
    their ``ip-export.*`` code as a ContractViolation.
    """
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if not errors:
        return None
    if kind is Format.IP_EXPORT:
        first = errors[0]
        return ContractViolation(
            first.text, code=first.code, where=first.path, line=first.line, column=first.column
        )
    return msghead.rejection_for(errors)


def check(raw: bytes) -> tuple[Format, list[Problem]]:
    """Receiving gate: detect and validate, raising the coded refusal on any error finding."""
    kind = detect(raw)
    findings = _validator(kind)(raw)
    refused = rejection(kind, findings)
    if refused is not None:
        raise refused
    return kind, findings


def read_envelope(raw: bytes) -> tuple[Format, Envelope]:
    """The envelope facts of a message the gateway can route (Hodemelding, AppRec, ebXML, FHIR, ip-export)."""
    kind = detect(raw)
    return kind, _envelope_reader(kind)(raw)


def _envelope_reader(kind: Format) -> Callable[[bytes], Envelope]:
    reader = FORMATS[kind].envelope
    if reader is None:
        raise UnsupportedMessage(
            f"a {kind} document carries no message envelope",
            code="message.no-envelope",
            expected="Hodemelding, AppRec, ebXML, FHIR or ip-export",
            received=str(kind),
        )
    return reader


def read_and_check(raw: bytes) -> tuple[Format, Envelope, list[Problem]]:
    """``read_envelope`` and ``check`` of one document, raising what either raises; a Hodemelding is
    parsed once for both (the envelope is read before the checks' tolerance repairs change the tree,
    so it is a tree of its own, never one ``shared_parses`` hands out)."""
    with shared_parses(False):
        sniffed = sniff.sniff(raw)
    kind = _detected(sniffed)
    read = _envelope_reader(kind)
    if kind is Format.MSGHEAD and sniffed.document is not None:
        envelope = msghead.envelope_of(sniffed.document)
        findings = msghead.validate_document(sniffed.document)
    else:
        envelope = read(raw)
        findings = _validator(kind)(raw)
    refused = rejection(kind, findings)
    if refused is not None:
        raise refused
    return kind, envelope, findings


def payload_format(namespace: str | None) -> Format | None:
    """The payload family of a Hodemelding (``plo`` or ``dialogmelding``) from its payload namespace."""
    if namespace in plo.PLO_PAYLOADS:
        return Format.PLO
    if namespace in (dialogmelding.DIALOGMELDING_1_0.namespace, dialogmelding.DIALOGMELDING_1_1.namespace):
        return Format.DIALOGMELDING
    return None


def translated_as(kind: Format, namespace: str | None) -> Format:
    """What a message is translated as: a Hodemelding as its payload family, anything else as itself."""
    if kind is Format.MSGHEAD:
        return payload_format(namespace) or kind
    return kind


def source_format(raw: bytes) -> Format:
    """What a document is translated as (``translated_as`` of its detected format and envelope)."""
    kind = detect(raw)
    if kind is not Format.MSGHEAD:
        return kind
    return translated_as(kind, msghead.read_envelope(raw).namespace)


def translatable(raw: bytes) -> bytes:
    """What a translation reads: the Hodemelding an ebXML message carries (its one XML payload; an
    encrypted payload is not readable here), or ``raw`` itself for any other document."""
    if detect(raw) is not Format.EBXML:
        return raw
    payloads = ebxml.parse_ebxml(raw).payloads
    xml = [p.data for p in payloads if ebxml_mail.media_type(p.content_type) in XML_MEDIA_TYPES]
    if len(xml) != 1:
        raise UnsupportedMessage(
            f"the ebXML message carries {len(xml)} XML payloads, so there is no one document to translate",
            code="ebxml.no-xml-payload",
            where="MIME parts",
            expected="one XML payload (a Hodemelding); an encrypted payload is read after decryption",
            received=", ".join(p.content_type for p in payloads) or "no payloads",
        )
    return xml[0]


def families(kind: Format) -> tuple[Format, ...]:
    """What a message that came in as ``kind`` may be translated as: a Hodemelding (bare or inside
    ebXML) as one of its payload families, anything else as itself."""
    return PAYLOAD_FAMILIES if kind in (Format.EBXML, Format.MSGHEAD) else (kind,)
