"""Norwegian profile checks on a read ebXML message: MIME layout, signals, Service/Action/Role, parties.

Each check is a small function returning findings with the rule ids of ``rules.RULES``
(HIS 1037, HITS 1171/1172, HISD 1209).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from lxml import etree

from samband.adapters.ebxml.builders import default_cpa_id
from samband.adapters.ebxml.mail import content_type_param, header_value, media_type
from samband.adapters.ebxml.mime import Unpacked
from samband.adapters.ebxml.model import EbxmlMessage, MessageKind, Party
from samband.adapters.ebxml.names import (
    ACTION_ACKNOWLEDGMENT,
    ACTION_MESSAGE_ERROR,
    APPREC_ACTION,
    EB_NS,
    EB_VERSION,
    EBXML_ERROR_CODES,
    MSH_SERVICE,
    ROLE_RECEIVER,
    ROLE_SENDER,
    SERVICE_PREFIX,
    SOAP_PART_TYPE,
)
from samband.adapters.ebxml.rules import finding
from samband.kernel.problems import Problem

HEADER = "/SOAP:Envelope/SOAP:Header/eb:MessageHeader"
_ZONE = re.compile(r"(Z|[+-]\d\d:\d\d)$")
_HER_PAIR = re.compile(r"^\d+_\d+$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def mime_findings(unpacked: Unpacked, soap_action: str | None) -> list[Problem]:
    """HIS 1037 §8.1 / HITS 1172 §5.5 packaging rules; top-level headers only when present."""
    findings: list[Problem] = []
    action = soap_action if soap_action is not None else header_value(unpacked.headers, "SOAPAction")
    if action is not None and action.strip() != '"ebXML"':
        findings.append(finding("ebxml.soap-action", f"SOAPAction is {action!r}", xpath="SOAPAction"))
    elif action is None and unpacked.headers:
        findings.append(finding("ebxml.soap-action", "SOAPAction header missing", xpath="SOAPAction"))
    if unpacked.headers and (header_value(unpacked.headers, "MIME-Version") or "").strip() != "1.0":
        findings.append(finding("ebxml.mime-version", "MIME-Version is not 1.0", xpath="MIME-Version"))
    if unpacked.start is None:
        return findings
    if (content_type_param(unpacked.content_type, "type") or "").lower() != SOAP_PART_TYPE:
        findings.append(finding("ebxml.mime-type-param", "type parameter missing", xpath="Content-Type"))
    if content_type_param(unpacked.content_type, "start") is None:
        findings.append(
            finding("ebxml.mime-start", "the first part is taken as SOAP part", xpath="Content-Type")
        )
    if not unpacked.terminated:
        findings.append(finding("ebxml.mime-unterminated", "package ends without --boundary--", xpath="MIME"))
    start_type = unpacked.start.content_type
    if media_type(start_type) != SOAP_PART_TYPE:
        findings.append(finding("ebxml.soap-part-type", f"SOAP part is {start_type}", xpath="MIME part 1"))
    if (content_type_param(start_type, "charset") or "").upper() != "UTF-8":
        findings.append(finding("ebxml.soap-part-charset", f"SOAP part is {start_type}", xpath="MIME part 1"))
    payloads = [part for part in unpacked.parts if part is not unpacked.start]
    if len(payloads) > 1:
        where = f"MIME part {payloads[1].index + 1}"
        findings.append(finding("ebxml.payload-count", f"{len(payloads)} payload parts", xpath=where))
    for part in payloads:
        where = f"MIME part {part.index + 1}"
        if not part.content_id:
            findings.append(finding("ebxml.payload-content-id", "no Content-ID", xpath=where))
        if part.transfer_encoding != "base64":
            findings.append(finding("ebxml.payload-encoding", part.transfer_encoding, xpath=where))
        kind = media_type(part.content_type)
        smime = (content_type_param(part.content_type, "smime-type") or "").lower()
        if kind != "application/pkcs7-mime" or smime != "enveloped-data":
            findings.append(finding("ebxml.payload-type", part.content_type, xpath=where))
    return findings


def _signal(message: EbxmlMessage) -> list[Problem]:
    head, found = message.header, []
    signal_action = head.action in (ACTION_ACKNOWLEDGMENT, ACTION_MESSAGE_ERROR)
    if signal_action != (head.service.value == MSH_SERVICE):
        found.append(finding("ebxml.signal-service", f"{head.service.value} / {head.action}", xpath=HEADER))
    if head.action == ACTION_ACKNOWLEDGMENT and message.acknowledgment is None:
        found.append(finding("ebxml.signal-service", "Action Acknowledgment without eb:Acknowledgment"))
    if head.action == ACTION_MESSAGE_ERROR and message.error_list is None:
        found.append(finding("ebxml.signal-service", "Action MessageError without eb:ErrorList"))
    if head.from_party.role or head.to_party.role:
        found.append(finding("ebxml.signal-role", "eb:Role present", xpath=f"{HEADER}/eb:From"))
    if message.ack_requested is not None:
        found.append(finding("ebxml.signal-ack-requested", "eb:AckRequested on a signal"))
    if message.manifest or message.other_body:
        found.append(finding("ebxml.signal-body", "SOAP:Body is not empty", xpath="/SOAP:Envelope/SOAP:Body"))
    return found


def _error_list(message: EbxmlMessage) -> list[Problem]:
    found = []
    if message.kind is MessageKind.MESSAGE_ERROR and not message.header.message_data.ref_to_message_id:
        found.append(finding("ebxml.error-ref", "no eb:RefToMessageId", xpath=f"{HEADER}/eb:MessageData"))
    if message.error_list is not None:
        severities = {e.severity for e in message.error_list.errors}
        highest = "Error" if "Error" in severities else "Warning"
        if message.error_list.highest_severity != highest:
            found.append(finding("ebxml.error-severity", f"highestSeverity should be {highest}"))
        found.extend(
            finding("ebxml.error-code", f"errorCode {e.error_code!r}")
            for e in message.error_list.errors
            if e.error_code not in EBXML_ERROR_CODES
        )
    return found


def _business(message: EbxmlMessage) -> list[Problem]:
    found = []
    if message.ack_requested is None:
        found.append(finding("ebxml.ack-requested", "no eb:AckRequested", xpath="/SOAP:Envelope/SOAP:Header"))
    elif not message.ack_requested.signed:
        found.append(finding("ebxml.ack-unsigned", 'eb:signed is not "true"'))
    if not message.header.duplicate_elimination:
        found.append(finding("ebxml.duplicate-elimination", "no eb:DuplicateElimination", xpath=HEADER))
    if not message.manifest:
        found.append(finding("ebxml.manifest-missing", "no eb:Manifest", xpath="/SOAP:Envelope/SOAP:Body"))
    return found + _service_action_role(message)


def _service_action_role(message: EbxmlMessage) -> list[Problem]:
    head, found = message.header, []
    service, action = head.service.value, head.action
    if head.service.type is None and not _URI.match(service):
        found.append(finding("ebxml.service-type", f"Service {service!r} without eb:type", xpath=HEADER))
    if not service.startswith(SERVICE_PREFIX):
        return [
            *found,
            finding("ebxml.service-national", f"Service {service!r}", xpath=f"{HEADER}/eb:Service"),
        ]
    base = service.removeprefix(SERVICE_PREFIX)
    if action not in (base, APPREC_ACTION):
        found.append(finding("ebxml.service-action", f"{service} / {action}", xpath=f"{HEADER}/eb:Action"))
    expected = (base + ROLE_SENDER, base + ROLE_RECEIVER)
    if action == APPREC_ACTION:
        expected = (expected[1], expected[0])
    if (head.from_party.role, head.to_party.role) != expected:
        text = f"{head.from_party.role} → {head.to_party.role} for {service}"
        found.append(finding("ebxml.role", text, xpath=f"{HEADER}/eb:From/eb:Role"))
    return found


def _party(party: Party, name: str) -> list[Problem]:
    found = []
    if party.her_id is None:
        found.append(finding("ebxml.party-her", f"eb:{name} has no HER PartyId", xpath=f"{HEADER}/eb:{name}"))
    doubled = [t for t, n in Counter(p.type for p in party.party_ids).items() if n > 1]
    if doubled:
        text = f"eb:{name} repeats type {doubled[0]}"
        found.append(finding("ebxml.party-duplicate-type", text, xpath=f"{HEADER}/eb:{name}"))
    return found


def _addressing(message: EbxmlMessage) -> list[Problem]:
    head = message.header
    found = _party(head.from_party, "From") + _party(head.to_party, "To")
    sender, receiver = head.from_party.her_id, head.to_party.her_id
    hers = [h for h in (sender, receiver) if h and h.isdigit()]
    if _HER_PAIR.match(head.cpa_id) and len(hers) == 2 and head.cpa_id != default_cpa_id(*hers):
        text = f"CPAId {head.cpa_id} for HER {sender} → {receiver}"
        found.append(finding("ebxml.cpa-id", text, xpath=f"{HEADER}/eb:CPAId"))
    if not _ZONE.search(head.message_data.timestamp):
        text = f"Timestamp {head.message_data.timestamp} read as UTC"
        found.append(finding("ebxml.timestamp-zone", text, xpath=f"{HEADER}/eb:MessageData/eb:Timestamp"))
    return found


def _manifest(message: EbxmlMessage, unpacked: Unpacked) -> list[Problem]:
    found, named = [], set()
    for index, reference in enumerate(message.manifest, start=1):
        where = f"/SOAP:Envelope/SOAP:Body/eb:Manifest/eb:Reference[{index}]"
        content_id = reference.content_id
        if content_id is None:
            found.append(finding("ebxml.manifest-href", f"href {reference.href!r}", xpath=where))
            continue
        named.add(content_id)
        if not unpacked.is_multipart:
            found.append(
                finding("ebxml.manifest-envelope-only", f"cid:{content_id} not checked", xpath=where)
            )
        elif message.payload(content_id) is None:
            found.append(
                finding("ebxml.manifest-payload", f"no part with Content-ID <{content_id}>", xpath=where)
            )
    found.extend(
        finding("ebxml.payload-unreferenced", f"part <{p.content_id}>", xpath="MIME")
        for p in message.payloads
        if p.content_id not in named
    )
    return found


def header_findings(root: etree._Element) -> list[Problem]:
    """Tree-level checks: eb:version on every header/body entry, a ds:Signature present."""
    entries = [
        e for part in root for e in part if isinstance(e.tag, str) and e.tag.startswith(f"{{{EB_NS}}}")
    ]
    found = [
        finding("ebxml.version", f"eb:version is {e.get(f'{{{EB_NS}}}version')!r}", e)
        for e in entries
        if e.get(f"{{{EB_NS}}}version") not in (None, EB_VERSION)
    ]
    if root.find("{*}Header/{http://www.w3.org/2000/09/xmldsig#}Signature") is None:
        found.append(
            finding("ebxml.signature-missing", "unsigned envelope", xpath="/SOAP:Envelope/SOAP:Header")
        )
    return found


def profile_findings(message: EbxmlMessage, unpacked: Unpacked) -> list[Problem]:
    """All model-level profile checks for one message."""
    checks: list[Callable[[EbxmlMessage], list[Problem]]] = [_addressing, _error_list]
    checks.append(_signal if message.is_signal else _business)
    found = [f for check in checks for f in check(message)]
    return found + _manifest(message, unpacked)
