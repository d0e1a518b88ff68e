"""A delta ip-export with a revision gap is refused to the IP tool at once (422, its code), not taken
in and only found out later; the exports that chain are taken in."""

from __future__ import annotations

from tests.integration.conftest import GatewayFactory
from tests.integration.ke_support import IP_HEADERS
from tools.scenarios import all_steps
from tools.scenarios.feedback import chain
from tools.scenarios.replay import encode


def test_a_revision_gap_is_refused_with_its_code(gateway_factory: GatewayFactory, database_url: str) -> None:
    gw = gateway_factory(database_url)
    gap = next(s for s in all_steps() if s.scenario == "s10-closure" and s.name == "04-revision-gap")
    taken = [step for steps in chain().values() for step in steps]
    until = next(i for i, s in enumerate(taken) if (s.scenario, s.name) == ("s10-closure", "01-evaluated"))
    for step in taken[: until + 1]:  # the plan at revision 53; the gap's delta applies to 56
        answer = gw.client.post("/ip-exports", content=encode(step), headers=IP_HEADERS)
        assert answer.status_code == 202, (step.scenario, step.name, answer.text)
    refused = gw.client.post("/ip-exports", content=encode(gap), headers=IP_HEADERS)
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert error["code"] == "ip-export.revision-gap" and error["where"] == "/sinceRevision"
    assert error["received"] == str(gap.export.since_revision) and "sinceRevision" in error["expected"]
    assert gw.get(f"/messages/{refused.json()['id']}")["status"] == "rejected"


def test_a_delta_for_a_plan_never_taken_in_is_a_gap(gateway_factory: GatewayFactory, sqlite_url: str) -> None:
    gw = gateway_factory(sqlite_url)
    delta = next(s for steps in chain().values() for s in steps if s.export.export_kind == "delta")
    lone = gw.client.post("/ip-exports", content=encode(delta), headers=IP_HEADERS)
    assert lone.status_code == 422
    assert lone.json()["errors"][0]["code"] == "ip-export.revision-gap"


def test_a_gap_is_refused_at_once_when_workers_process(
    gateway_factory: GatewayFactory, sqlite_url: str
) -> None:
    gw = gateway_factory(sqlite_url, process_in_workers=True)
    delta = next(s for steps in chain().values() for s in steps if s.export.export_kind == "delta")
    answer = gw.client.post("/ip-exports", content=encode(delta), headers=IP_HEADERS)
    assert (answer.status_code, answer.json()["errors"][0]["code"]) == (422, "ip-export.revision-gap")
