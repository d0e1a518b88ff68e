"""A real token issuer on loopback, as HelseID looks to a resource server: its discovery document and
JWKS over HTTP (served by the loopback ``Receiver``), access tokens signed with its own keys, keys
that rotate; and a client key that binds tokens (``cnf.jkt``) and signs DPoP proofs.

    with running_issuer() as issuer:
        token = issuer.token(scope=["samband/read"])             # RS256, the current key
        bound = issuer.token(scope=["samband/submit"], jkt=client.jkt)
        proof = client.proof("POST", "http://127.0.0.1:8080/messages", bound)
        issuer.rotate()                                           # new key first, the old one kept
        issuer.jwks_fetches()                                     # how often the JWKS was read

It is also HelseID's token endpoint for a client (``/connect/token``): client credentials with a
``private_key_jwt`` assertion checked against the registered client's public key, a DPoP proof
checked (signature, htm, htu, iat, jti, and the nonce it demanded when ``demand_nonce``), and a
token bound to the proof's key (``cnf.jkt``). ``protect(path)`` makes a resource server on the same
loopback port that takes such a token with its proof (and demands its own nonce first).

    issuer.register_client("samband-test", public_key)
    issuer.demand_nonce = True
    issuer.protect("/api/Messages", demand_nonce=True)

Keys and tokens are made with joserfc, like the gateway reads them; nothing is mocked.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, Key, RSAKey

from samband.integrations.helseid.dpop import DpopVerifier, token_hash
from samband.integrations.helseid.keys import IssuerKeys
from samband.integrations.helseid.tokens import TokenVerifier, VerifiedToken
from samband.integrations.nhn_msh.local.helseid import claims_of, token_proof_key
from samband.kernel.errors import AccessRefused
from tests.support.receivers import Receiver, RecordedRequest, Reply, running_receiver

AUDIENCE = "nhn:samband-test"
JSON = {"Content-Type": "application/json"}

Guard = Callable[[RecordedRequest, str], VerifiedToken | Reply]
"""A resource server's check of one call (the request, its URL): the token that holds, or the refusal."""


