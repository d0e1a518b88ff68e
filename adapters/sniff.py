"""What a document looks like from its first bytes and root element, and one predicate per format.

``sniff`` reads the document once (JSON, a MIME package or mail, or the XML root namespace with NAV's
EI_fellesformat unwrapped); ``adapters.formats.FORMATS`` asks each format's predicate in turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from samband.adapters.ebxml.mail import looks_like_mime
from samband.adapters.iplan import looks_like_ip_export
from samband.adapters.json.safe import read_json
from samband.adapters.xml.safe import parse_xml, qname
from samband.kernel.errors import ParseError

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
MSGHEAD_NS = "http://www.kith.no/xmlstds/msghead/2006-05-24"
APPREC_NS = {"http://www.kith.no/xmlstds/apprec/2004-11-21", "http://www.kith.no/xmlstds/apprec/2012-02-15"}
FELLESFORMAT_NS = "http://www.nav.no/xml/eiff/2/"
CPPA_NS = "http://www.oasis-open.org/committees/ebxml-cppa/schema/cpp-cpa-2_0.xsd"
AR_NS_PREFIX = "http://register.nhn.no/"
FHIR_NS = "http://hl7.org/fhir"


@dataclass(frozen=True)
class Sniffed:
    """The facts detection needs, read once: the JSON value, the MIME flag or the root namespace."""

    raw: bytes
    json: object = None
    mime: bool = False
    namespace: str | None = None
    document: etree._Element | None = field(default=None, compare=False, repr=False)
    """The parsed XML document (its root, not unwrapped), for a caller that reads it further."""

    @property
    def is_xml(self) -> bool:
        return self.namespace is not None


def _unwrap(root: etree._Element) -> etree._Element:
    """NAV's EI_fellesformat wraps a MsgHead or AppRec: look at the first standard child."""
    if qname(root) != (FELLESFORMAT_NS, "EI_fellesformat"):
        return root
    for child in root.iterchildren("{*}MsgHead", "{*}AppRec"):
        return child
    return root


def sniff(raw: bytes) -> Sniffed:
    """Read ``raw`` just far enough to tell its format; coded errors for empty or broken documents."""
    stripped = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ParseError("empty document", code="document.empty", expected="an XML or JSON document")
    if stripped.startswith((b"{", b"[")):
        return Sniffed(stripped, json=read_json(stripped))
    if looks_like_mime(stripped):
        return Sniffed(stripped, mime=True)
    document = parse_xml(raw)
    namespace, _local = qname(_unwrap(document))
    return Sniffed(raw, namespace=namespace, document=document)


def is_ebxml(s: Sniffed) -> bool:
    return s.mime or s.namespace == SOAP_NS


def is_msghead(s: Sniffed) -> bool:
    return s.namespace == MSGHEAD_NS


def is_apprec(s: Sniffed) -> bool:
    return s.namespace in APPREC_NS


def is_fhir(s: Sniffed) -> bool:
    """A FHIR resource in JSON (``resourceType``) or in XML (root in the FHIR namespace)."""
    return (isinstance(s.json, dict) and "resourceType" in s.json) or s.namespace == FHIR_NS


def is_cppa(s: Sniffed) -> bool:
    return s.namespace == CPPA_NS


def is_adresseregister(s: Sniffed) -> bool:
    return s.namespace is not None and s.namespace.startswith(AR_NS_PREFIX)


def is_ip_export(s: Sniffed) -> bool:
    return not s.mime and looks_like_ip_export(s.raw)


def is_payload(s: Sniffed) -> bool:
    """Any other XML: a bare payload (PLO, Dialogmelding …) outside its Hodemelding."""
    return s.is_xml
