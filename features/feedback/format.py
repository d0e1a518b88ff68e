"""Norwegian formatting for GP texts: dates as 1.2.2025, times in Europe/Oslo, service extent.

Kept apart from the templates so every message writes a date, a time or an extent the same way.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from samband.features.feedback.facts import ServiceLine

OSLO = ZoneInfo("Europe/Oslo")


def no_date(value: date) -> str:
    """A date the way Norwegian letters write it: ``1.2.2025``."""
    return f"{value.day}.{value.month}.{value.year}"


def no_datetime(value: datetime) -> str:
    """A point in time in Norwegian local time: ``1.2.2025 kl. 13.00``."""
    local = value.astimezone(OSLO) if value.tzinfo else value
    return f"{no_date(local.date())} kl. {local.hour:02d}.{local.minute:02d}"


def number(value: Decimal | float | int) -> str:
    """A number without trailing zeros, with a decimal comma: ``3``, ``1,5``."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text.replace(".", ",")


def extent(service: ServiceLine) -> str | None:
    """``3 besøk per uke`` from amount and unit; None when the service gives no extent."""
    if service.extent_text:
        return service.extent_text
    if service.amount is None:
        return service.unit
    return f"{number(service.amount)} {service.unit}".strip() if service.unit else number(service.amount)


def service_values(service: ServiceLine) -> dict[str, Any]:
    """Placeholder values for one service line (``$name``, ``$extent``, ``$start``, ``$end_text`` …)."""
    return {
        "name": service.name,
        "extent": extent(service),
        "start": no_date(service.start) if service.start else None,
        "end": no_date(service.end) if service.end else None,
        "end_text": f" til {no_date(service.end)}" if service.end else "",
        "provided_by": service.provided_by,
        "reason": service.reason,
        "status": service.status,
    }