class TokenIssuer:
    """The issuer: publishes its keys, signs tokens with the newest one."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self.issuer = receiver.url("").rstrip("/")
        self.jwks_url = receiver.url("/jwks")
        self.published: list[RSAKey] = [_rsa_key()]
        receiver.script("/.well-known/openid-configuration", self._discovery)
        receiver.script("/jwks", self._jwks)
        self.token_url = receiver.url("/connect/token")
        self.clients: dict[str, Key] = {}
        self.demand_nonce = False
        self.nonce = secrets.token_urlsafe(12)
        self.expires_in = 300
        self.issued: list[str] = []
        self._seen: set[str] = set()
        receiver.script("/connect/token", self._token_endpoint)

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

    # -- the token endpoint (client credentials, private_key_jwt, DPoP) -------------------------

    def register_client(self, client_id: str, public_key: Key) -> None:
        """A client HelseID knows, with the public key its assertions are checked with."""
        self.clients[client_id] = public_key

    def token_requests(self) -> list[RecordedRequest]:
        return self.receiver.requests_to("/connect/token")

    def _token_endpoint(self, request: RecordedRequest) -> Reply:
        form = {name: values[-1] for name, values in parse_qs(request.body.decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return _oauth_error("unsupported_grant_type")
        client_id = form.get("client_id", "")
        key = self.clients.get(client_id)
        if key is None or not self._assertion_holds(form, client_id, key):
            return _oauth_error("invalid_client", "the client or its assertion is not known", 401)
        try:
            jkt = token_proof_key(request.header("DPoP"), self.token_url, self._spend)
        except ValueError as exc:
            return _oauth_error("invalid_dpop_proof", str(exc))
        if self.demand_nonce and claims_of(request.header("DPoP")).get("nonce") != self.nonce:
            self.nonce = secrets.token_urlsafe(12)
            body = json.dumps({"error": "use_dpop_nonce", "error_description": "send the nonce"})
            return Reply(400, body.encode(), {**JSON, "DPoP-Nonce": self.nonce})
        scope = form.get("scope", "").split()
        token = self.token(
            scope=scope, sub=client_id, client_id=client_id, jkt=jkt, expires_in=self.expires_in
        )
        self.issued.append(token)
        answer = {
            "access_token": token,
            "token_type": "DPoP",
            "expires_in": self.expires_in,
            "scope": " ".join(scope),
        }
        return Reply(200, json.dumps(answer).encode(), JSON)

    def _spend(self, key: str, _until: float) -> bool:
        """A proof's jti is taken once."""
        fresh = key not in self._seen
        self._seen.add(key)
        return fresh

    def _assertion_holds(self, form: dict[str, str], client_id: str, key: Key) -> bool:
        if form.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
            return False
        try:
            token = jwt.decode(form.get("client_assertion", ""), key, algorithms=["RS256", "PS256", "ES256"])
        except (JoseError, ValueError):
            return False
        claims, now = token.claims, time.time()
        jti = claims.get("jti")
        fresh = isinstance(jti, str) and jti not in self._seen
        self._seen.add(str(jti))
        return (
            fresh
            and claims.get("iss") == client_id == claims.get("sub")
            and claims.get("aud") in (self.issuer, self.token_url)
            and isinstance(claims.get("exp"), int)
            and now < claims["exp"] <= now + 300
        )

    # -- a resource server that takes the issuer's DPoP-bound tokens -----------------------------

    def guard(self, *, audience: str = AUDIENCE, demand_nonce: bool = False) -> Guard:
        """A resource server's check of a call: the issuer's valid DPoP-bound token with a proof for it
        (``url`` is the call as the server sees it), else the 401 to answer; with ``demand_nonce`` the
        first answer is 401 ``use_dpop_nonce`` with a ``DPoP-Nonce``."""
        verifier = TokenVerifier(
            IssuerKeys(self.issuer, self.jwks_url), issuer=self.issuer, audience=audience
        )
        proofs = DpopVerifier()
        nonce = secrets.token_urlsafe(12)

        def check(request: RecordedRequest, url: str) -> VerifiedToken | Reply:
            scheme, _, raw = (request.header("Authorization") or "").partition(" ")
            proof = request.header("DPoP")
            if demand_nonce and claims_of(proof).get("nonce") != nonce:
                challenge = 'DPoP error="use_dpop_nonce", error_description="send the nonce"'
                return Reply(401, b"", {"WWW-Authenticate": challenge, "DPoP-Nonce": nonce})
            try:
                token = verifier.verify(raw, "DPoP")
                if scheme != "DPoP" or token.jkt is None:
                    raise AccessRefused("a DPoP-bound token is needed", scheme="DPoP")
                proofs.verify(
                    [proof] if proof else [], method=request.method, url=url, token=raw, jkt=token.jkt
                )
            except AccessRefused as exc:
                return Reply(401, exc.code.encode(), {"WWW-Authenticate": f'DPoP error="{exc.code}"'})
            return token

        return check

    def protect(self, path: str, *, audience: str = AUDIENCE, demand_nonce: bool = False) -> None:
        """``path`` answers 200 to a valid DPoP-bound token of this issuer with a proof for it;
        with ``demand_nonce`` it first answers 401 ``use_dpop_nonce`` with a ``DPoP-Nonce``."""
        check = self.guard(audience=audience, demand_nonce=demand_nonce)

        def resource(request: RecordedRequest) -> Reply:
            verdict = check(request, self.receiver.url(request.path))
            if isinstance(verdict, Reply):
                return verdict
            return Reply(200, json.dumps({"sub": verdict.claims.get("sub")}).encode(), JSON)

        self.receiver.script(path, resource)


def _oauth_error(error: str, description: str = "", status: int = 400) -> Reply:
    return Reply(status, json.dumps({"error": error, "error_description": description}).encode(), JSON)


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
