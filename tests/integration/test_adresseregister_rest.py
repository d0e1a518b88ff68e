"""The Adresseregister REST client against a local register speaking Samband's contract
(``tests/support/ar_rest_server.py``: openapi-core checks every request and answer) that takes only
DPoP-bound tokens from the local HelseID issuer; the cache kept in a real SQLite file and a real
PostgreSQL schema, read again by a new client after a restart."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from joserfc.jwk import RSAKey
from pydantic import ValidationError
from sqlalchemy import Engine, select

from samband.adapters.registry.ar_model import Channel
from samband.features.feedback.addressing import GpHint, resolve_gp
from samband.features.feedback.wiring import build_feedback
from samband.features.registry import MIGRATIONS
from samband.gateway.cli.check import Verdict, check_registers
from samband.gateway.runtime import start_services
from samband.gateway.settings import Settings
from samband.gateway.store.db import make_engine, run_migrations
from samband.gateway.store.register_cache import StoreCache
from samband.gateway.store.tables import register_cache
from samband.integrations.adresseregister import (
    CachedRegistry,
    RegisterSettings,
    RestClient,
    build_registry,
)
from samband.integrations.helseid import HelseIdClient, HelseIdSettings
from samband.kernel.errors import NoRouteMatched, RegistryUnavailable
from tests.integration.conftest import pg_schema_url
from tests.support.ar_rest_server import SCOPE, SYNTHETIC_REST_PARTIES, RestRegister, running_rest_register
from tests.support.receivers import Reply
from tests.support.token_issuer import AUDIENCE, TokenIssuer, running_issuer

CLIENT_ID = "samband-ar-client"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    with running_issuer() as started:
        yield started


@pytest.fixture(scope="module")
def key_path(issuer: TokenIssuer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    key = RSAKey.generate_key(2048, parameters={"kid": "samband-ar-1"}, private=True)
    issuer.register_client(CLIENT_ID, RSAKey.import_key(key.as_dict(private=False)))
    path = tmp_path_factory.mktemp("helseid") / "client.jwk"
    path.write_text(json.dumps(key.as_dict(private=True)))
    return path


@pytest.fixture(scope="module")
def server(issuer: TokenIssuer) -> Iterator[RestRegister]:
    with running_rest_register(issuer) as started:
        yield started


@pytest.fixture
def register(server: RestRegister) -> Iterator[RestRegister]:
    """The module's register, its content and switches as at the start for each test."""
    server.parties = {her: dict(p) for her, p in SYNTHETIC_REST_PARTIES.items()}
    server.failing = None
    server.answered.clear()
    yield server
    assert server.contract_failures == [], "the register answered outside the contract"
    assert server.refused_requests == [], "the client sent a request outside the contract"


def helseid(
    issuer: TokenIssuer, key_path: Path, scope: str = SCOPE, client_id: str = CLIENT_ID
) -> HelseIdClient:
    settings = HelseIdSettings(
        token_url=issuer.token_url,
        client_id=client_id,
        key_path=key_path,
        issuer=issuer.issuer,
        scope=[scope],
        resource=[AUDIENCE],
    )
    return HelseIdClient(settings)


@pytest.fixture
def client(issuer: TokenIssuer, key_path: Path, register: RestRegister) -> Iterator[RestClient]:
    made = RestClient(register.url, helseid(issuer, key_path), timeout=5.0)
    yield made
    made.helseid.close()


def test_a_party_is_looked_up_by_her_id_with_a_dpop_bound_token(
    client: RestClient, register: RestRegister
) -> None:
    party = client.communication_party("8140100")
    assert (party.her_id, party.name, party.type) == ("8140100", "Liv Berg", "Person")
    assert (party.person_name, party.hpr) == ("Liv Berg", "9144900")
    assert (party.parent_her_id, party.parent_name, party.parent_organization_number) == (
        "8140090",
        "Sentrum legekontor",
        "999888777",
    )
    assert party.phone == "74 11 22 33"
    assert party.address("E_EDI") == "sentrum-legekontor@edi.nhn.no"
    assert party.channel is Channel.EBXML
    assert party.signing_certificate is not None
    assert party.signing_certificate.thumbprint == "0A1B2C3D4E5F60718293A4B5C6D7E8F901234567"
    assert party.physical_addresses[0].postal_code == "7725"
    assert register.answered == ["GET /api/v1/communicationparty/8140100"]
    sent = register.receiver.requests_to("/api/v1/communicationparty/8140100")[-1]
    assert (sent.header("Authorization") or "").startswith("DPoP ") and sent.header("DPoP")


