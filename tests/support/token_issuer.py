"""A real token issuer on loopback, as HelseID looks to a resource server: its discovery document and
JWKS over HTTP (served by the loopback ``Receiver``), access tokens signed with its own keys, keys
that rotate; and a client key that binds tokens (``cnf.jkt``) and signs DPoP proofs.

    with running_issuer() as issuer:
        token = issuer.token(scope=["samband/read"])             # RS256, the current key
        bound = issuer.token(scope=["samband/submit"], jkt=client.jkt)
        proof = client.proof("POST", "http://127.0.0.1:8080/messages", bound)
        issuer.rotate()                                           # new key first, the old one kept
        issuer.jwks_fetches()                                     # how often the JWKS was read

Keys and tokens are made with joserfc, like the gateway reads them; nothing is mocked.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from samband.integrations.helseid.dpop import token_hash
from tests.support.receivers import Receiver, RecordedRequest, Reply, running_receiver

AUDIENCE = "nhn:samband-test"
JSON = {"Content-Type": "application/json"}


class TokenIssuer:
    """The issuer: publishes its keys, signs tokens with the newest one."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self.issuer = receiver.url("").rstrip("/")
        self.jwks_url = receiver.url("/jwks")
        self.published: list[RSAKey] = [_rsa_key()]
        receiver.script("/.well-known/openid-configuration", self._discovery)
        receiver.script("/jwks", self._jwks)

    @property
    def current(self) -> RSAKey:
        return self.published[0]

    def rotate(self, keep_old: bool = True) -> RSAKey:
        """A new signing key, published first; the old one stays published unless ``keep_old`` is False."""
        self.published = [_rsa_key(), *(self.published if keep_old else [])]
        return self.current

    def jwks_fetches(self) -> int:
        return len(self.receiver.requests_to("/jwks"))

    def token(
        self,
        *,
        scope: Sequence[str] | str = ("samband/read",),
        sub: str | None = "pseudonym-of-a-person",
        client_id: str = "client-kommune-ehr",
        audience: str | list[str] | None = AUDIENCE,
        issuer: str | None = None,
        expires_in: int = 300,
        not_before: int | None = None,
        jkt: str | None = None,
        key: RSAKey | None = None,
        alg: str = "RS256",
        header: dict[str, Any] | None = None,
        **claims: Any,
    ) -> str:
        """An access token as HelseID issues one (``typ: at+jwt``, ``scope`` as a list)."""
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": issuer or self.issuer,
            "client_id": client_id,
            "scope": list(scope) if not isinstance(scope, str) else scope,
            "iat": now,
            "exp": now + expires_in,
            "jti": secrets.token_hex(8),
            **claims,
        }
        if audience is not None:
            body["aud"] = audience
        if sub is not None:
            body["sub"] = sub
        if not_before is not None:
            body["nbf"] = not_before
        if jkt is not None:
            body["cnf"] = {"jkt": jkt}
        signing = key or self.current
        protected = {"alg": alg, "kid": signing.kid, "typ": "at+jwt", **(header or {})}
        return jwt.encode(protected, body, signing, algorithms=[alg])

    def _discovery(self, _request: RecordedRequest) -> Reply:
        document = {"issuer": self.issuer, "jwks_uri": self.jwks_url}
        return Reply(200, json.dumps(document).encode(), JSON)

    def _jwks(self, _request: RecordedRequest) -> Reply:
        keys = [key.as_dict(private=False, use="sig", alg="RS256") for key in self.published]
        return Reply(200, json.dumps({"keys": keys}).encode(), JSON)


def _rsa_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(6)}, private=True)


class ClientKey:
    """The client's own key pair (ES256): its thumbprint binds tokens, it signs DPoP proofs."""

    def __init__(self) -> None:
        self.key = ECKey.generate_key("P-256", private=True)

    @property
    def jkt(self) -> str:
        return self.key.thumbprint()

    def proof(
        self,
        method: str,
        url: str,
        token: str | None,
        *,
        iat: float | None = None,
        jti: str | None = None,
        typ: str = "dpop+jwt",
        key: ECKey | None = None,
        **claims: Any,
    ) -> str:
        """A DPoP proof for ``method`` ``url`` carrying ``ath`` of ``token``; each argument can be
        made wrong on purpose."""
        body: dict[str, Any] = {
            "jti": jti or secrets.token_urlsafe(12),
            "htm": method,
            "htu": url,
            "iat": int(iat if iat is not None else time.time()),
            **claims,
        }
        if token is not None and "ath" not in claims:
            body["ath"] = token_hash(token)
        signing = key or self.key
        header = {"typ": typ, "alg": "ES256", "jwk": self.key.as_dict(private=False)}
        return jwt.encode(header, body, signing, algorithms=["ES256"], default_type=None)


@contextmanager
def running_issuer() -> Iterator[TokenIssuer]:
    with running_receiver() as receiver:
        yield TokenIssuer(receiver)
