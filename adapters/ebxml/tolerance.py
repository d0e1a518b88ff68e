"""Known deviations of real senders (shared/reference/README.md, HITS 1172 results), found and mended.

``mend`` reports each deviation as a warning and returns a repaired copy of the envelope, so the
XSD check that follows reports only the real errors.
"""

from __future__ import annotations

import base64
import binascii
import copy

from lxml import etree

from samband.adapters.ebxml.fragments import requalified
from samband.adapters.ebxml.names import DS_NS, EB_NS, SOAP_NS
from samband.adapters.ebxml.rules import finding
from samband.kernel.problems import Problem

_MUST_UNDERSTAND = f"{{{SOAP_NS}}}mustUnderstand"
_HEADER_ENTRIES = frozenset(
    f"{{{EB_NS}}}{name}"
    for name in ("MessageHeader", "AckRequested", "Acknowledgment", "ErrorList", "SyncReply", "MessageOrder")
)
_BASE64_DS = frozenset(
    f"{{{DS_NS}}}{name}"
    for name in (
        "DigestValue",
        "SignatureValue",
        "X509Certificate",
        "Modulus",
        "Exponent",
        "X509SKI",
        "X509CRL",
    )
)
_IDENTIFIERS = frozenset(
    f"{{{EB_NS}}}{name}"
    for name in ("MessageId", "RefToMessageId", "ConversationId", "CPAId", "PartyId", "Action", "Service")
)


def _is_base64(text: str | None) -> bool:
    try:
        base64.b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _in_header(element: etree._Element) -> bool:
    parent = element.getparent()
    return parent is not None and etree.QName(parent).localname == "Header"


def _must_understand(root: etree._Element) -> list[Problem]:
    findings = []
    for element in root.iter():
        value = element.get(_MUST_UNDERSTAND) if isinstance(element.tag, str) else None
        if value == "true":
            findings.append(
                finding("ebxml.must-understand", 'SOAP:mustUnderstand="true"; read as "1"', element)
            )
            element.set(_MUST_UNDERSTAND, "1")
        elif value is None and element.tag in _HEADER_ENTRIES and _in_header(element):
            name = etree.QName(element).localname
            text = f"eb:{name} lacks mustUnderstand"
            findings.append(finding("ebxml.must-understand-missing", text, element))
            element.set(_MUST_UNDERSTAND, "1")
    return findings


def _unqualified_references(root: etree._Element) -> list[Problem]:
    findings = []
    for ack in root.iter(f"{{{EB_NS}}}Acknowledgment"):
        for child in list(ack):
            if isinstance(child.tag, str) and child.tag == "Reference":
                findings.append(
                    finding("ebxml.ack-reference-unqualified", "Reference read as ds:Reference", child)
                )
                ack.replace(child, requalified(child, DS_NS))
    return findings


def _placeholders(root: etree._Element) -> list[Problem]:
    findings = []
    for element in root.iter(*_BASE64_DS):
        if not _is_base64(element.text):
            name = etree.QName(element).localname
            text = (element.text or "").strip()[:20]
            findings.append(finding("ebxml.signature-placeholder", f"ds:{name} is {text!r}", element))
            element.text = ""
    return findings


def _whitespace(root: etree._Element) -> list[Problem]:
    return [
        finding("ebxml.whitespace", f"eb:{etree.QName(e).localname} {e.text!r} is read trimmed", e)
        for e in root.iter(*_IDENTIFIERS)
        if e.text and e.text != e.text.strip()
    ]


def mend(root: etree._Element) -> tuple[etree._Element, list[Problem]]:
    """(repaired copy of ``root``, one warning per tolerated deviation)."""
    repaired = copy.deepcopy(root)
    findings = _whitespace(repaired)
    for step in (_must_understand, _unqualified_references, _placeholders):
        findings.extend(step(repaired))
    return repaired, findings
