"""Routes that let the Adresseregister decide (``match.receiver_channel``): a real gateway asks the
local REST register (contract-checked, DPoP-bound tokens) how each receiver is reached and routes by
it; a register that cannot answer keeps the message for a later try, an unknown receiver is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from joserfc.jwk import RSAKey

from samband.gateway.cli.check import Verdict, check_registers
from samband.gateway.runtime import start_services
from samband.gateway.settings import Settings
from samband.kernel.errors import ConfigurationError
from tests.integration.conftest import GatewayFactory
from tests.support.ar_rest_server import (
    MESSAGE_SERVICE_EDI,
    RestRegister,
    rest_party,
    running_rest_register,
)
from tests.support.token_issuer import AUDIENCE, TokenIssuer, running_issuer

MESSAGES = Path(__file__).resolve().parents[1] / "messages" / "plo"
CLIENT_ID = "samband-routing"
PARTIES = {
    8800102: rest_party(8800102, "Legekontoret", "Organization", orgnr="999000102", edi=MESSAGE_SERVICE_EDI),
    8800002: rest_party(8800002, "Pleie og omsorg", "Organization", orgnr="999000002", edi="po@edi.nhn.no"),
    8800202: rest_party(8800202, "Sykehuset", "Organization", orgnr="999000202", edi="sykehus@edi.nhn.no"),
}
ROUTES = """
routes:
  - name: via-message-service
    match: {{receiver_channel: [nhn-msh]}}
    target_format: as-is
    transport: file-drop
    endpoint: {root}/msh
    options: {{create_folder: "true"}}
  - name: via-ebxml
    match: {{receiver_channel: [ebxml-http]}}
    target_format: as-is
    transport: file-drop
    endpoint: {root}/ebxml
    options: {{create_folder: "true"}}
"""


@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    with running_issuer() as started:
        yield started


@pytest.fixture(scope="module")
def register(issuer: TokenIssuer) -> Iterator[RestRegister]:
    with running_rest_register(issuer, PARTIES) as started:
        yield started


@pytest.fixture
def rest_settings(
    issuer: TokenIssuer, register: RestRegister, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    key = RSAKey.generate_key(2048, parameters={"kid": "samband-routing-1"}, private=True)
    issuer.register_client(CLIENT_ID, RSAKey.import_key(key.as_dict(private=False)))
    key_path = tmp_path / "client.jwk"
    key_path.write_text(json.dumps(key.as_dict(private=True)))
    for name, value in {
        "SAMBAND_ADRESSEREGISTER_API": "rest",
        "SAMBAND_AR_REST_URL": register.url,
        "SAMBAND_AR_HELSEID_TOKEN_URL": issuer.token_url,
        "SAMBAND_AR_HELSEID_CLIENT_ID": CLIENT_ID,
        "SAMBAND_AR_HELSEID_KEY_PATH": str(key_path),
        "SAMBAND_AR_HELSEID_ISSUER": issuer.issuer,
        "SAMBAND_AR_HELSEID_RESOURCE": AUDIENCE,
    }.items():
        monkeypatch.setenv(name, value)
    register.failing = None
    yield
    assert register.contract_failures == [] and register.refused_requests == []


def test_the_register_decides_which_route_takes_each_receiver(
    rest_settings: None,
    register: RestRegister,
    sqlite_url: str,
    gateway_factory: GatewayFactory,
    tmp_path: Path,
) -> None:
    gw = gateway_factory(sqlite_url, ROUTES.format(root=tmp_path))
    to_api_user = gw.post((MESSAGES / "helseopplysninger_lege_1_6.xml").read_bytes())  # to 8800102
    to_edi_user = gw.post((MESSAGES / "log_innlagt_1_6.xml").read_bytes())  # to 8800002
    assert to_api_user.status_code == 202 and to_edi_user.status_code == 202, to_edi_user.text
    routed = {
        name: [d["route"] for d in gw.get(f"/messages/{answer.json()['id']}")["deliveries"]]
        for name, answer in (("api", to_api_user), ("edi", to_edi_user))
    }
    assert routed == {"api": ["via-message-service"], "edi": ["via-ebxml"]}
    gw.drain()
    assert len(list((tmp_path / "msh").iterdir())) == 1 and len(list((tmp_path / "ebxml").iterdir())) == 1

    # The register down: a receiver it answered before is routed from the store's copy; one it never
    # answered waits (received, deferred) and is routed once the register answers again.
    register.failing = 503
    again = gw.post((MESSAGES / "log_dod_1_6.xml").read_bytes())  # to 8800002, kept
    assert [d["route"] for d in gw.get(f"/messages/{again.json()['id']}")["deliveries"]] == ["via-ebxml"]
    waiting = gw.post((MESSAGES / "innleggelsesrapport_1_6.xml").read_bytes())  # to 8800202, not kept
    assert waiting.status_code == 503, waiting.text
    body = waiting.json()
    assert body["status"] == "received" and body["errors"][0]["code"] == "registry.unavailable"
    assert "deferred" in gw.events(body["id"])
    register.failing = None
    gw.clock.advance(gw.services.settings.processing_grace_seconds + 1)
    gw.drain()
    stored = gw.get(f"/messages/{body['id']}")
    assert stored["status"] in {"routed", "delivered"}
    assert [d["route"] for d in stored["deliveries"]] == ["via-ebxml"]


def test_a_receiver_the_register_does_not_know_is_refused(
    rest_settings: None, sqlite_url: str, gateway_factory: GatewayFactory, tmp_path: Path
) -> None:
    gw = gateway_factory(sqlite_url, ROUTES.format(root=tmp_path))
    answer = gw.post((MESSAGES / "medisinske_opplysninger_1_6.xml").read_bytes())  # to 8800003
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["code"] == "registry.not-found"


def test_routes_that_ask_the_register_need_one(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SAMBAND_ADRESSEREGISTER_API", "SAMBAND_AR_ENDPOINT", "SAMBAND_AR_REST_URL"):
        monkeypatch.delenv(name, raising=False)
    routes = tmp_path / "routes.yaml"
    routes.write_text(ROUTES.format(root=tmp_path), encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        start_services(Settings(database_url=sqlite_url, routes=routes))
    assert caught.value.code == "config.routes.receiver-channel"
    found = check_registers(Settings(database_url=sqlite_url, routes=routes))
    assert found.verdict is Verdict.PROBLEM and "receiver_channel" in found.detail
