"""Access tokens against a real issuer on loopback: the gateway (uvicorn on loopback) fetches the
issuer's discovery document and JWKS over HTTP and checks every token and DPoP proof itself.

The issuer (``tests/support/token_issuer.py``) signs with its own RSA keys and rotates them; the
client key (ES256) binds tokens and signs DPoP proofs. Nothing in the verification is replaced.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from samband.gateway.app import create_app
from samband.gateway.settings import Settings
from samband.kernel.errors import ConfigurationError
from tests.integration.conftest import AUTH, Gateway, GatewayFactory
from tests.integration.messages import hodemelding
from tests.support.receivers import running_receiver
from tests.support.token_issuer import AUDIENCE, ClientKey, TokenIssuer, running_issuer

XML = {"Content-Type": "application/xml"}


@pytest.fixture
def issuer() -> Iterator[TokenIssuer]:
    with running_issuer() as started:
        yield started


@pytest.fixture
def gw(sqlite_url: str, gateway_factory: GatewayFactory, issuer: TokenIssuer) -> Gateway:
    return gateway_factory(sqlite_url, auth_issuer=issuer.issuer, auth_audience=AUDIENCE)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def refusal(response: httpx.Response, status: int, code: str) -> str:
    """The refusal's code, checked with its status; returns the WWW-Authenticate challenge."""
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["code"] == code, response.text
    assert response.headers["cache-control"] == "no-store"
    return str(response.headers.get("www-authenticate", ""))


