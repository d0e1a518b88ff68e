"""The ebXML profile rules ``validate_ebxml`` reports: stable id → severity, source and meaning.

Ids never change once published; severities follow HITS 1172 and the tolerance list of
shared/reference/README.md (deviations real senders make are warnings, not errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from lxml import etree

from samband.kernel.problems import Problem, Severity

ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Rule:
    severity: Severity
    source: str
    text: str


RULES = MappingProxyType(
    {
        # Envelope and XSD (msg-header-2_0.xsd, SOAP 1.1 envelope.xsd)
        "ebxml.xsd": Rule(ERR, "msg-header-2_0.xsd", "envelope fails the official schema"),
        "ebxml.unreadable": Rule(ERR, "HITS 1172", "message cannot be read as an ebXML envelope"),
        "ebxml.must-understand": Rule(
            WARN, "HIS 1037 §6; README tolerance", 'mustUnderstand="true", not "1"'
        ),
        "ebxml.must-understand-missing": Rule(
            WARN, "README tolerance", "header entry without mustUnderstand"
        ),
        "ebxml.ack-reference-unqualified": Rule(
            WARN, "README tolerance", "copied Reference not in ds namespace"
        ),
        "ebxml.signature-placeholder": Rule(WARN, "README tolerance", "signature value is not base64"),
        "ebxml.whitespace": Rule(WARN, "HITS 1171 §5", "identifier with surrounding whitespace"),
        "ebxml.version": Rule(ERR, "ebMS 2.0 §2.3.8", 'eb:version must be "2.0"'),
        "ebxml.signature-missing": Rule(WARN, "HIS 1037 §5.5", "no ds:Signature in SOAP:Header"),
        # MIME packaging (HIS 1037 §8.1, HITS 1172 §5.5)
        "ebxml.soap-action": Rule(ERR, "HITS 1172 rules 22, 51", 'SOAPAction must be "ebXML"'),
        "ebxml.mime-version": Rule(WARN, "HITS 1172 rules 21, 82", "MIME-Version 1.0 missing"),
        "ebxml.mime-type-param": Rule(ERR, "HITS 1172 rule 253", 'multipart/related needs type="text/xml"'),
        "ebxml.mime-start": Rule(WARN, "RFC 2387 §3.2", "multipart/related without start parameter"),
        "ebxml.mime-unterminated": Rule(WARN, "RFC 2046 §5.1.1", "no closing MIME boundary"),
        "ebxml.soap-part-type": Rule(ERR, "HITS 1172 rule 255", "SOAP part must be text/xml"),
        "ebxml.soap-part-charset": Rule(WARN, "HITS 1172 rule 256", "SOAP part charset must be UTF-8"),
        "ebxml.payload-encoding": Rule(WARN, "HITS 1172 rule 259", "payload part should be base64"),
        "ebxml.payload-type": Rule(WARN, "HITS 1172 rule 260", "payload should be CMS enveloped-data"),
        "ebxml.payload-content-id": Rule(ERR, "HIS 1037 §8.1", "payload part without Content-ID"),
        "ebxml.payload-count": Rule(
            ERR, "HIS 1037 §8.1", "one payload part: the one Hodemelding or AppRec a message carries"
        ),
        "ebxml.manifest-payload": Rule(
            ERR, "HIS 1037 §6; ebMS 2.0 §3.2", "Manifest href has no payload part"
        ),
        "ebxml.manifest-envelope-only": Rule(
            INFO, "HIS 1037 §8.1", "envelope only: payload parts not checked"
        ),
        "ebxml.manifest-href": Rule(WARN, "ebMS 2.0 §3.2.1", "Manifest href is not a cid: reference"),
        "ebxml.manifest-missing": Rule(ERR, "HITS 1171 §5", "business message without Manifest"),
        "ebxml.payload-unreferenced": Rule(WARN, "ebMS 2.0 §3.2", "payload part not named in the Manifest"),
        # Header content (HITS 1171 ch. 5, HISD 1209)
        "ebxml.signal-service": Rule(
            ERR, "ebMS 2.0 §4.2, HITS 1171 §8", "signal Service/Action inconsistent"
        ),
        "ebxml.signal-role": Rule(WARN, "HITS 1171 §5", "Role must not be used in acks and errors"),
        "ebxml.signal-ack-requested": Rule(ERR, "HITS 1171 §8", "a signal must not ask for an ack"),
        "ebxml.signal-body": Rule(WARN, "HITS 1171 §8", "a signal has an empty Body"),
        "ebxml.error-ref": Rule(ERR, "ebMS 2.0 §4.2.3", "MessageError without RefToMessageId"),
        "ebxml.error-severity": Rule(WARN, "ebMS 2.0 §4.2.3.3", "highestSeverity does not match the errors"),
        "ebxml.error-code": Rule(WARN, "ebMS 2.0 §4.2.3.4.1", "errorCode not an ebMS 2.0 code"),
        "ebxml.ack-requested": Rule(
            ERR, "HITS 1171 §5; HIS 1037 §5.2", "business message without AckRequested"
        ),
        "ebxml.ack-unsigned": Rule(WARN, "HITS 1171 §5", 'AckRequested must ask for signed="true"'),
        "ebxml.duplicate-elimination": Rule(
            WARN, "HITS 1171 §5", "business message without DuplicateElimination"
        ),
        "ebxml.service-action": Rule(WARN, "HISD 1209:2018", 'Service is not "S-" + Action'),
        "ebxml.service-national": Rule(
            INFO, "HISD 1209:2018", "Service outside HISD 1209; check with the CPA"
        ),
        "ebxml.service-type": Rule(
            WARN, "HIS 1037 §6.2; ebMS 2.0 §3.1.4", "Service is not a URI and has no type"
        ),
        "ebxml.role": Rule(WARN, "HISD 1209:2018", 'Role is not Action + "sender"/"receiver"'),
        "ebxml.party-her": Rule(WARN, "HIS 1037 §6.2.1", "party without a HER PartyId"),
        "ebxml.party-duplicate-type": Rule(ERR, "HIS 1037 §6.2.1 errata 1", "two PartyIds of the same type"),
        "ebxml.cpa-id": Rule(WARN, "HIS 1037 §6.2.1", "HER_HER CPAId does not match the parties"),
        "ebxml.timestamp-zone": Rule(WARN, "HITS 1171 §5", "Timestamp without UTC or offset"),
    }
)


def finding(
    rule: str, message: str, element: etree._Element | None = None, xpath: str | None = None
) -> Problem:
    """A Problem for ``rule`` with its table severity, placed at ``element`` when given."""
    spec = RULES[rule]
    where = xpath
    if element is not None and where is None:
        where = str(element.getroottree().getpath(element))
    return Problem(
        code=rule,
        severity=spec.severity,
        text=f"{message} ({spec.source})",
        line=element.sourceline if element is not None else None,
        path=where,
    )
