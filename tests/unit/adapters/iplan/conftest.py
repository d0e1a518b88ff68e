"""Fixtures for the ip-export tests: scenario exports (synthetic persons) and JSON/XML documents."""

from __future__ import annotations

import json
from typing import Any

import pytest

from samband.adapters.iplan import IpExport, serialize_json, serialize_xml
from tools.scenarios import emma, kari, kari_closure, kari_later


@pytest.fixture(scope="session")
def kari_active() -> IpExport:
    """Scenario 5: Kari's plan, active, with consents, goals, PSFS baseline and measures."""
    return kari.plan_created(kari.coordinator_appointed(kari.decided(kari.gp_answered(kari.registered()))))


@pytest.fixture(scope="session")
def kari_held(kari_active: IpExport) -> IpExport:
    return kari_later.meeting_held(kari_later.meeting_scheduled(kari_active))


@pytest.fixture(scope="session")
def kari_closed(kari_held: IpExport) -> IpExport:
    later = kari_later.discharged(
        kari_later.admitted(kari_later.daily_edits(kari_later.gp_declined(kari_later.gp_invited(kari_held))))
    )
    evaluated = kari_closure.evaluated(later, kari_closure._rescore("0-unable_10-able", 8, 9))
    return kari_closure.closed(evaluated)


@pytest.fixture(scope="session")
def emma_plan() -> IpExport:
    return emma.plan()


@pytest.fixture()
def kari_json(kari_active: IpExport) -> dict[str, Any]:
    """A fresh, mutable JSON dict of Kari's active plan."""
    data: dict[str, Any] = json.loads(serialize_json(kari_active))
    return data


@pytest.fixture()
def kari_xml(kari_active: IpExport) -> bytes:
    return serialize_xml(kari_active)


def dump(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
