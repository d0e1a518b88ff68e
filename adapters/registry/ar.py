"""Read Adresseregister data-contract XML (WCF, ns http://register.nhn.no/…) into the AR model.

Accepts the bare contract element, a ``…Result`` wrapper or a whole SOAP response: the element
that carries the contract's children is found wherever it sits.
"""

from __future__ import annotations

import re
from datetime import datetime

from lxml import etree

from samband.adapters.registry.ar_model import (
    ArCertificate,
    Code,
    CommunicationParty,
    ElectronicAddress,
    PhysicalAddress,
)
from samband.adapters.registry.certificates import certificate_info
from samband.adapters.xml.safe import parse_xml
from samband.kernel.errors import ParseError

CP_NS = "http://register.nhn.no/CommunicationParty"
COMMON_NS = "http://register.nhn.no/Common"
HPR_NS = "http://register.nhn.no/HPR"
CERT_NS = "http://register.nhn.no/CertificateDetails"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_FRACTION = re.compile(r"(\.\d{1,6})\d*")


def _text(parent: etree._Element | None, tag: str) -> str | None:
    if parent is None:
        return None
    node = parent.find(tag)
    if node is None or node.get(f"{{{XSI_NS}}}nil") == "true":
        return None
    return (node.text or "").strip() or None


def _number(parent: etree._Element, tag: str) -> str | None:
    """WCF ints: 0 and -1 mean 'not set'."""
    value = _text(parent, tag)
    return None if value in (None, "0", "-1") else value


def _flag(parent: etree._Element, tag: str, default: bool) -> bool:
    value = _text(parent, tag)
    return default if value is None else value.lower() == "true"


def _time(parent: etree._Element | None, tag: str) -> datetime | None:
    """WCF dateTime; AR sends local time without zone, kept naive as sent."""
    value = _text(parent, tag)
    if value is None:
        return None
    try:
        return datetime.fromisoformat(_FRACTION.sub(r"\1", value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _code(node: etree._Element | None) -> Code | None:
    if node is None or node.get(f"{{{XSI_NS}}}nil") == "true":
        return None
    c = f"{{{COMMON_NS}}}"
    return Code(
        value=_text(node, c + "CodeValue"), text=_text(node, c + "CodeText"), oid=_text(node, c + "OID")
    )


def _electronic_addresses(party: etree._Element) -> tuple[ElectronicAddress, ...]:
    c = f"{{{COMMON_NS}}}"
    found = []
    for node in party.iterfind(f"{{{CP_NS}}}ElectronicAddresses/{c}ElectronicAddress"):
        kind = _text(node, c + "TypeCodeValue") or _text(node.find(c + "Type"), c + "CodeValue")
        if kind is None:
            continue
        found.append(
            ElectronicAddress(
                type=kind,
                address=_text(node, c + "Address") or "",
                type_text=_text(node.find(c + "Type"), c + "CodeText"),
                inherited=_flag(node, c + "Inherited", False),
                last_changed=_time(node, c + "LastChanged"),
            )
        )
    return tuple(found)


def _physical_addresses(party: etree._Element) -> tuple[PhysicalAddress, ...]:
    c = f"{{{COMMON_NS}}}"
    return tuple(
        PhysicalAddress(
            type=_text(node, c + "TypeCodeValue"),
            street=_text(node, c + "StreetAddress"),
            postbox=_text(node, c + "Postbox"),
            postal_code=_text(node, c + "PostalCode"),
            city=_text(node, c + "City"),
            country=_text(node.find(c + "Country"), c + "CodeValue"),
        )
        for node in party.iterfind(f"{{{CP_NS}}}PhysicalAddresses/{c}PhysicalAddress")
    )


def _person(party: etree._Element) -> tuple[str | None, str | None]:
    """(name, HPR number) of OrganizationPerson/Person (HPR data contract)."""
    person = party.find(f"{{{CP_NS}}}Person")
    if person is None:
        return None, None
    h = f"{{{HPR_NS}}}"
    names = [_text(person, h + n) for n in ("FirstName", "MiddleName", "LastName")]
    info = person.find(h + "HPRInformation")
    hpr = None if info is None else _number(info, h + "HPRNumber") or _text(info, h + "HPRNo")
    return " ".join(n for n in names if n) or None, hpr


def _find(root: etree._Element, namespace: str, marker: str, what: str) -> etree._Element:
    for element in root.iter():
        if isinstance(element.tag, str) and element.find(f"{{{namespace}}}{marker}") is not None:
            return element
    raise ParseError(
        f"no {what} in the document",
        code="ar.not-found-in-document",
        where="/",
        expected=f"an element with a {{{namespace}}}{marker} child",
        received=str(root.tag),
    )


def communication_party_from_element(party: etree._Element) -> CommunicationParty:
    """A CommunicationParty element (any xsi:type variant) as ``CommunicationParty``."""
    p = f"{{{CP_NS}}}"
    her_id = _number(party, p + "HerId")
    if her_id is None:
        raise ParseError("CommunicationParty without HerId", code="ar.missing-herid", line=party.sourceline)
    person_name, hpr = _person(party)
    valid = party.find(p + "Valid")
    return CommunicationParty(
        her_id=her_id,
        name=_text(party, p + "Name") or "",
        type=_text(party, p + "Type") or "None",
        active=_flag(party, p + "Active", True),
        valid=_flag(party, p + "IsValidCommunicationParty", True),
        display_name=_text(party, p + "DisplayName"),
        parent_her_id=_number(party, p + "ParentHerId"),
        parent_name=_text(party, p + "ParentName"),
        parent_organization_number=_number(party, p + "ParentOrganizationNumber"),
        person_name=person_name,
        hpr=hpr,
        electronic_addresses=_electronic_addresses(party),
        contract_type=(party.get(f"{{{XSI_NS}}}type") or "").rpartition(":")[2] or None,
        organization_number=_number(party, p + "OrganizationNumber"),
        title=_text(party, p + "Title"),
        municipality=_code(party.find(p + "Municipality")),
        service_code=_code(party.find(p + "Code")),
        physical_addresses=_physical_addresses(party),
        valid_from=_time(valid, f"{{{COMMON_NS}}}From"),
        valid_to=_time(valid, f"{{{COMMON_NS}}}To"),
        last_changed=_time(party, p + "LastChanged"),
    )


def parse_communication_party(raw: bytes) -> CommunicationParty:
    """GetCommunicationPartyDetails answer (or the bare CommunicationParty) as ``CommunicationParty``."""
    root = parse_xml(raw)
    return communication_party_from_element(_find(root, CP_NS, "HerId", "CommunicationParty"))


def certificate_details_from_element(element: etree._Element) -> ArCertificate:
    return ArCertificate(
        certificate=certificate_info(_text(element, f"{{{CERT_NS}}}Certificate")),
        ldap_url=_text(element, f"{{{CERT_NS}}}LdapUrl"),
    )


def parse_certificate_details(raw: bytes) -> ArCertificate:
    """GetCertificateDetailsForEncryption / …ForValidatingSignature answer as ``ArCertificate``."""
    root = parse_xml(raw)
    return certificate_details_from_element(_find(root, CERT_NS, "Certificate", "CertificateDetails"))
