"""Hodemelding times → FHIR: xs:dateTime without offset is Norwegian local time (HIS 80601)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from samband.adapters.msghead.model import parse_datetime

OSLO = ZoneInfo("Europe/Oslo")


def instant(text: str | None, fallback: datetime) -> str:
    """xs:dateTime → FHIR instant; a time without offset is Norwegian local time (HIS 80601)."""
    moment = parse_datetime(text) or fallback
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=OSLO)
    return moment.isoformat()


def fhir_datetime(text: str | None) -> str | None:
    """xs:date stays a date; an xs:dateTime without offset gets the Norwegian offset of that moment."""
    if not text or "T" not in text:
        return text
    moment = parse_datetime(text)
    if moment is None:
        return text
    return (moment if moment.tzinfo else moment.replace(tzinfo=OSLO)).isoformat()


__all__ = ["OSLO", "fhir_datetime", "instant"]
