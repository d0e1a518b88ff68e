"""A HelseID of its own for the local message service: discovery, JWKS and the token endpoint.

Client credentials with a ``private_key_jwt`` assertion checked against the registered client's
public key, a DPoP proof checked (signature, ``htm``, ``htu``, ``iat``, a ``jti`` used once, and the
nonce when ``demand_nonce``), and an access token (``typ: at+jwt``) signed with the issuer's own RSA
key and bound to the proof's key (``cnf.jkt``). Only for trying flows on one machine and for tests.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry, Key, RSAKey

from samband.integrations.helseid.client import ASSERTION_TYPE
from samband.integrations.helseid.dpop import PROOFS, ReplayCache, same_url

TOKEN_PATH = "/connect/token"
JWKS_PATH = "/jwks"
DISCOVERY_PATH = "/.well-known/openid-configuration"
AUDIENCE = "nhn:msh"
SCOPE = "nhn:msh/api"
PROOF_WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, JSON body, extra headers."""

    status: int
    body: Any
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RegisteredClient:
    """A client HelseID knows: its public key and the HER-ids it may send from and read for."""

    client_id: str
    public_key: Key
    her_ids: frozenset[int] | None  # None: every HER-id the service hosts


def claims_of(compact: str | None) -> dict[str, Any]:
    """The claims of a signed JWT, unchecked (for a nonce look-up after or before the checks)."""
    try:
        payload = jws.extract_compact((compact or "").encode(), registry=PROOFS).payload
        claims = json.loads(payload or b"")
    except (JoseError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


class LocalHelseId:
    """The issuer; ``issuer`` is its URL (the service's own address)."""

    def __init__(self, issuer: str, *, audience: str = AUDIENCE) -> None:
        self.issuer = issuer.rstrip("/")
        self.token_url = self.issuer + TOKEN_PATH
        self.jwks_url = self.issuer + JWKS_PATH
        self.audience = audience
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(6)}, private=True)
        self.clients: dict[str, RegisteredClient] = {}
        self.demand_nonce = False
        self.nonce = secrets.token_urlsafe(12)
        self.expires_in = 300
        self.issue_expired = 0  # the next N tokens are already expired (claims say so; expires_in lies)
        self.issued = 0
        self._seen = ReplayCache()
        self._lock = threading.Lock()

    def register_client(
        self, client_id: str, public_key: Key, her_ids: frozenset[int] | None = None
    ) -> RegisteredClient:
        """A client of this HelseID, with the public half of its key."""
        public = JWKRegistry.import_key(public_key.as_dict(private=False))
        client = RegisteredClient(client_id, public, her_ids)
        self.clients[client_id] = client
        return client

    def discovery(self) -> Answer:
        return Answer(
            200, {"issuer": self.issuer, "jwks_uri": self.jwks_url, "token_endpoint": self.token_url}
        )

    def jwks(self) -> Answer:
        return Answer(200, {"keys": [self.key.as_dict(private=False, use="sig", alg="RS256")]})

    def token_endpoint(self, form_body: bytes, proof: str | None) -> Answer:
        """``POST /connect/token``: a DPoP-bound token for a known client, or the OAuth error."""
        form = {name: values[-1] for name, values in parse_qs(form_body.decode("utf-8", "replace")).items()}
        if form.get("grant_type") != "client_credentials":
            return _oauth_error("unsupported_grant_type", "only client_credentials")
        client = self.clients.get(form.get("client_id", ""))
        if client is None or not self._assertion_holds(form, client):
            return _oauth_error("invalid_client", "the client or its assertion is not known", 401)
        try:
            jkt = token_proof_key(proof, self.token_url, self._seen.spend)
        except ValueError as exc:
            return _oauth_error("invalid_dpop_proof", str(exc))
        if self.demand_nonce and claims_of(proof).get("nonce") != self.nonce:
            with self._lock:
                self.nonce = secrets.token_urlsafe(12)
            challenge = {"error": "use_dpop_nonce", "error_description": "send the nonce"}
            return Answer(400, challenge, (("DPoP-Nonce", self.nonce),))
        scope = form.get("scope", "").split()
        token = self.token(client.client_id, scope, jkt)
        answer: dict[str, Any] = {"access_token": token, "token_type": "DPoP", "expires_in": self.expires_in}
        return Answer(200, {**answer, "scope": " ".join(scope)})

    def token(self, client_id: str, scope: list[str], jkt: str | None, expires_in: int | None = None) -> str:
        """An access token as HelseID issues one for this client and key."""
        now = int(time.time())
        with self._lock:
            self.issued += 1
            expired = self.issue_expired > 0
            self.issue_expired -= 1 if expired else 0
        lifetime = -120 if expired else (expires_in or self.expires_in)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "client_id": client_id,
            "sub": client_id,
            "scope": scope,
            "iat": now,
            "exp": now + lifetime,
            "jti": secrets.token_hex(8),
        }
        if jkt is not None:
            claims["cnf"] = {"jkt": jkt}
        header = {"alg": "RS256", "kid": self.key.kid, "typ": "at+jwt"}
        return jwt.encode(header, claims, self.key, algorithms=["RS256"])

    def _assertion_holds(self, form: dict[str, str], client: RegisteredClient) -> bool:
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            return False
        try:
            token = jwt.decode(
                form.get("client_assertion", ""), client.public_key, algorithms=["RS256", "PS256", "ES256"]
            )
        except (JoseError, ValueError):
            return False
        claims, now = token.claims, time.time()
        jti, exp = claims.get("jti"), claims.get("exp")
        if not isinstance(jti, str) or not isinstance(exp, int) or not now < exp <= now + 300:
            return False
        return (
            claims.get("iss") == client.client_id == claims.get("sub")
            and claims.get("aud") in (self.issuer, self.token_url)
            and self._seen.spend(f"assertion {client.client_id} {jti}", float(exp))
        )


def token_proof_key(proof: str | None, token_url: str, spend: Callable[[str, float], bool]) -> str:
    """The thumbprint of the key a token-request DPoP proof is signed with, once it holds: a
    ``dpop+jwt`` with its public ``jwk``, a valid signature, ``htm`` POST and ``htu`` the token
    endpoint, ``iat`` now, a ``jti`` that ``spend`` has not seen. ``ValueError`` says what is wrong."""
    if not proof:
        raise ValueError("no DPoP proof")
    try:
        signed = jws.extract_compact(proof.encode(), registry=PROOFS)
        header = signed.headers()
        if header.get("typ") != "dpop+jwt" or not isinstance(header.get("jwk"), dict):
            raise ValueError("not a DPoP proof")
        key = JWKRegistry.import_key(header["jwk"])
        valid = not key.is_private and jws.validate_compact(
            signed, key, algorithms=[str(header.get("alg"))], registry=PROOFS
        )
    except JoseError as exc:
        raise ValueError(f"the proof cannot be read: {exc}") from exc
    if not valid:
        raise ValueError("the proof's signature does not verify")
    claims = claims_of(proof)
    if claims.get("htm") != "POST" or not same_url(str(claims.get("htu")), token_url):
        raise ValueError("the proof is for another request")
    iat = claims.get("iat")
    if not isinstance(iat, int) or abs(time.time() - iat) > PROOF_WINDOW_SECONDS:
        raise ValueError("the proof's iat is not now")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not spend(f"proof {jti}", float(iat + PROOF_WINDOW_SECONDS)):
        raise ValueError("the proof's jti is missing or used before")
    return key.thumbprint()


def _oauth_error(error: str, description: str, status: int = 400) -> Answer:
    return Answer(status, {"error": error, "error_description": description})
