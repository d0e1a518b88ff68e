"""AppRec bytes ↔ model: tolerant read (1.0 and 1.1, NAV EI_fellesformat too), strict schema-checked write,
and the cheap envelope facts. The parties (HCP) are read and written by the shared KITH codec from
their description in ``adapters.apprec.parts``.
"""

from __future__ import annotations

from dataclasses import replace

from lxml import etree

from samband.adapters.apprec.model import (
    HCP,
    MIG_VERSIONS,
    NAMESPACES,
    VERSIONS,
    AppRec,
    ApprecParty,
    Inst,
    OriginalMsgId,
)
from samband.adapters.apprec.parts import HCP_PART, dialect
from samband.adapters.kith.codec import read, write
from samband.adapters.kith.datatypes import (
    Code,
    add_cs,
    add_cv,
    add_text,
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
from samband.adapters.xml.safe import XmlLimits, parse_xml, qname
from samband.adapters.xml.schemas import compiled_schema, xsd_findings
from samband.kernel.envelope import Envelope
from samband.kernel.errors import SchemaInvalid, UnsupportedMessage


def apprec_root(raw: bytes, limits: XmlLimits | None = None) -> etree._Element:
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


def parse_apprec(raw: bytes, limits: XmlLimits | None = None) -> AppRec:
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


def _read_party(el: etree._Element | None, ns: str) -> ApprecParty:
    hcp = child(el, ns, "HCP")
    return ApprecParty(
        role=code(el, ns, "Role"), hcp=read(dialect(ns), HCP_PART, hcp) if hcp is not None else HCP()
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
            f"the AppRec the gateway built is not schema-valid: {errors[0].text}",
            code="apprec.serialize-invalid",
            where=errors[0].path,
            expected=f"a document valid against AppRec {apprec.version}",
        )
    return bytes(etree.tostring(root, xml_declaration=True, encoding=encoding))


def _write_party(root: etree._Element, ns: str, tag: str, party: ApprecParty) -> None:
    """Sender/Receiver: Role, then HCP with Inst or HCProf (the schema's choice: Inst wins, and an
    empty Inst stands in when there is neither)."""
    el = sub(root, ns, tag)
    add_cs(el, ns, "Role", party.role)
    hcp = party.hcp
    if hcp.inst is not None:
        hcp = replace(hcp, hc_prof=None)
    elif hcp.hc_prof is None:
        hcp = replace(hcp, inst=Inst())
    write(dialect(ns), HCP_PART, hcp, el, "HCP", ns)


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
