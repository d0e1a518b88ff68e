"""Validation of an AppRec document: well-formedness, the AppRec 1.0/1.1 XSD and HIS 80415 rules
(Status from 8258, at least one Error when not OK, UUIDs), each as a Problem with line and XPath.
"""

from __future__ import annotations

import uuid

from lxml import etree

from samband.adapters.apprec.codec import apprec_root
from samband.adapters.kith.datatypes import child, children, text, xpath_of
from samband.adapters.msghead.parse import FELLESFORMAT_NS
from samband.adapters.msghead.schema import readable_all
from samband.adapters.xml.safe import qname
from samband.adapters.xml.schemas import compiled_schema, xsd_findings
from samband.kernel.errors import GatewayError
from samband.kernel.problems import Problem, Severity

STATUSES = frozenset({"1", "2", "3"})


def _finding(rule: str, severity: Severity, message: str, element: etree._Element) -> Problem:
    return Problem(rule, severity, message, line=element.sourceline, path=xpath_of(element))


def validate_apprec(raw: bytes) -> list[Problem]:
    """Every finding for one AppRec; refusals become error findings."""
    try:
        root = apprec_root(raw)
    except GatewayError as error:
        return [error.problem()]
    findings: list[Problem] = []
    parent = root.getparent()
    if parent is not None and qname(parent) == (FELLESFORMAT_NS, "EI_fellesformat"):
        findings.append(
            _finding("apprec.fellesformat-wrapper", Severity.WARNING, "NAV EI_fellesformat wrapper", parent)
        )
    ns = etree.QName(root).namespace or ""
    findings += readable_all(root, xsd_findings(root, compiled_schema({ns})))
    findings += _rules(root, ns)
    return findings


def _rules(root: etree._Element, ns: str) -> list[Problem]:
    findings = []
    status = child(root, ns, "Status")
    if status is not None and status.get("V") not in STATUSES:
        message = f"Status V={status.get('V')!r} is not in kodeverk 8258 (1, 2, 3)"
        findings.append(_finding("apprec.status-unknown", Severity.ERROR, message, status))
    errors = list(children(root, ns, "Error"))
    if status is not None and status.get("V") in {"2", "3"} and not errors:
        message = "Status 2/3 requires at least one Error (HIS 80415 §3)"
        findings.append(_finding("apprec.error-missing", Severity.ERROR, message, status))
    for local, where in (("Id", root), ("Id", child(root, ns, "OriginalMsgId"))):
        value = text(where, ns, local)
        element = child(where, ns, local)
        if value is None or element is None:
            continue
        try:
            uuid.UUID(value)
        except ValueError:
            message = f"{local} {value!r} is not a UUID"
            findings.append(_finding("apprec.id-not-uuid", Severity.WARNING, message, element))
    return findings