def test_the_registers_nonce_challenge_is_answered_once(issuer: TokenIssuer, key_path: Path) -> None:
    with running_rest_register(issuer, demand_nonce=True) as register:
        client = RestClient(register.url, helseid(issuer, key_path))
        assert client.communication_party("8140100").her_id == "8140100"
        assert client.communication_party("8140090").her_id == "8140090"  # the nonce kept: no challenge
        assert register.answered == [
            "GET /api/v1/communicationparty/8140100",
            "GET /api/v1/communicationparty/8140090",
        ]
        assert len(register.receiver.requests) == 3  # one 401 use_dpop_nonce, then two answers
        client.helseid.close()


def test_the_register_decides_the_channel_message_service_users_are_nhn_msh(client: RestClient) -> None:
    service = client.communication_party("8140002")
    assert service.type == "Service" and service.parent_name == "Steinkjer kommune"
    assert service.service_code is not None and service.service_code.oid == "8663"
    assert service.channel is Channel.MESSAGE_SERVICE
    assert str(service.channel) == "nhn-msh"  # the route transport name


def test_a_party_without_edi_address_has_no_channel(client: RestClient, register: RestRegister) -> None:
    register.parties[8140090] = {**register.parties[8140090], "ediAddress": None}
    assert client.communication_party("8140090").channel is None


KEY_USAGES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)


def _usage(*wanted: str) -> x509.KeyUsage:
    return x509.KeyUsage(**{name: name in wanted for name in KEY_USAGES})


