"""AppRec bytes ↔ model: tolerant read (1.0 and 1.1, NAV EI_fellesformat too), strict schema-checked write,
and the cheap envelope facts.
"""

from __future__ import annotations

from typing import TypedDict

from lxml import etree

from samband.adapters.apprec.model import (
    HCP,
    MIG_VERSIONS,
    NAMESPACES,
    VERSIONS,
    AdditionalId,
    AppRec,
    ApprecAddress,
    ApprecParty,
    Dept,
    HCPerson,
    HCProf,
    Inst,
    OriginalMsgId,
)
from samband.adapters.base import Envelope
from samband.adapters.msghead.kith import (
    Code,
    add_cs,
    add_cv,
    add_text,
    add_v,
    child,
    children,
    code,
    code_of,
    q,
    sub,
    text,
)
from samband.adapters.msghead.model import parse_datetime
from samband.adapters.msghead.parse import unwrap_fellesformat
from samband.adapters.xml.safe import DEFAULT_LIMITS, XmlLimits, parse_xml, qname
from samband.adapters.xml.schemas import compiled_schema, xsd_findings
from samband.kernel.errors import SchemaInvalid, UnsupportedMessage


def apprec_root(raw: bytes, limits: XmlLimits = DEFAULT_LIMITS) -> etree._Element:
    """Parse safely and return the AppRec element (1.0 or 1.1); coded errors for anything else."""
    root = unwrap_fellesformat(parse_xml(raw, limits), "AppRec")
    namespace, local = qname(root)
    if local != "AppRec" or namespace not in VERSIONS:
        raise UnsupportedMessage(
            f"root element {{{namespace}}}{local} is not an AppRec 1.0 or 1.1",
            code="apprec.wrong-root",
            line=root.sourceline,
            expected="AppRec in " + " or ".join(VERSIONS),
            received=f"{{{namespace}}}{local}",
        )
    return root


def parse_apprec(raw: bytes, limits: XmlLimits = DEFAULT_LIMITS) -> AppRec:
    """AppRec bytes → model; children are read by name (order not enforced)."""
    return apprec_from_element(apprec_root(raw, limits))


def apprec_from_element(root: etree._Element) -> AppRec:
    ns = etree.QName(root).namespace or ""
    original = child(root, ns, "OriginalMsgId")
    return AppRec(
        version=VERSIONS[ns],
        msg_type=code(root, ns, "MsgType") or Code(v="APPREC"),
        mig_version=text(root, ns, "MIGversion"),
        software_name=text(root, ns, "SoftwareName"),
        software_version=text(root, ns, "SoftwareVersion"),
        gen_date=text(root, ns, "GenDate") or "",
        id=text(root, ns, "Id") or "",
        sender=_read_party(child(root, ns, "Sender"), ns),
        receiver=_read_party(child(root, ns, "Receiver"), ns),
        status=code(root, ns, "Status") or Code(),
        errors=tuple(code_of(el) for el in children(root, ns, "Error")),
        original=OriginalMsgId(
            msg_type=code(original, ns, "MsgType") or Code(),
            issue_date=text(original, ns, "IssueDate") or "",
            id=text(original, ns, "Id") or "",
        ),
    )


def _additional(el: etree._Element | None, ns: str) -> tuple[AdditionalId, ...]:
    return tuple(
        AdditionalId(id=text(a, ns, "Id") or "", type=code(a, ns, "Type") or Code())
        for a in children(el, ns, "AdditionalId")
    )


def _read_party(el: etree._Element | None, ns: str) -> ApprecParty:
    hcp = child(el, ns, "HCP")
    inst = child(hcp, ns, "Inst")
    prof = child(hcp, ns, "HCProf")
    address = child(hcp, ns, "Address")
    return ApprecParty(
        role=code(el, ns, "Role"),
        hcp=HCP(
            inst=_read_inst(inst, ns) if inst is not None else None,
            hc_prof=_read_prof(prof, ns) if prof is not None else None,
            med_speciality=code(hcp, ns, "MedSpeciality"),
            address=_read_address(address, ns) if address is not None else None,
        ),
    )


class _Named(TypedDict):
    name: str | None
    id: str | None
    type_id: Code | None
    additional_ids: tuple[AdditionalId, ...]


def _named(el: etree._Element, ns: str) -> _Named:
    """Name, Id, TypeId and AdditionalId*: the identification Inst, Dept, HCPerson and HCProf share."""
    return _Named(
        name=text(el, ns, "Name"),
        id=text(el, ns, "Id"),
        type_id=code(el, ns, "TypeId"),
        additional_ids=_additional(el, ns),
    )


def _read_inst(el: etree._Element, ns: str) -> Inst:
    return Inst(
        depts=tuple(Dept(type=code(d, ns, "Type"), **_named(d, ns)) for d in children(el, ns, "Dept")),
        persons=tuple(HCPerson(**_named(p, ns)) for p in children(el, ns, "HCPerson")),
        **_named(el, ns),
    )


def _read_prof(el: etree._Element, ns: str) -> HCProf:
    return HCProf(type=code(el, ns, "Type"), **_named(el, ns))


def _read_address(el: etree._Element, ns: str) -> ApprecAddress:
    return ApprecAddress(
        type=code(el, ns, "Type") or Code(),
        street=text(el, ns, "StreetAdr"),
        postal_code=text(el, ns, "PostalCode"),
        city=text(el, ns, "City"),
        county=code(el, ns, "County"),
        country=code(el, ns, "Country"),
        city_distr=code(el, ns, "CityDistr"),
        tele_addresses=tuple((t.get("V") or "") for t in children(el, ns, "TeleAddress")),
    )


