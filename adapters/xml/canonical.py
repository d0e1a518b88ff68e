"""Canonical form and identity of an XML message, for semantic comparison (diff, golden tests).

Canonical form: C14N 2.0 (W3C, 2013) of the safely parsed document with text trimmed, comments
dropped and namespace prefixes renamed in document order (ns0, ns1 …), so encoding, indentation,
attribute order and the choice of prefix do not count. Identity: the id a sender gives the
message (Hodemelding MsgInfo/MsgId, AppRec Id, ebXML eb:MessageData/eb:MessageId, ip-export exportId).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from samband.adapters.xml.safe import XmlLimits, parse_xml, qname

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# Root local name → where that message keeps its id (local names, any namespace).
MESSAGE_ID_PATHS: dict[str, str] = {
    "Envelope": "{*}Header/{*}MessageHeader/{*}MessageData/{*}MessageId",  # ebMS 2.0 SOAP envelope
    "MsgHead": "{*}MsgInfo/{*}MsgId",  # Hodemelding 1.2
    "AppRec": "{*}Id",  # Applikasjonskvittering 1.0/1.1
    "IndividualPlanExport": "{*}exportId",  # ip-export v1
}
# A Hodemelding inside a wrapper (NAV's EI_fellesformat, a SOAP Body) is found where it is.
NESTED_MSGHEAD_ID = ".//{*}MsgHead/{*}MsgInfo/{*}MsgId"


@dataclass(frozen=True)
class CanonicalXml:
    """One XML document reduced for comparison: root name, message id and canonical text."""

    root: str
    message_id: str | None
    canonical: str


def _namespaces(root: etree._Element) -> list[str]:
    """Namespaces of elements and attributes, in document order, each once (xml: excluded)."""
    found: dict[str, None] = {}
    for element in root.iter(tag=etree.Element):
        names = [element.tag, *element.attrib]
        for name in names:
            namespace = etree.QName(name).namespace
            if namespace and namespace != XML_NS:
                found.setdefault(namespace, None)
    return list(found)


def _resolved_type(element: etree._Element, value: str) -> str:
    """xsi:type="p:Local" → "{uri}Local", so renaming prefixes keeps what the value means."""
    prefix, _, local = value.rpartition(":")
    namespace = element.nsmap.get(prefix or None)
    return f"{{{namespace}}}{local}" if namespace else value


def _copy(source: etree._Element, target: etree._Element) -> None:
    for name, value in sorted(source.attrib.items()):
        target.set(name, _resolved_type(source, value) if name == XSI_TYPE else value)
    target.text = (source.text or "").strip() or None
    for child in source:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions do not count
        copy = etree.SubElement(target, child.tag)
        _copy(child, copy)
        copy.tail = (child.tail or "").strip() or None


def normalised(root: etree._Element) -> etree._Element:
    """A copy of ``root`` with prefixes ns0, ns1 … in document order, text trimmed, comments gone."""
    nsmap = {f"ns{index}": namespace for index, namespace in enumerate(_namespaces(root))}
    copy = etree.Element(root.tag, nsmap=nsmap)
    _copy(root, copy)
    return copy


def canonical_text(root: etree._Element) -> str:
    """C14N 2.0 of the normalised copy of ``root``."""
    return str(etree.canonicalize(normalised(root), strip_text=True, with_comments=False))


def message_id(root: etree._Element) -> str | None:
    """The sender's id of the message, by its root element, else of a wrapped Hodemelding; or None."""
    found = root.find(MESSAGE_ID_PATHS.get(qname(root)[1], NESTED_MSGHEAD_ID))
    text = (found.text or "").strip() if found is not None else ""
    return text or None


def canonicalize_xml(raw: bytes, limits: XmlLimits | None = None) -> CanonicalXml:
    """Parse ``raw`` (through ``parse_xml``, so the same refusals apply) and reduce it."""
    root = parse_xml(raw, limits)
    return CanonicalXml(root=qname(root)[1], message_id=message_id(root), canonical=canonical_text(root))


def pretty_xml(canonical: str) -> str:
    """The canonical text indented one element per line, for a readable unified diff."""
    root = parse_xml(canonical.encode("utf-8"))
    etree.indent(root, space="  ")
    return str(etree.tostring(root, encoding="unicode"))


def xml_equivalent(left: bytes, right: bytes) -> bool:
    """True when both documents have the same canonical form."""
    return canonicalize_xml(left).canonical == canonicalize_xml(right).canonical
