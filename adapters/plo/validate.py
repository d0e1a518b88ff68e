"""PLO rules beyond the XSD: Forsendelsesstatus, conversation reference, a patient, IPLOS and event codes.

Rule ids are stable (``plo.forsendelsesstatus`` …); every finding carries line and XPath. The XSD
itself is checked by the caller (``validate_with_catalog``) or by ``serialize_plo``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from lxml import etree

from samband.adapters.kith.datatypes import xpath_of
from samband.adapters.plo import catalog
from samband.adapters.plo.parse import (
    MSGHEAD_NS,
    as_element,
    find_logistikk,
    locate_payload,
    message_spec,
    namespaces,
)
from samband.adapters.xml.safe import qname
from samband.kernel.codes import lookup
from samband.kernel.errors import GatewayError
from samband.kernel.problems import Problem, Severity

Rule = Callable[[etree._Element, "Scope"], Iterator[Problem]]


class Scope:
    """What a rule may look at: the payload, its catalog row, and the MsgHead when there is one."""

    def __init__(self, payload: etree._Element, spec: catalog.MessageSpec) -> None:
        top = payload.getroottree().getroot()
        self.msghead = top if qname(top) == (MSGHEAD_NS, "MsgHead") else None
        self.spec = spec
        self.po = str(namespaces(spec)["po"])

    def po_tag(self, local: str) -> str:
        return f"{{{self.po}}}{local}"


def _finding(rule: str, severity: Severity, message: str, element: etree._Element) -> Problem:
    return Problem(rule, severity, message, line=element.sourceline, path=xpath_of(element))


def forsendelsesstatus(payload: etree._Element, scope: Scope) -> Iterator[Problem]:
    """InformasjonOmForsendelsen/Forsendelsesstatus must be present and a code of 7309 (N, M, C …)."""
    info = next(payload.iter(scope.po_tag("InformasjonOmForsendelsen")), None)
    status = None if info is None else info.find(scope.po_tag("Forsendelsesstatus"))
    allowed = lookup.table("7309").codes
    if status is None:
        where = payload if info is None else info
        yield _finding(
            "plo.forsendelsesstatus", Severity.ERROR, "Forsendelsesstatus (7309) is missing", where
        )
    elif status.get("V") not in allowed:
        message = f"Forsendelsesstatus V={status.get('V')!r} is not one of {', '.join(allowed)} (7309)"
        yield _finding("plo.forsendelsesstatus", Severity.ERROR, message, status)


def conversation_ref(payload: etree._Element, scope: Scope) -> Iterator[Problem]:
    """Endring (M) and Kansellering (C) refer to the conversation: MsgHead needs ConversationRef."""
    status = next(payload.iter(scope.po_tag("Forsendelsesstatus")), None)
    if scope.msghead is None or status is None or status.get("V") not in ("M", "C"):
        return
    if scope.msghead.find(f"{{{MSGHEAD_NS}}}MsgInfo/{{{MSGHEAD_NS}}}ConversationRef") is None:
        message = (
            f"Forsendelsesstatus {status.get('V')} without MsgInfo/ConversationRef to the original message"
        )
        yield _finding("plo.conversation-ref", Severity.WARNING, message, status)


def patient_present(payload: etree._Element, scope: Scope) -> Iterator[Problem]:
    """A PLO message is about one patient: its Hodemelding names the patient in MsgInfo/Patient (E36)."""
    info = None if scope.msghead is None else scope.msghead.find(f"{{{MSGHEAD_NS}}}MsgInfo")
    if info is not None and info.find(f"{{{MSGHEAD_NS}}}Patient") is None:
        message = "PLO message without MsgInfo/Patient; expected the patient's name and fødselsnummer"
        yield _finding("patient.unidentified", Severity.ERROR, message, info)


def msginfo_type(payload: etree._Element, scope: Scope) -> Iterator[Problem]:
    """MsgInfo/Type (8279) agrees with the payload: root, or the Pasientlogistikk element."""
    if scope.msghead is None:
        return
    type_el = scope.msghead.find(f"{{{MSGHEAD_NS}}}MsgInfo/{{{MSGHEAD_NS}}}Type")
    event = find_logistikk(payload, scope.spec)
    expected = scope.spec.kind or (
        catalog.logistikk_kinds()[qname(event)[1]][0] if event is not None else None
    )
    if type_el is not None and expected and catalog.canonical_kind(type_el.get("V") or "") != expected:
        message = f"MsgInfo/Type {type_el.get('V')!r} does not match the payload, which is {expected}"
        yield _finding("plo.msginfo-type", Severity.WARNING, message, type_el)


def _coded(payload: etree._Element, scope: Scope, local: str, list_id: str, rule: str) -> Iterator[Problem]:
    codes = lookup.table(list_id)
    for element in payload.iter(scope.po_tag(local)):
        value, system = element.get("V"), element.get("S")
        if system is not None and system != codes.oid:
            message = f"{local} S={system!r}, expected {codes.oid} ({codes.name})"
            yield _finding(rule, Severity.WARNING, message, element)
        elif value is None or not value.isdigit():
            yield _finding(rule, Severity.WARNING, f"{local} V={value!r} is not a {codes.name} code", element)
        elif codes.complete and value not in codes.codes:
            yield _finding(
                rule, Severity.WARNING, f"unknown {codes.name} code {value!r} ({list_id})", element
            )


def iplos_codes(payload: etree._Element, scope: Scope) -> Iterator[Problem]:
    """IPLOS Funksjonsvariabel (9111) and IPLOStjenestetype (9151) codes; Vurdering 1–5 or 9."""
    yield from _coded(payload, scope, "Funksjonsvariabel", "9111", "plo.iplos-funksjonsvariabel")
    yield from _coded(payload, scope, "IPLOStjenestetype", "9151", "plo.iplos-tjenestetype")
    scores = catalog.iplos_vurdering()
    for element in payload.iter(scope.po_tag("Vurdering")):
        if (element.text or "").strip() not in scores:
            message = f"IPLOS Vurdering {element.text!r} is not a score ({', '.join(scores)})"
            yield _finding("plo.iplos-vurdering", Severity.WARNING, message, element)


def logistikk_hendelse(payload: etree._Element, scope: Scope) -> Iterator[Problem]:
    """A Pasientlogistikk element carries the Hendelsekode (9121) of its kind (1 innlagt … 13 død)."""
    yield from _coded(payload, scope, "Hendelsekode", "9121", "plo.hendelsekode")
    event = find_logistikk(payload, scope.spec)
    expected = None if event is None else catalog.logistikk_hendelse().get(qname(event)[1])
    if event is None or expected is None:
        return
    codes = {code.get("V") for code in event.iter(scope.po_tag("Hendelsekode"))}
    if expected not in codes:
        message = f"{qname(event)[1]} has no TidsfestetHendelse with Hendelsekode {expected} (9121)"
        yield _finding("plo.logistikk-hendelse", Severity.WARNING, message, event)


RULES: tuple[Rule, ...] = (
    forsendelsesstatus,
    conversation_ref,
    patient_present,
    msginfo_type,
    iplos_codes,
    logistikk_hendelse,
)


def validate_plo(data: bytes | etree._Element) -> list[Problem]:
    """Findings for PLO rules beyond the XSD, for a payload root or a whole MsgHead.

    An unsupported or missing payload is one error finding (its GatewayError code as rule).
    """
    try:
        payload = locate_payload(as_element(data))
        spec = message_spec(payload)
    except GatewayError as exc:
        return [Problem(exc.code, Severity.ERROR, exc.detail, line=exc.line, path=exc.where)]
    scope = Scope(payload, spec)
    return [finding for rule in RULES for finding in rule(payload, scope)]
