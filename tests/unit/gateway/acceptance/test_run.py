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
    ("status", "apprec_status", "codes", "verdict"),
    [
        ("rejected", "2", ("T01",), "refuse"),
        ("failed", "2", ("X99",), "refuse"),
        ("delivered", "1", (), "accept"),
        ("delivered", None, (), "accept"),
        ("delivered", "1", ("X99",), "warn"),
        ("delivered", "3", (), "warn"),
        ("duplicate", "1", (), "accept"),
        ("failed", None, (), "failed"),
        ("received", None, (), "deferred"),
    ],
)
def test_the_verdict_comes_from_the_status_and_the_apprec(
    status: str, apprec_status: str | None, codes: tuple[str, ...], verdict: str
) -> None:
    assert verdict_of(status, apprec_status, codes) == verdict


def _expect(verdict: str, status: str, code: str | None) -> Expectation:
    return Expectation("missing-sender", verdict, status, code, "", False, "krav 13")  # type: ignore[arg-type]


def test_a_row_meets_its_case_on_verdict_apprec_status_and_error_code() -> None:
    refused = Got("refuse", "rejected", "2", ("E35",), ("Opplysninger om avsender mangler.",))
    assert meets(_expect("refuse", "2", "E35"), refused)
    assert not meets(_expect("refuse", "2", "T02"), refused)
    assert not meets(_expect("accept", "1", None), refused)
    assert meets(_expect("accept", "1", None), Got("accept", "delivered", "1"))
    assert not meets(_expect("accept", "1", None), Got("accept", "delivered", None))


def test_the_run_delivers_locally_where_the_route_file_says_otherwise(tmp_path: Path) -> None:
    settings = Settings(routes=ROOT / "examples" / "routes.yaml")
    receiver = set_up(settings, {"91094"}, tmp_path)
    transports = {route.name: (route.transport, route.endpoint) for route in receiver.routes}
    assert transports["fhir-store"] == ("fhir-store", None)
    assert transports["kommune-fhir"] == ("file-drop", str(tmp_path / "kommune-fhir"))
    assert (tmp_path / "kommune-fhir").is_dir()
    assert all(route.endpoint is None or not route.endpoint.startswith("http") for route in receiver.routes)


def test_without_a_route_file_everything_goes_into_the_fhir_store(tmp_path: Path) -> None:
    assert set_up(Settings(), {"91094"}, tmp_path).routes == DEFAULT_ROUTES
