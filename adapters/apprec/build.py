"""Compose AppRecs for received messages: positive, negative from a ``GatewayError``, and the fallback
for input so broken that no Hodemelding can be read.

The AppRec goes back to the sender: its Sender is the original Receiver and vice versa (HIS 80415
§3), HER-ids in ``Inst/Id`` (TypeId HER) with level 2 as ``Dept`` (service) or ``HCPerson`` (person).
OriginalMsgId = original MsgInfo/Type, GenDate and MsgId.

Fallback (nothing readable): Sender is the gateway (``gateway_her``), Receiver whatever HER-id is
known (else an empty ``Inst``), OriginalMsgId/MsgType without V (DN "Ukjent meldingstype"),
IssueDate = the time of receipt, Id = the MsgId if it could be read, else the ebXML MessageId, else
"ukjent". The result is still schema-valid.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from samband.adapters.apprec.codes import error_code, norwegian_text, status_code
from samband.adapters.apprec.model import (
    HCP,
    MIG_VERSIONS,
    AdditionalId,
    AppRec,
    ApprecParty,
    Dept,
    HCPerson,
    Inst,
    OriginalMsgId,
)
from samband.adapters.kith.datatypes import Code
from samband.adapters.kith.model import Organisation
from samband.adapters.msghead.envelope import read_envelope
from samband.adapters.msghead.model import MsgHead, MsgInfo, parse_datetime
from samband.adapters.msghead.parse import parse_msghead, read_msginfo
from samband.kernel.catalogue import reply_of
from samband.kernel.codes import lookup
from samband.kernel.envelope import Envelope
from samband.kernel.errors import GatewayError

XS_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
ID_TYPES = {kind: Code(v=kind, dn=lookup.display("9051", kind)) for kind in ("HER", "ENH")}
"""The organisation ids an AppRec carries (9051), with their published display texts."""
HER_TYPE = ID_TYPES["HER"]
HPR_TYPE = Code(v="HPR", dn=lookup.display("8116", "HPR"))
SOFTWARE = ("Samband", "0.1.0")


def _id_type(value: str | None) -> Code:
    return ID_TYPES.get(value or "", Code(v=value))


def inst_of(org: Organisation) -> Inst:
    """MsgHead Organisation (level 1 + level 2) → AppRec Inst with Dept / HCPerson."""
    ids = [i for i in org.idents if i.type_id.v in ID_TYPES]
    main = next((i for i in ids if i.type_id.v == "HER"), ids[0] if ids else None)
    extra = tuple(AdditionalId(id=i.id, type=_id_type(i.type_id.v)) for i in ids if i is not main)
    depts: tuple[Dept, ...] = ()
    if org.organisation is not None and (org.organisation.her_id or org.organisation.name):
        depts = (Dept(name=org.organisation.name, id=org.organisation.her_id,
                      type_id=HER_TYPE if org.organisation.her_id else None),)  # fmt: skip
    persons: tuple[HCPerson, ...] = ()
    hp = org.healthcare_professional
    if hp is not None:
        name = " ".join(n for n in (hp.given_name, hp.middle_name, hp.family_name) if n) or None
        if hp.hpr:
            her = (AdditionalId(id=hp.her_id, type=HER_TYPE),) if hp.her_id else ()
            persons = (HCPerson(name=name, id=hp.hpr, type_id=HPR_TYPE, additional_ids=her),)
        else:
            persons = (HCPerson(name=name, id=hp.her_id, type_id=HER_TYPE if hp.her_id else None),)
    return Inst(
        name=org.name,
        id=main.id if main else None,
        type_id=_id_type(main.type_id.v) if main else None,
        depts=depts,
        additional_ids=extra,
        persons=persons,
    )


def _her_inst(her: str | None) -> Inst:
    return Inst(id=her, type_id=HER_TYPE) if her else Inst()


def _format(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _original_id(original: MsgInfo | Envelope, now: datetime) -> OriginalMsgId:
    if isinstance(original, MsgInfo):
        info = original
        msg_type, gen_date, msg_id = Code(v=info.type.v, dn=info.type.dn), info.gen_date, info.msg_id
    else:
        msg_type = Code(v=original.msg_type) if original.msg_type else Code(dn="Ukjent meldingstype")
        gen_date = _format(original.generated_at) if original.generated_at else ""
        msg_id = original.msg_id or original.ebxml_message_id or "ukjent"
    return OriginalMsgId(msg_type=msg_type, issue_date=_issue_date(gen_date, now), id=msg_id)


def _issue_date(gen_date: str, now: datetime) -> str:
    """The original GenDate when it is an xs:dateTime; a readable date normalised; else receipt time."""
    if XS_DATETIME.match(gen_date):
        return gen_date
    parsed = parse_datetime(gen_date)
    return _format(parsed if parsed is not None else now)


def build_apprec(
    original: MsgHead | MsgInfo | Envelope,
    *,
    status: str = "1",
    errors: Sequence[Code] = (),
    now: datetime | None = None,
    new_id: str | None = None,
    version: str = "1.0",
    gateway_her: str | None = None,
    answering_as: str | None = None,
) -> AppRec:
    """An AppRec (1.0 by default, or 1.1) answering ``original`` (a Hodemelding or just its MsgInfo,
    or the envelope of a document too broken to read), addressed back to its sender.

    ``answering_as`` names the copy receiver (OtherReceiver, by HER-id) the AppRec is sent for when
    the message reached it only as a copy: that party, not the Receiver, is then the AppRec's Sender.
    """
    moment = now or datetime.now(UTC)
    if isinstance(original, MsgHead):
        original = original.msg_info
    if isinstance(original, MsgInfo):
        copy = _copy_receiver(original, answering_as)
        sender = inst_of(copy or original.receiver.organisation)
        receiver = inst_of(original.sender.organisation)
    else:
        sender = _her_inst(original.receiver_her or gateway_her)
        receiver = _her_inst(original.sender_her)
    return AppRec(
        version=version,
        mig_version=MIG_VERSIONS[version],
        software_name=SOFTWARE[0],
        software_version=SOFTWARE[1],
        gen_date=_format(moment),
        id=new_id or str(uuid.uuid4()),
        sender=ApprecParty(hcp=HCP(inst=sender)),
        receiver=ApprecParty(hcp=HCP(inst=receiver)),
        status=status_code(status),
        errors=tuple(errors),
        original=_original_id(original, moment),
    )


def _copy_receiver(original: MsgInfo, her: str | None) -> Organisation | None:
    for other in original.other_receivers:
        org = other.organisation
        if her and org is not None and her in (org.her_id, org.communication_party_her):
            return org
    return None


def build_negative_apprec(
    original: MsgHead | Envelope | bytes,
    error: GatewayError,
    *,
    now: datetime | None = None,
    new_id: str | None = None,
    version: str = "1.0",
    gateway_her: str | None = None,
    answering_as: str | None = None,
) -> AppRec:
    """Negative AppRec for a permanent error: status and 8221 code from the catalogue entry of the
    error's code (else of its class's default code).

    ``original`` may be the raw bytes: then whatever can be read is used (see the module doc).
    ``ValueError`` for errors that get no AppRec (transient delivery or registry errors).
    """
    reply = reply_of(error.code, error.default_code)
    if reply is None or reply.apprec_status is None or reply.apprec_error is None:
        raise ValueError(f"{type(error).__name__} ({error.code}) is not answered with an AppRec")
    facts = original_facts(original) if isinstance(original, bytes) else original
    code = error_code(reply.apprec_error, norwegian_text(error, reply.apprec_error))
    return build_apprec(
        facts,
        status=reply.apprec_status,
        errors=(code,),
        now=now,
        new_id=new_id,
        version=version,
        gateway_her=gateway_her,
        answering_as=answering_as,
    )


def original_facts(raw: bytes) -> MsgHead | Envelope:
    """The best-known facts of a received document: the MsgHead, else its envelope, else nothing."""
    try:
        return parse_msghead(raw)
    except GatewayError:
        pass
    return _envelope_facts(raw)


def answered_facts(raw: bytes) -> MsgInfo | Envelope:
    """``original_facts`` of a Hodemelding already read in full once (delivered): only its MsgInfo is
    read again, which is all an AppRec takes from it."""
    try:
        return read_msginfo(raw)
    except GatewayError:
        pass
    return _envelope_facts(raw)


def _envelope_facts(raw: bytes) -> Envelope:
    try:
        return read_envelope(raw)
    except GatewayError:
        return Envelope(msg_id=None, msg_type=None)
