"""GET /alerts: the alerts the gateway raised (dead letters, deliveries still failing, AppRecs
overdue, the Adresseregister or NHN unreachable), each with the channel and whether it went out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from samband.features.registry import ALERT_CONDITIONS
from samband.gateway.alerts.conditions import CONDITIONS
from samband.gateway.deps import Reader, ServicesDep
from samband.gateway.store import alerts as store

router = APIRouter(tags=["alerts"])

CONDITION_PATTERN = "^(" + "|".join({**CONDITIONS, **ALERT_CONDITIONS}) + ")$"


@router.get("/alerts")
def list_alerts(
    svc: ServicesDep,
    _caller: Reader,
    condition: Annotated[
        str | None, Query(pattern=CONDITION_PATTERN, description="only this condition")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=store.MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Alerts raised, newest first: ``at``, ``condition``, ``channel`` (``webhook``, ``email``, or
    ``none`` when no channel is configured), ``count``, ``summary``, ``detail`` (what was sent:
    the newest examples, by id, route and code), ``outcome`` (``sent``, ``failed`` with its coded
    ``error``, or ``recorded``). ``conditions`` names every condition with its title and meaning."""
    with svc.reads.begin() as conn:
        total, page = store.search(conn, condition, limit, offset)
    shown = svc.alert_conditions.items()
    conditions = {name: {"title": c.title, "meaning": c.meaning} for name, c in shown}
    return {"total": total, "limit": limit, "offset": offset, "items": page, "conditions": conditions}
