"""AppRec bytes for the receipts module, through the AppRec adapter's typed model (HIS 80415).

The gateway answers for the system behind it: Sender is the original Receiver (the receiving
communication party), Receiver is the original Sender, OriginalMsgId names the answered message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from adapters.apprec.codec import parse_apprec, read_envelope, serialize_apprec
from adapters.apprec.model import HCP, AppRec, ApprecParty, Inst, OriginalMsgId
from adapters.base import Envelope
from adapters.msghead.kith import Code
from gateway.errors import GatewayError, MessageRejected
from gateway.store import repository as repo

if TYPE_CHECKING:
    from gateway.runtime import Services
    from gateway.store.repository import StoredMessage

HER = Code.of("HER", "HER-id", 9051)
STATUS_TEXT = {"1": "OK", "2": "Avvist", "3": "OK, feil i delmelding"}
APPREC_VERSION = "1.1"


@dataclass(frozen=True)
class ApprecFacts:
    """What an incoming AppRec says: which message it answers, its status (8258) and errors (8221)."""

    original_msg_id: str | None
    status: str
    errors: list[dict[str, Any]] = field(default_factory=list)


def _party(her: str | None, name: str | None) -> ApprecParty:
    return ApprecParty(hcp=HCP(inst=Inst(name=name or f"HER {her}", id=her, type_id=HER)))


def _names(raw: bytes) -> tuple[str | None, str | None, str]:
    """(sender name, receiver name, GenDate) of the original, when it can be read at all."""
    from adapters.msghead.parse import parse_msghead

    try:
        head = parse_msghead(raw)
    except GatewayError:
        return None, None, ""
    info = head.msg_info
    return info.sender.organisation.name, info.receiver.organisation.name, info.gen_date


def build(
    conn: Connection, svc: Services, answered: StoredMessage, status: str, errors: list[dict[str, str]]
) -> bytes:
    """The AppRec for ``answered``: status 1/2/3 with its Error codes (text in ``ot``)."""
    raw = repo.get_raw(conn, answered.id) or b""
    sender_name, receiver_name, gen_date = _names(raw)
    now = svc.now().replace(microsecond=0)
    apprec = AppRec(
        gen_date=now.isoformat(),
        id=repo.new_id(),
        sender=_party(answered.receiver_her or svc.settings.her_id, receiver_name),
        receiver=_party(answered.sender_her, sender_name),
        status=Code.of(status, STATUS_TEXT.get(status), 8258),
        original=OriginalMsgId(
            msg_type=Code(v=answered.msg_type or "UKJENT", dn=answered.msg_type),
            issue_date=gen_date or answered.received_at.replace(microsecond=0).isoformat(),
            id=answered.msg_id or "",
        ),
        errors=tuple(_error(e) for e in errors),
        version=APPREC_VERSION,
        software_name="Samband",
        software_version="0.1.0",
    )
    return serialize_apprec(apprec)


def _error(error: dict[str, str]) -> Code:
    text = error.get("text", "")[:250]
    code = Code.of(error.get("code", "X99"), _ERROR_TEXT.get(error.get("code", ""), "Annen feil"), 8221)
    return Code(v=code.v, dn=code.dn, s=code.s, ot=text or None)


_ERROR_TEXT = {
    "T01": "Ikke XML / ikke 'well formed' / uleselig",
    "T02": "XML validerer ikke",
    "T10": "Støtter ikke meldingsformatet",
    "E10": "Ugyldig meldingsidentifikator",
    "E21": "Mottaker finnes ikke",
    "E31": "Feil i fødselsnummer",
    "X99": "Annen feil",
}


def envelope(raw: bytes) -> Envelope:
    return read_envelope(raw)


def read(raw: bytes) -> ApprecFacts:
    """The facts of an AppRec that answers one of our messages; refusals stay coded."""
    try:
        apprec = parse_apprec(raw)
    except MessageRejected:
        raise
    errors = [{"code": e.v, "text": e.ot or e.dn} for e in apprec.errors]
    return ApprecFacts(apprec.original.id or None, apprec.status.v or "", errors)