def b64(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def url(gw: Gateway, path: str) -> str:
    return f"{gw.client.base_url}{path}"


def test_no_token_garbage_expired_and_wrong_audience_are_refused(gw: Gateway, issuer: TokenIssuer) -> None:
    challenge = refusal(gw.client.get("/messages"), 401, "auth.required")
    assert challenge == 'Bearer realm="samband", DPoP realm="samband", algs="ES256 PS256 RS256"'

    challenge = refusal(gw.client.get("/messages", headers=bearer("not.a-token")), 401, "auth.invalid-token")
    assert challenge.startswith('Bearer realm="samband", error="invalid_token", error_description=')

    expired = issuer.token(expires_in=-120)  # past the 30 s leeway
    refusal(gw.client.get("/messages", headers=bearer(expired)), 401, "auth.expired")
    within_leeway = issuer.token(expires_in=-5)
    assert gw.client.get("/messages", headers=bearer(within_leeway)).status_code == 200
    not_yet = issuer.token(not_before=int(time.time()) + 600)
    refusal(gw.client.get("/messages", headers=bearer(not_yet)), 401, "auth.expired")

    for audience in ("nhn:another-service", ["nhn:another-service", "nhn:third"], None):
        other = issuer.token(audience=audience)
        refusal(gw.client.get("/messages", headers=bearer(other)), 401, "auth.wrong-audience")
    both = issuer.token(audience=["nhn:another-service", AUDIENCE])
    assert gw.client.get("/messages", headers=bearer(both)).status_code == 200


def test_a_token_not_signed_by_the_issuer_is_refused(gw: Gateway, issuer: TokenIssuer) -> None:
    for kid in (str(issuer.current.kid), "a-kid-nobody-published"):  # keys the issuer never published
        forged_key = RSAKey.generate_key(2048, parameters={"kid": kid}, private=True)
        forged = issuer.token(key=forged_key)
        refusal(gw.client.get("/messages", headers=bearer(forged)), 401, "auth.invalid-token")

    other_issuer = issuer.token(issuer="https://helseid-sts.test.nhn.no")
    refusal(gw.client.get("/messages", headers=bearer(other_issuer)), 401, "auth.invalid-token")

    published = issuer.current.as_dict(private=False)
    unsigned = (
        f"{b64({'alg': 'none'})}.{b64({'iss': issuer.issuer, 'aud': AUDIENCE, 'scope': ['samband/read']})}."
    )
    refusal(gw.client.get("/messages", headers=bearer(unsigned)), 401, "auth.invalid-token")
    hmac_key = OctKey.import_key(str(published["n"]).encode())  # the public key used as an HMAC secret
    claims = {"iss": issuer.issuer, "aud": AUDIENCE, "exp": int(time.time()) + 60, "scope": ["samband/read"]}
    hmac = jwt.encode({"alg": "HS256", "kid": issuer.current.kid}, claims, hmac_key, algorithms=["HS256"])
    answer = gw.client.get("/messages", headers=bearer(hmac))
    assert "HS256" in refusal(answer, 401, "auth.invalid-token")

    refusal(gw.client.get("/messages", headers=AUTH), 401, "auth.invalid-token")  # the dev key is off


def test_roles_come_from_scopes_and_the_actor_from_the_token(gw: Gateway, issuer: TokenIssuer) -> None:
    reader = bearer(issuer.token(scope=["samband/read"]))
    submitter = bearer(issuer.token(scope="samband/submit openid", sub=None, client_id="client-fagsystem"))
    replayer = bearer(issuer.token(scope=["samband/replay"], sub="operator-1", client_id="client-console"))

    challenge = refusal(
        gw.client.post("/messages", content=hodemelding(), headers={**reader, **XML}), 403, "auth.forbidden"
    )
    assert 'error="insufficient_scope"' in challenge
    posted = gw.client.post("/messages", content=hodemelding(), headers={**submitter, **XML})
    assert posted.status_code == 202, posted.text
    mid = posted.json()["id"]
    refusal(gw.client.get(f"/messages/{mid}", headers=submitter), 403, "auth.forbidden")
    assert gw.client.get(f"/messages/{mid}", headers=reader).status_code == 200
    refusal(gw.client.post(f"/messages/{mid}/replay", headers=reader), 403, "auth.forbidden")
    replayed = gw.client.post(f"/messages/{mid}/replay", headers={**replayer, "X-Samband-Actor": "someone"})
    assert replayed.status_code == 202, replayed.text
    refusal(gw.client.post("/routes/fhir-store/hold", headers=replayer), 403, "auth.forbidden")

    events = gw.client.get(f"/messages/{mid}/events", headers=reader).json()["events"]
    [replay_event] = [e for e in events if e["kind"] == "replayed"]
    assert replay_event["actor"] == "operator-1 via client-console"
    received = next(e for e in events if e["kind"] == "received")
    assert received["actor"] == "gateway"


def test_a_role_claim_grants_roles_too(
    sqlite_url: str, gateway_factory: GatewayFactory, issuer: TokenIssuer
) -> None:
    gw = gateway_factory(
        sqlite_url, auth_issuer=issuer.issuer, auth_audience=AUDIENCE, auth_role_claim="samband_roles",
        auth_role_scopes={"read": ["nhn:samband/read"]},
    )  # fmt: skip
    admin = bearer(issuer.token(scope=[], samband_roles=["admin", "no-such-role"], sub="ops", client_id="c"))
    held = gw.client.post("/routes/fhir-store/hold", headers=admin)
    assert held.status_code == 200 and held.json()["by"] == "ops via c"
    refusal(gw.client.get("/routes", headers=admin), 403, "auth.forbidden")
    old_scope = bearer(issuer.token(scope=["samband/read"]))
    refusal(gw.client.get("/routes", headers=old_scope), 403, "auth.forbidden")
    assert (
        gw.client.get("/routes", headers=bearer(issuer.token(scope=["nhn:samband/read"]))).status_code == 200
    )


def dpop(token: str, proof: str) -> dict[str, str]:
    return {"Authorization": f"DPoP {token}", "DPoP": proof}


def test_a_dpop_bound_token_needs_a_valid_proof(gw: Gateway, issuer: TokenIssuer) -> None:
    client = ClientKey()
    token = issuer.token(scope=["samband/read", "samband/submit"], jkt=client.jkt)
    target = url(gw, "/messages")

    challenge = refusal(gw.client.get("/messages", headers=bearer(token)), 401, "auth.dpop-required")
    assert challenge.startswith('DPoP realm="samband", error="invalid_token"') and 'algs="' in challenge
    refusal(gw.client.get("/messages", headers={"Authorization": f"DPoP {token}"}), 401, "auth.dpop-required")

    wrong = {
        "method": client.proof("POST", target, token),
        "url": client.proof("GET", url(gw, "/fhir/Patient"), token),
        "host": client.proof("GET", target.replace("127.0.0.1", "localhost"), token),
        "ath": client.proof("GET", target, issuer.token(jkt=client.jkt)),
        "no ath": client.proof("GET", target, None),
        "old": client.proof("GET", target, token, iat=time.time() - 600),
        "future": client.proof("GET", target, token, iat=time.time() + 600),
        "typ": client.proof("GET", target, token, typ="JWT"),
        "other key": ClientKey().proof("GET", target, token),
    }
    for name, proof in wrong.items():
        challenge = refusal(gw.client.get("/messages", headers=dpop(token, proof)), 401, "auth.dpop-invalid")
        assert 'DPoP realm="samband", error="invalid_dpop_proof"' in challenge, name

    proof = client.proof("GET", target, token)
    assert gw.client.get("/messages", headers=dpop(token, proof)).status_code == 200
    challenge = refusal(gw.client.get("/messages", headers=dpop(token, proof)), 401, "auth.dpop-replay")
    assert 'error="invalid_dpop_proof"' in challenge
    with_query = client.proof("GET", target + "?ignored=1#too", token)
    assert gw.client.get("/messages?limit=5", headers=dpop(token, with_query)).status_code == 200

    posted = gw.client.post(
        "/messages",
        content=hodemelding(),
        headers={**dpop(token, client.proof("POST", target, token)), **XML},
    )
    assert posted.status_code == 202, posted.text

    unbound = issuer.token()
    proof = client.proof("GET", target, unbound)
    refusal(gw.client.get("/messages", headers=dpop(unbound, proof)), 401, "auth.dpop-invalid")
    two = {"Authorization": f"DPoP {token}"}
    answer = gw.client.get(
        "/messages",
        headers=[
            *two.items(),
            ("DPoP", client.proof("GET", target, token)),
            ("DPoP", client.proof("GET", target, token)),
        ],
    )
    refusal(answer, 401, "auth.dpop-invalid")


def test_behind_a_proxy_the_proof_names_the_public_url(
    sqlite_url: str, gateway_factory: GatewayFactory, issuer: TokenIssuer
) -> None:
    public = "https://samband.kommune.example/api"
    gw = gateway_factory(sqlite_url, auth_issuer=issuer.issuer, auth_audience=AUDIENCE, public_url=public)
    client = ClientKey()
    token = issuer.token(jkt=client.jkt)
    inside = client.proof("GET", url(gw, "/messages"), token)
    refusal(gw.client.get("/messages", headers=dpop(token, inside)), 401, "auth.dpop-invalid")
    outside = client.proof("GET", "https://SAMBAND.kommune.example:443/api/messages", token)
    assert gw.client.get("/messages", headers=dpop(token, outside)).status_code == 200


def test_key_rotation_is_picked_up_with_one_fetch(
    sqlite_url: str, gateway_factory: GatewayFactory, issuer: TokenIssuer
) -> None:
    gw = gateway_factory(
        sqlite_url, auth_issuer=issuer.issuer, auth_audience=AUDIENCE, auth_jwks_min_refetch_seconds=2
    )
    old = issuer.token()
    assert gw.client.get("/messages", headers=bearer(old)).status_code == 200
    assert (
        issuer.jwks_fetches() == 1
        and len(issuer.receiver.requests_to("/.well-known/openid-configuration")) == 1
    )
    assert gw.client.get("/messages", headers=bearer(issuer.token())).status_code == 200
    assert issuer.jwks_fetches() == 1, "a known key is not fetched again"

    time.sleep(2.1)
    issuer.rotate(keep_old=False)
    new = issuer.token()
    assert gw.client.get("/messages", headers=bearer(new)).status_code == 200
    assert issuer.jwks_fetches() == 2, "an unknown kid made one fetch"
    refusal(gw.client.get("/messages", headers=bearer(old)), 401, "auth.invalid-token")
    refusal(gw.client.get("/messages", headers=bearer(old)), 401, "auth.invalid-token")
    assert issuer.jwks_fetches() == 2, "unknown kids within the minimum interval fetch nothing"


def test_an_issuer_that_does_not_answer_is_a_503_not_a_401(
    sqlite_url: str, gateway_factory: GatewayFactory
) -> None:
    with running_receiver() as nobody:
        nobody.script("/.well-known/openid-configuration", 503)
        gw = gateway_factory(sqlite_url, auth_issuer=nobody.url("").rstrip("/"), auth_audience=AUDIENCE)
        answer = gw.client.get("/messages", headers=bearer("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"))
        assert answer.status_code == 503 and answer.json()["errors"][0]["code"] == "auth.issuer-unavailable"


def test_the_dev_key_stays_on_with_tokens_only_when_kept(
    sqlite_url: str, gateway_factory: GatewayFactory, issuer: TokenIssuer
) -> None:
    gw = gateway_factory(
        sqlite_url, auth_issuer=issuer.issuer, auth_audience=AUDIENCE, dev_key_with_tokens=True
    )
    assert gw.client.get("/messages", headers=AUTH).status_code == 200
    assert gw.client.get("/messages", headers=bearer(issuer.token())).status_code == 200


@pytest.mark.parametrize(
    "settings, complaint",
    [
        ({"auth_issuer": "https://helseid-sts.nhn.no"}, "SAMBAND_AUTH_AUDIENCE"),
        ({"auth_jwks_url": "https://helseid-sts.nhn.no/jwks", "auth_audience": "a"}, "SAMBAND_AUTH_ISSUER"),
        ({"auth_issuer": "http://helseid-sts.nhn.no", "auth_audience": "a"}, "https"),
        ({"auth_issuer": "https://i", "auth_audience": "a", "auth_algorithms": ["HS256"]}, "ALGORITHMS"),
        ({"auth_issuer": "https://i", "auth_audience": "a", "auth_role_scopes": {"root": ["x"]}}, "root"),
    ],
)
def test_token_settings_in_part_stop_the_start(
    tmp_path: Path, settings: dict[str, Any], complaint: str
) -> None:
    config = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", worker_enabled=False, **settings)
    with pytest.raises(ConfigurationError) as raised:
        create_app(config)
    assert raised.value.code == "config.auth-incomplete" and complaint in raised.value.detail