def serialize_apprec(apprec: AppRec, encoding: str = "UTF-8") -> bytes:
    """AppRec → bytes in schema order; ``SchemaInvalid`` when the result fails the official XSD."""
    ns = NAMESPACES[apprec.version]
    root = etree.Element(q(ns, "AppRec"), nsmap={None: ns})
    add_cs(root, ns, "MsgType", apprec.msg_type)
    sub(root, ns, "MIGversion", apprec.mig_version or MIG_VERSIONS[apprec.version])
    add_text(root, ns, "SoftwareName", apprec.software_name)
    add_text(root, ns, "SoftwareVersion", apprec.software_version)
    sub(root, ns, "GenDate", apprec.gen_date)
    sub(root, ns, "Id", apprec.id)
    _write_party(root, ns, "Sender", apprec.sender)
    _write_party(root, ns, "Receiver", apprec.receiver)
    add_cs(root, ns, "Status", apprec.status)
    for error in apprec.errors:
        add_cv(root, ns, "Error", error)
    original = sub(root, ns, "OriginalMsgId")
    add_cs(original, ns, "MsgType", apprec.original.msg_type)
    sub(original, ns, "IssueDate", apprec.original.issue_date)
    sub(original, ns, "Id", apprec.original.id)
    etree.indent(root, space="  ")
    errors = xsd_findings(root, compiled_schema({ns}))
    if errors:
        raise SchemaInvalid(
            f"the AppRec the gateway built is not schema-valid: {errors[0].message}",
            code="apprec.serialize-invalid",
            where=errors[0].xpath,
            expected=f"a document valid against AppRec {apprec.version}",
        )
    return bytes(etree.tostring(root, xml_declaration=True, encoding=encoding))


def _write_additional(el: etree._Element, ns: str, ids: tuple[AdditionalId, ...]) -> None:
    for extra in ids:
        a = sub(el, ns, "AdditionalId")
        sub(a, ns, "Id", extra.id)
        add_cs(a, ns, "Type", extra.type)


def _write_party(root: etree._Element, ns: str, tag: str, party: ApprecParty) -> None:
    el = sub(root, ns, tag)
    add_cs(el, ns, "Role", party.role)
    hcp = sub(el, ns, "HCP")
    if party.hcp.inst is not None:
        _write_inst(hcp, ns, party.hcp.inst)
    elif party.hcp.hc_prof is not None:
        prof = party.hcp.hc_prof
        p = sub(hcp, ns, "HCProf")
        add_cs(p, ns, "Type", prof.type)
        _write_named(p, ns, prof.name, prof.id, prof.type_id, prof.additional_ids)
    else:
        sub(hcp, ns, "Inst")
    add_cv(hcp, ns, "MedSpeciality", party.hcp.med_speciality)
    if party.hcp.address is not None:
        _write_address(hcp, ns, party.hcp.address)


def _write_named(
    el: etree._Element,
    ns: str,
    name: str | None,
    id_: str | None,
    type_id: Code | None,
    extra: tuple[AdditionalId, ...],
) -> None:
    add_text(el, ns, "Name", name)
    add_text(el, ns, "Id", id_)
    add_cs(el, ns, "TypeId", type_id)
    _write_additional(el, ns, extra)


def _write_inst(hcp: etree._Element, ns: str, inst: Inst) -> None:
    el = sub(hcp, ns, "Inst")
    add_text(el, ns, "Name", inst.name)
    add_text(el, ns, "Id", inst.id)
    add_cs(el, ns, "TypeId", inst.type_id)
    for dept in inst.depts:
        d = sub(el, ns, "Dept")
        add_cs(d, ns, "Type", dept.type)
        _write_named(d, ns, dept.name, dept.id, dept.type_id, dept.additional_ids)
    _write_additional(el, ns, inst.additional_ids)
    for person in inst.persons:
        _write_named(
            sub(el, ns, "HCPerson"), ns, person.name, person.id, person.type_id, person.additional_ids
        )


def _write_address(hcp: etree._Element, ns: str, address: ApprecAddress) -> None:
    el = sub(hcp, ns, "Address")
    add_cs(el, ns, "Type", address.type)
    add_text(el, ns, "StreetAdr", address.street)
    add_text(el, ns, "PostalCode", address.postal_code)
    add_text(el, ns, "City", address.city)
    add_cs(el, ns, "County", address.county)
    add_cs(el, ns, "Country", address.country)
    add_cs(el, ns, "CityDistr", address.city_distr)
    for tele in address.tele_addresses:
        add_v(el, ns, "TeleAddress", tele)


def read_envelope(raw: bytes) -> Envelope:
    """AppRec envelope: Id, APPREC, HER-ids, ``parent_ref`` = OriginalMsgId/Id (the message answered)."""
    apprec = parse_apprec(raw)
    return Envelope(
        msg_id=apprec.id or None,
        msg_type=apprec.msg_type.v or "APPREC",
        sender_her=apprec.sender.her_id,
        receiver_her=apprec.receiver.her_id,
        parent_ref=apprec.original.id or None,
        namespace=apprec.namespace,
        version=apprec.version,
        generated_at=parse_datetime(apprec.gen_date),
    )
