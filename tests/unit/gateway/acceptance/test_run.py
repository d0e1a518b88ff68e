"""The acceptance runner's parts: the verdict read from what the gateway did, the comparison with a
case's expectation, and the receiving system a run sets up (nothing leaves the machine)."""

from __future__ import annotations

from pathlib import Path

import pytest

from samband.gateway.acceptance.cases import Expectation
from samband.gateway.acceptance.gateways import Got, verdict_of
from samband.gateway.acceptance.receiver import set_up
from samband.gateway.acceptance.run import meets
from samband.gateway.routing import DEFAULT_ROUTES
from samband.gateway.settings import Settings

ROOT = Path(__file__).resolve().parents[4]


@pytest.mark.parametrize(
    ("status", "apprec_status", "warnings", "verdict"),
    [
        ("rejected", "2", (), "refuse"),
        ("failed", "2", (), "refuse"),
        ("delivered", "1", (), "accept"),
        ("delivered", None, (), "accept"),
        ("delivered", "1", ("patient.other-identifier",), "warn"),
        ("delivered", "3", (), "warn"),
        ("duplicate", "1", (), "accept"),
        ("failed", None, (), "failed"),
        ("received", None, (), "deferred"),
    ],
)
def test_the_verdict_comes_from_the_status_the_apprec_and_the_warnings(
    status: str, apprec_status: str | None, warnings: tuple[str, ...], verdict: str
) -> None:
    assert verdict_of(status, apprec_status, warnings) == verdict


def _expect(verdict: str, status: str, code: str | None = None, warning: str | None = None) -> Expectation:
    return Expectation("a-case", verdict, status, code, "", False, "krav 13", warning)  # type: ignore[arg-type]


def test_a_refusal_meets_its_case_on_apprec_status_and_error_code() -> None:
    refused = Got("refuse", "rejected", "2", ("X99",), ("Opplysninger om avsender mangler.",))
    assert meets(_expect("refuse", "2", "X99"), refused)
    assert not meets(_expect("refuse", "2", "T02"), refused)
    assert not meets(_expect("accept", "1"), refused)


def test_a_message_taken_in_meets_its_case_with_the_warning_the_case_names() -> None:
    plain = Got("accept", "delivered", "1")
    warned = Got("warn", "delivered", "1", warnings=("code.unknown", "patient.other-identifier"))
    assert meets(_expect("accept", "1"), plain)
    assert meets(_expect("accept", "1"), warned), "a warning the case does not name does not fail it"
    assert meets(_expect("warn", "1", warning="patient.other-identifier"), warned)
    assert not meets(_expect("warn", "1", warning="lineage.out-of-order"), warned)
    assert not meets(_expect("warn", "1", warning="patient.other-identifier"), plain)
    assert not meets(_expect("accept", "1"), Got("accept", "delivered", None)), "no AppRec"


def test_the_run_delivers_locally_where_the_route_file_says_otherwise(tmp_path: Path) -> None:
    settings = Settings(routes=ROOT / "examples" / "routes.yaml")
    receiver = set_up(settings, {"91094"}, tmp_path)
    transports = {route.name: (route.transport, route.endpoint) for route in receiver.routes}
    assert transports["fhir-store"] == ("fhir-store", None)
    assert transports["kommune-fhir"] == ("file-drop", str(tmp_path / "kommune-fhir"))
    assert (tmp_path / "kommune-fhir").is_dir()
    assert all(route.endpoint is None or not route.endpoint.startswith("http") for route in receiver.routes)


def test_without_a_route_file_it_receives_for_the_base_messages_receivers(tmp_path: Path) -> None:
    receiver = set_up(Settings(), {"91094", "91095"}, tmp_path)
    assert receiver.settings.served_her_ids == ["91094", "91095"]
    [route] = receiver.routes
    assert route.transport == "fhir-store" and route.match.receiver_her == ("91094", "91095")


def test_a_base_message_addressed_by_no_her_id_leaves_every_receiver_taken(tmp_path: Path) -> None:
    receiver = set_up(Settings(), {"369.767", None}, tmp_path)
    assert receiver.routes == DEFAULT_ROUTES
    assert receiver.settings.served_her_ids == ["369.767"]


def test_served_her_ids_in_the_settings_name_the_served_receivers(tmp_path: Path) -> None:
    receiver = set_up(Settings(served_her_ids=["8100002"]), {"91094"}, tmp_path)
    assert receiver.settings.served_her_ids == ["8100002"]
    assert receiver.routes.routes[0].match.receiver_her == ("8100002",)
