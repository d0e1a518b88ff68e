"""The tolerance list (shared/reference/README.md): deviations real senders make, found and repaired.

Each repair happens in place on a tree the validator parsed itself and gives one WARNING finding
with its own rule id, so the message is accepted and the deviation is still visible. What the
gateway sends is always strictly valid; these repairs apply on receive only.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from samband.adapters.kith.datatypes import local_name, pad_date, xpath_of
from samband.adapters.msghead.model import BASE64_NS, MSGHEAD_NS
from samband.kernel.codes import lookup
from samband.kernel.problems import Problem, Severity

NS = MSGHEAD_NS
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
MSGINFO_ORDER = (
    "Type", "MIGversion", "GenDate", "MsgId", "ProcessingStatus", "RequestedPriority", "Ack",
    "ConversationRef", "Sender", "Receiver", "OtherReceiver", "Patient",
)  # fmt: skip
DATE_ELEMENTS = frozenset({"DateOfBirth", "FraDato", "TilDato", "DatoNotat"})
DATE_TAGS = tuple(f"{{*}}{name}" for name in sorted(DATE_ELEMENTS))  # any namespace, document order
PERSON_PARENTS = frozenset({"Patient", "Person", "HealthcareProfessional"})
EXPECTED_SYSTEMS = {"org": {"9051"}, "person": {"8116"}}


def _warn(rule: str, message: str, element: etree._Element) -> Problem:
    return Problem(rule, Severity.WARNING, message, line=element.sourceline, path=xpath_of(element))


SEQUENCES: dict[str, tuple[str, ...]] = {
    "MsgInfo": MSGINFO_ORDER,
    "ConversationRef": ("RefToParent", "RefToConversation"),
    "TeleCom": ("TypeTelecom", "TeleAddress"),
    "Ident": ("Id", "TypeId"),
    "Address": ("Type", "StreetAdr", "PostalCode", "City", "Postbox", "County", "Country"),
}


def child_order(root: etree._Element) -> list[Problem]:
    """Children of MsgInfo, ConversationRef, TeleCom, Ident, Address put back in schema order.

    GP systems send RefToConversation before RefToParent, Ack after ConversationRef and
    TeleAddress before TypeTelecom; the reader matches by name, the warning keeps it visible.
    """
    findings = []
    for element in root.iter(*(f"{{{NS}}}{name}" for name in SEQUENCES)):
        order = SEQUENCES[local_name(element)]
        known = [el for el in element if isinstance(el.tag, str) and el.tag.startswith(f"{{{NS}}}")]
        if any(local_name(el) not in order for el in known):
            continue  # unknown children: left for the schema check to report
        ordered = sorted(known, key=lambda el: order.index(local_name(el)))
        if ordered == known:
            continue
        misplaced = next(a for a, b in zip(known, ordered, strict=True) if a is not b)
        for el in ordered:
            element.append(el)
        rule = f"msghead.{local_name(element).lower()}-order"
        message = (
            f"{local_name(element)} children out of schema order ({local_name(misplaced)}); read by name"
        )
        findings.append(_warn(rule, message, element))
    return findings


def unpadded_dates(root: etree._Element) -> list[Problem]:
    """xs:date without zero padding (``1991-12-4``) is padded."""
    findings = []
    for el in root.iter(*DATE_TAGS):
        if el.text:
            padded = pad_date(el.text)
            if padded != el.text.strip():
                findings.append(_warn("msghead.date-unpadded", f"date {el.text!r} read as {padded}", el))
                el.text = padded
    return findings


def ident_oids(root: etree._Element) -> list[Problem]:
    """Ident/TypeId/@S should name 9051 (organisations) or 8116 (persons); matched on V regardless."""
    findings = []
    for type_id in root.iter(f"{{{NS}}}TypeId"):
        ident = type_id.getparent()
        owner = ident.getparent() if ident is not None else None
        oid = type_id.get("S")
        if owner is None or oid is None:
            continue
        kind = "person" if local_name(owner) in PERSON_PARENTS else "org"
        allowed = EXPECTED_SYSTEMS[kind] | ({"9051", "8116"} if type_id.get("V") == "HER" else set())
        if not any(oid == lookup.oid(system) for system in allowed):
            expected = " or ".join(lookup.oid(s) for s in sorted(allowed))
            message = f"TypeId V={type_id.get('V')!r} has S={oid!r}, expected {expected}; matched on V"
            findings.append(_warn("msghead.ident-oid", message, type_id))
    return findings


def base64_attributes(root: etree._Element) -> list[Problem]:
    """Base64Container allows no attributes but xsi:*; a misspelt xsi:schemaLocation is dropped."""
    findings = []
    for container in root.iter(f"{{{BASE64_NS}}}Base64Container"):
        for name in list(container.attrib):
            if etree.QName(name).namespace != XSI_NS:
                findings.append(
                    _warn("msghead.base64-schemalocation", f"foreign attribute {name} ignored", container)
                )
                del container.attrib[name]
    return findings


REPAIRS: tuple[Callable[[etree._Element], list[Problem]], ...] = (
    child_order,
    unpadded_dates,
    ident_oids,
    base64_attributes,
)


def repair(root: etree._Element) -> list[Problem]:
    """Apply every repair of the tolerance list to the MsgHead tree; one warning per deviation."""
    return [finding for step in REPAIRS for finding in step(root)]
