"""GET /audit: the audit trail (who read which patient's data, replayed, switched a route, was refused)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from samband.gateway.audit import asked, record
from samband.gateway.deps import Admin, ServicesDep
from samband.gateway.store import audit as trail
from samband.gateway.store.audit import Action, AuditQuery, Entry

router = APIRouter(tags=["audit"])


@router.get("/audit")
def list_audit(
    svc: ServicesDep,
    caller: Admin,
    patient: Annotated[
        str | None,
        Query(description="the patient's FNR/DNR: rows naming them, and searches that showed them"),
    ] = None,
    actor: Annotated[str | None, Query(description="who acted, as recorded")] = None,
    action: Action | None = None,
    target: Annotated[str | None, Query(description="a message id, Type/id, route name or path")] = None,
    since: Annotated[datetime | None, Query(description="at or after (ISO 8601)")] = None,
    until: Annotated[datetime | None, Query(description="before (ISO 8601)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Audit rows, newest first, paginated like ``GET /messages``. Each row: ``at`` (UTC), ``actor``,
    ``client_id``, ``action``, ``target``, ``patient`` (the one patient it concerns), ``patients``
    (every patient a search showed), ``outcome`` (``ok`` or ``refused``) and ``detail``. Reading
    the trail is itself recorded (``read-audit``)."""
    q = AuditQuery(patient, actor, str(action) if action else None, target, since, until, limit, offset)
    with svc.reads.begin() as conn:
        total, page = trail.search(conn, q)
    detail = {"query": asked(q), "total": total}
    record(svc, caller, Entry(Action.READ_AUDIT, "/audit", patient, detail=detail))
    return {"total": total, "limit": limit, "offset": offset, "items": page}
