"""``validate_ebxml``: XSD findings plus the Norwegian profile rules for one received message.

Order: MIME packaging → well-formedness → SOAP/ebXML shape → tolerated deviations (warnings) →
XSD on the mended copy (errors) → profile rules on the model. Never raises on bad input: a
message that cannot be read gives an error finding carrying the coded error.
"""

from __future__ import annotations

import dataclasses

from lxml import etree

from samband.adapters.ebxml.mime import unpack
from samband.adapters.ebxml.names import DS_NS, EB_NS, SOAP_NS, XLINK_NS, XML_NS
from samband.adapters.ebxml.profile import header_findings, mime_findings, profile_findings
from samband.adapters.ebxml.reader import check_root, message_from_tree, payloads_of
from samband.adapters.ebxml.tolerance import mend
from samband.adapters.xml.safe import parse_xml
from samband.adapters.xml.schemas import compiled_schema, xsd_findings
from samband.kernel.errors import GatewayError
from samband.kernel.problems import Problem

_NAMESPACES = (SOAP_NS, EB_NS, DS_NS, XLINK_NS, XML_NS)
_PREFIXES = {"SOAP": SOAP_NS, "eb": EB_NS, "ds": DS_NS}


def validate_ebxml(
    raw: bytes, *, content_type: str | None = None, soap_action: str | None = None
) -> list[Problem]:
    """Every finding for ``raw`` (bare envelope or MIME package; HTTP headers when known)."""
    findings: list[Problem] = []
    try:
        unpacked = unpack(raw, content_type)
        findings += mime_findings(unpacked, soap_action)
        root = parse_xml(unpacked.envelope)
        check_root(root)
        mended, tolerated = mend(root)
        findings += tolerated
        findings += xsd_findings(mended, compiled_schema(_NAMESPACES), rule="ebxml.xsd")
        message = message_from_tree(root, payloads_of(unpacked))
    except GatewayError as error:
        return [*findings, error.problem()]
    findings += header_findings(root) + profile_findings(message, unpacked)
    return [_placed(root, f) for f in findings]


def _placed(root: etree._Element, found: Problem) -> Problem:
    """Give a finding located only by XPath the line of the element it names."""
    if found.line is not None or not (found.path or "").startswith("/SOAP:Envelope"):
        return found
    try:
        hits = root.getroottree().xpath(found.path, namespaces=_PREFIXES)
    except etree.XPathError:
        return found
    element = hits[0] if isinstance(hits, list) and hits else None
    line = getattr(element, "sourceline", None)
    return dataclasses.replace(found, line=line) if isinstance(line, int) else found
