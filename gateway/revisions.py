"""The revision chain of ip-exports, held at receive: a delta that does not apply to the last revision
the gateway took in for its plan (or to none it knows) is refused at once, ``ip-export.revision-gap``
(422), so the IP tool is told while it can still send the missing deltas or a full export.

A repeat of a revision, or an older one, is left to change detection (no events, or
``ip-export.revision-stale`` for the feedback job); only a gap loses information.
"""

from __future__ import annotations

from samband.adapters.iplan.adapter import MSG_TYPE
from samband.adapters.iplan.io import parse
from samband.gateway.runtime import Services
from samband.gateway.stages import Pass
from samband.gateway.store.chains import last_accepted_raw
from samband.kernel.errors import ContractViolation


def check_revision(svc: Services, p: Pass) -> Pass:
    """Refuse a delta ip-export with a gap before its revision; anything else passes as it is."""
    message = p.message
    if message.format != "ip-export" or message.msg_type != MSG_TYPE or message.conversation_ref is None:
        return p
    export = parse(p.raw)
    if export.export_kind != "delta":
        return p
    with svc.reads.begin() as conn:
        previous = last_accepted_raw(conn, MSG_TYPE, message.conversation_ref, message.id)
    last = parse(previous, invariants=False).plan.revision if previous is not None else None
    since = export.since_revision
    if last is not None and since is not None and since <= last:
        return p
    known = (
        f"the last revision of plan {export.plan.id!r} the gateway took in is {last}"
        if last
        else (f"the gateway has taken in no export of plan {export.plan.id!r}")
    )
    raise ContractViolation(
        f"delta applies to revision {since}, but {known}; send a full export or the missing deltas",
        code="ip-export.revision-gap",
        where="/sinceRevision",
        expected=f"sinceRevision {last}" if last is not None else "a full export first",
        received=str(since),
    )