def _certificate(usage: x509.KeyUsage) -> str:
    """A synthetic self-signed certificate (base64 DER) with ``usage``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sentrum legekontor (test)")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def test_the_current_certificates_are_read(client: RestClient, register: RestRegister) -> None:
    signing = _usage("digital_signature", "content_commitment")
    encryption = _usage("key_encipherment")
    register.certificates[(8140100, "signing")] = _certificate(signing)
    register.certificates[(8140100, "encryption")] = _certificate(encryption)
    signed = client.certificate("8140100", "signing").certificate
    assert signed.for_signing and not signed.for_encryption and signed.valid_at(datetime.now(UTC))
    assert client.certificate("8140100", "encryption").certificate.for_encryption
    with pytest.raises(NoRouteMatched) as caught:
        client.certificate("8140090", "encryption")
    assert caught.value.code == "registry.not-found"


def test_search_by_hpr_her_id_and_organisation_number(client: RestClient) -> None:
    assert [p.her_id for p in client.search_by_id("9144900")] == ["8140100"]
    assert [p.her_id for p in client.search_by_id("8140090")] == ["8140090"]
    assert [p.her_id for p in client.search_by_id("999888777")] == ["8140090"]
    assert client.search_by_id("1") == ()
    assert client.search_by_id("not-digits") == ()


def test_an_unknown_her_id_is_not_found_and_a_bad_one_is_not_asked(
    client: RestClient, register: RestRegister
) -> None:
    with pytest.raises(NoRouteMatched) as caught:
        client.communication_party("8149999")
    assert caught.value.code == "registry.not-found"
    for bad in ("81401OO", "99999999999"):
        with pytest.raises(NoRouteMatched) as refused:
            client.communication_party(bad)
        assert refused.value.code == "registry.bad-her-id"
    assert register.answered == ["GET /api/v1/communicationparty/8149999"]


def test_a_server_error_or_no_answer_is_unavailable(client: RestClient, register: RestRegister) -> None:
    register.failing = 503
    with pytest.raises(RegistryUnavailable) as caught:
        client.communication_party("8140100")
    assert caught.value.code == "registry.unavailable" and "503" in caught.value.detail
    register.failing = 500
    with pytest.raises(RegistryUnavailable):
        client.search_by_id("9144900")
    closed = RestClient("http://127.0.0.1:9", client.helseid, timeout=1.0)
    with pytest.raises(RegistryUnavailable) as refused:
        closed.communication_party("8140100")
    assert refused.value.code == "registry.unavailable"


def test_an_answer_outside_the_contract_is_a_bad_answer(client: RestClient, register: RestRegister) -> None:
    path = "/api/v1/communicationparty/8140100"
    for body in (b"<html>not json</html>", b'{"herId": "8140100", "type": "Person"}', b"[]"):
        register.receiver.script(path, Reply(200, body, {"Content-Type": "application/json"}))
        with pytest.raises(RegistryUnavailable) as caught:
            client.communication_party("8140100")
        assert caught.value.code == "registry.bad-answer"
    register.receiver.script(path)  # the register answers again


def test_a_token_without_the_scope_is_refused_as_configuration(
    issuer: TokenIssuer, key_path: Path, register: RestRegister
) -> None:
    client = RestClient(register.url, helseid(issuer, key_path, scope="nhn:msh/api"))
    with pytest.raises(RegistryUnavailable) as caught:
        client.communication_party("8140100")
    assert caught.value.code == "registry.access-refused" and "403" in caught.value.detail


def test_a_kept_token_the_register_no_longer_takes_is_renewed_once(
    issuer: TokenIssuer, key_path: Path, register: RestRegister
) -> None:
    made = helseid(issuer, key_path)
    client = RestClient(register.url, made)
    kept = made.access_token()
    issued, sent = len(issuer.issued), len(register.receiver.requests)
    # The kept token is bound to the client's key but issued for another API: the register answers 401.
    made._token = replace(kept, value=issuer.token(scope=[SCOPE], audience="nhn:another-api", jkt=made.jkt))
    assert client.communication_party("8140100").her_id == "8140100"
    assert len(issuer.issued) == issued + 1
    assert len(register.receiver.requests) == sent + 2  # refused once, then answered
    assert register.answered == ["GET /api/v1/communicationparty/8140100"]


def test_a_client_helseid_does_not_know_gets_the_helseid_code(
    issuer: TokenIssuer, key_path: Path, register: RestRegister
) -> None:
    client = RestClient(register.url, helseid(issuer, key_path, client_id="unknown-client"))
    with pytest.raises(RegistryUnavailable) as caught:
        client.communication_party("8140100")
    assert caught.value.code == "registry.access-refused" and "invalid_client" in caught.value.detail
    assert register.answered == []


def _migrated(url: str) -> Engine:
    engine = make_engine(url)
    run_migrations(engine)
    return engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'samband.db'}"
        return
    yield from pg_schema_url(request.getfixturevalue("pg_url"))


def test_the_cache_in_the_store_answers_after_a_restart_and_expires(
    issuer: TokenIssuer, key_path: Path, register: RestRegister, database_url: str
) -> None:
    clock = Clock()
    engine = _migrated(database_url)
    first = CachedRegistry(
        RestClient(register.url, helseid(issuer, key_path)), timedelta(hours=1), clock, StoreCache(engine)
    )
    looked_up = first.communication_party("8140100")
    assert looked_up.person_name == "Liv Berg"
    assert [p.her_id for p in first.search_by_id("9144900")] == ["8140100"]
    asked = len(register.answered)
    engine.dispose()

    # A restart: a new engine, a new client, the register down; the kept answers come from the store.
    register.failing = 503
    engine = _migrated(database_url)
    second = CachedRegistry(
        RestClient(register.url, helseid(issuer, key_path)), timedelta(hours=1), clock, StoreCache(engine)
    )
    party = second.communication_party("8140100")
    assert (party.her_id, party.hpr, party.channel) == ("8140100", "9144900", Channel.EBXML)
    assert party == looked_up
    assert [p.her_id for p in second.search_by_id("9144900")] == ["8140100"]
    assert second.fetched == 0 and second.served_stale == 0 and len(register.answered) == asked

    # Past the TTL the register is asked again; while it is down the kept answer is served stale.
    clock.now += timedelta(hours=2)
    assert second.communication_party("8140100").her_id == "8140100"
    assert second.served_stale == 1
    register.failing = None
    register.parties[8140100] = {**register.parties[8140100], "phoneNumber": "74 99 99 99"}
    assert second.communication_party("8140100").phone == "74 99 99 99"
    assert second.fetched == 1 and len(register.answered) == asked + 1
    clock.now += timedelta(minutes=30)
    assert second.communication_party("8140100").phone == "74 99 99 99"  # fresh again: not asked
    assert len(register.answered) == asked + 1
    engine.dispose()


def test_nothing_kept_and_the_register_down_is_unavailable(
    issuer: TokenIssuer, key_path: Path, register: RestRegister, tmp_path: Path
) -> None:
    engine = _migrated(f"sqlite:///{tmp_path / 'empty.db'}")
    cached = CachedRegistry(RestClient(register.url, helseid(issuer, key_path)), store=StoreCache(engine))
    register.failing = 502
    with pytest.raises(RegistryUnavailable):
        cached.communication_party("8140100")
    register.failing = None
    with pytest.raises(NoRouteMatched):
        cached.communication_party("8149999")
    engine.dispose()


def _rest_environment(monkeypatch: pytest.MonkeyPatch, issuer: TokenIssuer, url: str) -> None:
    monkeypatch.setenv("SAMBAND_ADRESSEREGISTER_API", "rest")
    monkeypatch.setenv("SAMBAND_AR_REST_URL", url)
    monkeypatch.setenv("SAMBAND_AR_HELSEID_TOKEN_URL", issuer.token_url)
    monkeypatch.setenv("SAMBAND_AR_HELSEID_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SAMBAND_AR_HELSEID_ISSUER", issuer.issuer)
    monkeypatch.setenv("SAMBAND_AR_HELSEID_RESOURCE", AUDIENCE)


def test_samband_check_looks_up_the_gateways_own_her_id(
    issuer: TokenIssuer, key_path: Path, register: RestRegister, monkeypatch: pytest.MonkeyPatch
) -> None:
    _rest_environment(monkeypatch, issuer, register.url)
    monkeypatch.setenv("SAMBAND_AR_HELSEID_KEY_PATH", str(key_path))
    found = check_registers(Settings(her_id="8140002"))
    assert found.verdict is Verdict.OK and "Saksbehandling; nhn-msh" in found.detail
    assert check_registers(Settings(her_id="8149999")).verdict is Verdict.NOTE
    register.failing = 503
    down = check_registers(Settings(her_id="8140002"))
    assert down.verdict is Verdict.PROBLEM and "registry.unavailable" in down.detail
    monkeypatch.delenv("SAMBAND_AR_HELSEID_KEY_PATH")
    unset = check_registers(Settings(her_id="8140002"))
    assert unset.verdict is Verdict.PROBLEM and "SAMBAND_AR_HELSEID_KEY_PATH" in unset.detail


def test_the_settings_choose_the_rest_api(
    issuer: TokenIssuer, key_path: Path, register: RestRegister, monkeypatch: pytest.MonkeyPatch
) -> None:
    _rest_environment(monkeypatch, issuer, register.url)
    monkeypatch.setenv("SAMBAND_AR_CACHE_HOURS", "2")
    monkeypatch.delenv("SAMBAND_AR_HELSEID_KEY_PATH", raising=False)
    with pytest.raises(ValidationError, match="set SAMBAND_AR_HELSEID_KEY_PATH"):
        RegisterSettings()  # read when the service starts: it does not start

    monkeypatch.setenv("SAMBAND_AR_HELSEID_KEY_PATH", str(key_path))
    registry = build_registry(RegisterSettings())
    assert registry is not None
    assert registry.communication_party("8140002").channel is Channel.MESSAGE_SERVICE
    monkeypatch.delenv("SAMBAND_AR_REST_URL")
    assert build_registry(RegisterSettings()) is None


def test_gp_feedback_addresses_the_gp_through_the_rest_api_and_keeps_the_answer_in_the_store(
    issuer: TokenIssuer,
    key_path: Path,
    register: RestRegister,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    _rest_environment(monkeypatch, issuer, register.url)
    monkeypatch.setenv("SAMBAND_AR_HELSEID_KEY_PATH", str(key_path))
    svc = start_services(Settings(database_url=f"sqlite:///{tmp_path / 'samband.db'}"), migrations=MIGRATIONS)
    feedback = build_feedback(svc)
    gp = resolve_gp([GpHint(hpr="9144900", source="referral")], feedback.registry)
    assert gp is not None
    assert (gp.name, gp.her_id, gp.unit_her, gp.person_name) == (
        "Sentrum legekontor",
        "8140090",
        "8140100",
        "Liv Berg",
    )
    with svc.engine.begin() as conn:
        kept = {(row.kind, row.key) for row in conn.execute(select(register_cache))}
    assert kept == {("search", "9144900")}
    svc.engine.dispose()
