"""AppRec bytes for the receipts module, through the AppRec adapter's builders (HIS 80415).

The gateway answers for the system behind it: Sender is the original Receiver (the receiving
communication party), Receiver is the original Sender, OriginalMsgId names the answered message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from samband.adapters.apprec import (
    answered_facts,
    build_apprec,
    build_negative_apprec,
    parse_apprec,
    read_envelope,
    serialize_apprec,
)
from samband.adapters.apprec.codes import error_code
from samband.adapters.msghead.lineage import read_lineage
from samband.kernel.envelope import Envelope
from samband.kernel.errors import GatewayError

if TYPE_CHECKING:
    from samband.gateway.runtime import Services
    from samband.gateway.store.repository import StoredMessage


@dataclass(frozen=True)
class ApprecFacts:
    """What an incoming AppRec says: which message it answers, its status (8258) and errors (8221)."""

    original_msg_id: str | None
    status: str
    errors: list[dict[str, Any]] = field(default_factory=list)


def build(
    svc: Services,
    answered: StoredMessage,
    raw: bytes,
    status: str,
    errors: list[dict[str, str]],
    refusal: GatewayError | None = None,
) -> bytes:
    """The AppRec for ``answered`` (``raw``: its bytes): negative from ``refusal``, else status 1 or 3
    with X99 errors (OT).

    Without a refusal ``answered`` was read in full when it was processed: only its MsgInfo is read."""
    common: dict[str, Any] = {
        "now": svc.now(),
        "version": svc.settings.apprec_version,
        "gateway_her": svc.settings.her_id,
        "answering_as": copy_receiver(svc, answered, raw),
    }
    if refusal is not None:
        return serialize_apprec(build_negative_apprec(raw, refusal, **common))
    codes = tuple(error_code(e.get("code", "X99"), e.get("text") or None) for e in errors)
    return serialize_apprec(build_apprec(answered_facts(raw), status=status, errors=codes, **common))


def copy_receiver(svc: Services, answered: StoredMessage, raw: bytes) -> str | None:
    """The served HER-id ``answered`` reached only as a copy (its AppRec is sent for that party)."""
    if answered.format != "msghead" or not svc.settings.served_her_ids:
        return None
    try:
        return read_lineage(raw).copy_only(svc.settings.served_her_ids)
    except GatewayError:
        return None


def envelope(raw: bytes) -> Envelope:
    return read_envelope(raw)


def read(raw: bytes) -> ApprecFacts:
    """The facts of an AppRec that answers one of our messages; refusals stay coded."""
    apprec = parse_apprec(raw)
    errors = [{"code": e.v, "text": e.ot or e.dn} for e in apprec.errors]
    return ApprecFacts(apprec.original.id or None, apprec.status.v or "", errors)
