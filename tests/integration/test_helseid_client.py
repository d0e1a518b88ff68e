"""The HelseID client against a real token endpoint on loopback (``tests/support/token_issuer.py``):
the server checks the client assertion with the client's public key and the DPoP proof itself, and
binds the token it issues to the proof's key; a resource server on the same port takes the token
only with a proof for it. Nothing in either side's checks is replaced."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jws
from joserfc.jwk import ECKey, RSAKey

from samband.integrations.helseid.client import HelseIdClient, HelseIdSettings
from samband.integrations.helseid.dpop import PROOFS, token_hash
from samband.kernel.errors import ConfigurationError, DeliveryMisconfigured, DeliveryUnavailable
from tests.support.token_issuer import AUDIENCE, TokenIssuer, running_issuer

CLIENT_ID = "samband-test-client"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def issuer() -> Iterator[TokenIssuer]:
    with running_issuer() as started:
        yield started


@pytest.fixture
def client_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "samband-key-1"}, private=True)


def jwk_file(tmp_path: Path, key: RSAKey | ECKey) -> Path:
    path = tmp_path / "helseid.jwk"
    path.write_text(json.dumps(key.as_dict(private=True)))
    return path


def make_client(
    issuer: TokenIssuer, key_path: Path, *, clock: Clock | None = None, **settings: Any
) -> HelseIdClient:
    config = HelseIdSettings.model_validate(
        {
            "token_url": issuer.token_url,
            "client_id": CLIENT_ID,
            "key_path": key_path,
            "issuer": issuer.issuer,
            "scope": ["nhn:msh/api"],
            "resource": [AUDIENCE],
            **settings,
        }
    )
    return HelseIdClient(config, clock=clock) if clock else HelseIdClient(config)


def claims(compact: str) -> dict[str, object]:
    payload = json.loads(jws.extract_compact(compact.encode(), registry=PROOFS).payload or b"")
    assert isinstance(payload, dict)
    return payload


@pytest.fixture
def client(issuer: TokenIssuer, client_key: RSAKey, tmp_path: Path) -> Iterator[HelseIdClient]:
    issuer.register_client(CLIENT_ID, RSAKey.import_key(client_key.as_dict(private=False)))
    made = make_client(issuer, jwk_file(tmp_path, client_key))
    yield made
    made.close()


def test_a_dpop_bound_token_is_obtained_and_taken_by_a_resource_server(
    issuer: TokenIssuer, client: HelseIdClient
) -> None:
    token = client.access_token()
    assert token.token_type == "DPoP" and token.scope == "nhn:msh/api"
    issued = claims(token.value)
    assert issued["cnf"] == {"jkt": client.jkt} and issued["sub"] == CLIENT_ID

    form = issuer.token_requests()[0].body.decode()
    assert "grant_type=client_credentials" in form and "scope=nhn%3Amsh%2Fapi" in form
    assert "resource=nhn%3Asamband-test" in form

    issuer.protect("/api/Messages")
    answer = client.request("GET", issuer.receiver.url("/api/Messages?ReceiverHerIds=8142987"))
    assert answer.status_code == 200, answer.content
    sent = issuer.receiver.requests_to("/api/Messages")[-1]
    assert sent.header("Authorization") == f"DPoP {token.value}"
    assert claims(sent.header("DPoP") or "")["ath"] == token_hash(token.value)


def test_a_token_is_kept_one_request_for_two_calls_and_for_concurrent_callers(
    issuer: TokenIssuer, client: HelseIdClient
) -> None:
    first = client.access_token()
    assert client.access_token() == first
    values: list[str] = []
    threads = [threading.Thread(target=lambda: values.append(client.access_token().value)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(values) == {first.value}
    assert len(issuer.token_requests()) == 1


def test_a_token_is_renewed_skew_seconds_before_it_expires(
    issuer: TokenIssuer, client_key: RSAKey, tmp_path: Path
) -> None:
    issuer.register_client(CLIENT_ID, client_key)
    clock = Clock()
    client = make_client(issuer, jwk_file(tmp_path, client_key), clock=clock, expiry_skew_seconds=30)
    issuer.expires_in = 120
    first = client.access_token()
    clock.now += 89
    assert client.access_token() == first, "still 31 s to go"
    clock.now += 1
    second = client.access_token()
    assert second != first and second.value == issuer.issued[-1]
    assert len(issuer.token_requests()) == 2


def test_the_token_endpoints_nonce_challenge_is_answered(issuer: TokenIssuer, client: HelseIdClient) -> None:
    issuer.demand_nonce = True
    token = client.access_token()
    first, second = issuer.token_requests()
    assert "nonce" not in claims(first.header("DPoP") or "")
    assert claims(second.header("DPoP") or "")["nonce"] == issuer.nonce
    assert (
        claims(first.body.decode().split("client_assertion=")[1].split("&")[0])["jti"]
        != claims(second.body.decode().split("client_assertion=")[1].split("&")[0])["jti"]
    ), "a fresh assertion for the second try"
    assert token.value == issuer.issued[-1]
    assert client.nonce(issuer.token_url) == issuer.nonce


def test_a_resource_servers_nonce_challenge_is_answered_once_and_remembered(
    issuer: TokenIssuer, client: HelseIdClient
) -> None:
    issuer.protect("/api/Messages", demand_nonce=True)
    url = issuer.receiver.url("/api/Messages")
    assert client.request("GET", url).status_code == 200
    assert len(issuer.receiver.requests_to("/api/Messages")) == 2
    assert client.request("POST", url, json={}).status_code == 200
    assert len(issuer.receiver.requests_to("/api/Messages")) == 3, "the kept nonce went with the next call"


def test_an_unknown_client_or_a_wrong_key_is_refused_with_the_servers_error(
    issuer: TokenIssuer, client_key: RSAKey, tmp_path: Path
) -> None:
    client = make_client(issuer, jwk_file(tmp_path, client_key))
    with pytest.raises(DeliveryMisconfigured) as unknown:
        client.access_token()
    assert unknown.value.code == "helseid.refused" and "invalid_client" in unknown.value.detail
    issuer.register_client(CLIENT_ID, RSAKey.generate_key(2048, private=True))
    with pytest.raises(DeliveryMisconfigured) as wrong_key:
        client.access_token()
    assert wrong_key.value.code == "helseid.refused" and wrong_key.value.received == "invalid_client"


def test_a_token_endpoint_that_is_down_is_unreachable(issuer: TokenIssuer, client: HelseIdClient) -> None:
    issuer.receiver.down()
    with pytest.raises(DeliveryUnavailable) as down:
        client.access_token()
    assert down.value.code == "helseid.unreachable"
    issuer.receiver.up()
    assert client.access_token().token_type == "DPoP", "the next call tries again"


def test_an_answer_that_is_no_token_response_is_a_bad_response(
    issuer: TokenIssuer, client: HelseIdClient
) -> None:
    issuer.receiver.script("/connect/token", 200)
    with pytest.raises(DeliveryUnavailable) as bad:
        client.access_token()
    assert bad.value.code == "helseid.bad-response"


def test_a_pem_key_with_its_kid_signs_es256(issuer: TokenIssuer, tmp_path: Path) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    pem = tmp_path / "helseid.pem"
    pem.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    issuer.register_client(CLIENT_ID, ECKey.import_key(public))
    client = make_client(issuer, pem, key_id="pem-key")
    assert client.algorithm == "ES256"
    assert claims(client.access_token().value)["cnf"] == {"jkt": client.jkt}
    header = jws.extract_compact(client.client_assertion().encode()).headers()
    assert header["kid"] == "pem-key" and header["alg"] == "ES256"


@pytest.mark.parametrize(
    ("content", "algorithm", "why"),
    [
        (None, None, "cannot be read"),
        (b"not a key", None, "not a private JWK or PEM key"),
        (b'{"kty": "oct", "k": "c2VjcmV0", "kid": "x"}', None, "no private RSA or EC key"),
        ("public", None, "no private RSA or EC key"),
        ("rsa", "ES256", "cannot sign ES256"),
    ],
)
def test_a_key_that_cannot_be_used_is_a_configuration_error(
    issuer: TokenIssuer,
    client_key: RSAKey,
    tmp_path: Path,
    content: object,
    algorithm: str | None,
    why: str,
) -> None:
    path = tmp_path / "key"
    if content == "public":
        path.write_text(json.dumps(client_key.as_dict(private=False)))
    elif content == "rsa":
        path = jwk_file(tmp_path, client_key)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(ConfigurationError) as refused:
        make_client(issuer, path, algorithm=algorithm)
    assert refused.value.code == "helseid.key-unreadable" and why in refused.value.detail
