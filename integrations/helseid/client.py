"""Samband as a HelseID client: access tokens by client credentials, DPoP proofs for the calls made with them.

The token request (``grant_type=client_credentials``) authenticates with ``private_key_jwt``
(RFC 7523): a short-lived client assertion with ``iss`` = ``sub`` = the client id, ``aud`` the
issuer (HelseID's choice; the token endpoint when no issuer is set), a fresh ``jti``, signed with
the client's key (a JWK file, or a PEM file with its ``kid``). Every request carries a DPoP proof
(RFC 9449) signed with the same key, so the token comes back bound to it (``cnf.jkt``); calls to a
resource server carry a proof with ``ath``, the token's hash. A server that wants a nonce says so
(token endpoint: 400 ``use_dpop_nonce``; resource server: 401 with ``WWW-Authenticate: DPoP
error="use_dpop_nonce"``), and the request is made once more with it; the latest ``DPoP-Nonce`` of
each server (scheme, host, port) is kept for the next proof.

A token is kept until ``expiry_skew_seconds`` before it expires; one lock, so concurrent callers
share one token request. Refusals: ``helseid.unreachable`` (transient), ``helseid.refused`` (the
server's error; ``DeliveryMisconfigured``: the client's configuration), ``helseid.bad-response``,
``helseid.key-unreadable`` (configuration).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, JWKRegistry, KeyParameters, RSAKey
from pydantic import BaseModel, Field

from samband.integrations.helseid.dpop import DEFAULT_PORTS, token_hash
from samband.kernel.errors import ConfigurationError, DeliveryMisconfigured, DeliveryUnavailable

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SIGNING_ALGORITHMS = {"RSA": ("RS256", "PS256"), "EC": ("ES256",)}
"""What HelseID takes for a client assertion and a DPoP proof, by key type; the first is the default."""

SigningKey = RSAKey | ECKey


class HelseIdSettings(BaseModel):
    """How Samband asks HelseID for tokens (embeddable in the gateway's settings)."""

    token_url: str = Field(
        description="HelseID's token endpoint, e.g. https://helseid-sts.nhn.no/connect/token"
    )
    client_id: str
    key_path: Path = Field(
        description="the client's private key: a JWK (JSON) file, or a PEM file with key_id"
    )
    key_id: str | None = Field(None, description="the kid of a PEM key (a JWK file names its own)")
    algorithm: str | None = Field(
        None, description="RS256 or PS256 for an RSA key, ES256 for P-256; default by key"
    )
    scope: list[str] = Field(default_factory=list, description="the scopes asked for")
    resource: list[str] = Field(default_factory=list, description="RFC 8707 resource indicators (audiences)")
    issuer: str | None = Field(None, description="the client assertion's aud; default the token_url")
    expiry_skew_seconds: float = Field(
        60.0, ge=0, description="a token is renewed this long before it expires"
    )
    assertion_seconds: int = Field(60, gt=0, le=300, description="lifetime of a client assertion")
    timeout_seconds: float = Field(10.0, gt=0)


def key_unreadable(detail: str) -> ConfigurationError:
    return ConfigurationError(detail, code="helseid.key-unreadable")


def load_client_key(path: Path, key_id: str | None = None) -> SigningKey:
    """The client's private RSA or EC key from a JWK file or a PEM file; ``helseid.key-unreadable`` else."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise key_unreadable(f"the HelseID key {path} cannot be read: {exc.strerror}") from exc
    try:
        if data.lstrip().startswith(b"{"):
            parsed = json.loads(data)
            if not isinstance(parsed, dict):
                raise key_unreadable(f"{path} is not a JWK object")
            if parsed.get("kty") not in SIGNING_ALGORITHMS:
                raise key_unreadable(f"{path} holds no private RSA or EC key (kty {parsed.get('kty')!r})")
            if key_id is not None:
                parsed.setdefault("kid", key_id)
            key = JWKRegistry.import_key(parsed)
        else:
            pem = load_pem_private_key(data, password=None)
            params: KeyParameters | None = {"kid": key_id} if key_id else None
            if isinstance(pem, rsa.RSAPrivateKey):
                key = RSAKey.import_key(data, parameters=params)
            elif isinstance(pem, ec.EllipticCurvePrivateKey):
                key = ECKey.import_key(data, parameters=params)
            else:
                raise key_unreadable(f"{path} holds neither an RSA nor an EC key")
    except (JoseError, ValueError, TypeError) as exc:
        raise key_unreadable(f"{path} is not a private JWK or PEM key: {exc}") from exc
    if not isinstance(key, RSAKey | ECKey) or not key.is_private:
        raise key_unreadable(f"{path} holds no private RSA or EC key")
    if not key.kid:
        raise key_unreadable(f"the key in {path} has no kid: set key_id")
    return key


def choose_algorithm(key: SigningKey, wanted: str | None) -> str:
    allowed = SIGNING_ALGORITHMS[key.key_type]
    if isinstance(key, ECKey) and key.curve_name != "P-256":
        raise key_unreadable(f"an EC key must be on P-256 for ES256, not {key.curve_name}")
    if wanted is None:
        return allowed[0]
    if wanted not in allowed:
        raise key_unreadable(f"a {key.key_type} key cannot sign {wanted} (it can: {', '.join(allowed)})")
    return wanted


def origin(url: str) -> str:
    """The server a nonce belongs to: scheme, host and port."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or DEFAULT_PORTS.get(scheme)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


def htu(url: str) -> str:
    """The URL a proof names: without query and fragment (RFC 9449 §4.2)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))


def nonce_demanded(response: httpx.Response) -> bool:
    """The server wants the request again with its ``DPoP-Nonce`` (token endpoint or resource server)."""
    if "DPoP-Nonce" not in response.headers:
        return False
    if response.status_code == 401:
        challenge = response.headers.get("WWW-Authenticate", "")
        return challenge.lower().startswith("dpop") and "use_dpop_nonce" in challenge
    if response.status_code == 400:
        try:
            body = response.json()
        except ValueError:
            return False
        return isinstance(body, dict) and body.get("error") == "use_dpop_nonce"
    return False


@dataclass(frozen=True)
class AccessToken:
    """A token as HelseID answered it; ``expires_at`` on the client's clock."""

    value: str
    token_type: str
    expires_at: float
    scope: str | None = None

    @property
    def authorization(self) -> str:
        return f"{self.token_type} {self.value}"


class HelseIdClient:
    """Access tokens from HelseID and DPoP proofs made with the client's key; thread-safe."""

    def __init__(
        self,
        settings: HelseIdSettings,
        *,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.key = load_client_key(settings.key_path, settings.key_id)
        self.algorithm = choose_algorithm(self.key, settings.algorithm)
        self.jwk = self.key.as_dict(private=False)
        self.http = http or httpx.Client(timeout=settings.timeout_seconds)
        self.clock = clock
        self.token_requests = 0
        self._token: AccessToken | None = None
        self._token_lock = threading.Lock()
        self._nonces: dict[str, str] = {}
        self._nonce_lock = threading.Lock()

    @property
    def jkt(self) -> str:
        """The thumbprint of the key tokens are bound to (``cnf.jkt``)."""
        return self.key.thumbprint()

    # -- tokens --------------------------------------------------------------------------------

    def access_token(self) -> AccessToken:
        """A token valid for at least ``expiry_skew_seconds`` more: the kept one, else a new one."""
        with self._token_lock:
            token = self._token
            if token is None or self.clock() >= token.expires_at - self.settings.expiry_skew_seconds:
                token = self._token = self._request_token()
            return token

    def forget_token(self) -> None:
        """Drop the kept token (the resource server no longer takes it)."""
        with self._token_lock:
            self._token = None

    def _request_token(self) -> AccessToken:
        url = self.settings.token_url
        response = self._post_token(url)
        if nonce_demanded(response):
            response = self._post_token(url)
        if response.status_code >= 500:
            raise DeliveryUnavailable(
                f"HelseID answered {response.status_code} at {url}", code="helseid.unreachable"
            )
        body = _json_object(response)
        if response.status_code != 200:
            error = body.get("error") if body else None
            if not isinstance(error, str):
                raise DeliveryUnavailable(
                    f"HelseID answered {response.status_code} without an OAuth error at {url}",
                    code="helseid.bad-response",
                )
            description = body.get("error_description") if body else None
            detail = f"HelseID refused the token request: {error}"
            if isinstance(description, str) and description:
                detail += f" ({description})"
            raise DeliveryMisconfigured(detail, code="helseid.refused", received=error)
        return self._token_from(body)

    def _token_from(self, body: dict[str, Any] | None) -> AccessToken:
        if body is None:
            raise DeliveryUnavailable(
                "HelseID's token response is not a JSON object", code="helseid.bad-response"
            )
        value, token_type, expires_in = (
            body.get("access_token"),
            body.get("token_type"),
            body.get("expires_in"),
        )
        if not isinstance(value, str) or not value:
            raise DeliveryUnavailable(
                "HelseID's token response has no access_token", code="helseid.bad-response"
            )
        if not isinstance(token_type, str) or token_type.lower() not in {"dpop", "bearer"}:
            raise DeliveryUnavailable(
                f"HelseID's token response has token_type {token_type!r}, not DPoP or Bearer",
                code="helseid.bad-response",
            )
        if isinstance(expires_in, bool) or not isinstance(expires_in, int | float) or expires_in <= 0:
            raise DeliveryUnavailable(
                f"HelseID's token response has expires_in {expires_in!r}", code="helseid.bad-response"
            )
        scope = body.get("scope")
        kind = "DPoP" if token_type.lower() == "dpop" else "Bearer"
        return AccessToken(
            value, kind, self.clock() + float(expires_in), scope if isinstance(scope, str) else None
        )

    def _post_token(self, url: str) -> httpx.Response:
        form: dict[str, str | list[str]] = {
            "grant_type": "client_credentials",
            "client_id": self.settings.client_id,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": self.client_assertion(),
        }
        if self.settings.scope:
            form["scope"] = " ".join(self.settings.scope)
        if self.settings.resource:
            form["resource"] = list(self.settings.resource)
        self.token_requests += 1
        headers = {"DPoP": self.dpop_proof("POST", url), "Accept": "application/json"}
        return self._send("POST", url, data=form, headers=headers)

    def client_assertion(self) -> str:
        """A fresh RFC 7523 client assertion for the token endpoint."""
        now = int(time.time())
        claims = {
            "iss": self.settings.client_id,
            "sub": self.settings.client_id,
            "aud": self.settings.issuer or self.settings.token_url,
            "jti": secrets.token_urlsafe(16),
            "iat": now,
            "nbf": now,
            "exp": now + self.settings.assertion_seconds,
        }
        header = {"alg": self.algorithm, "kid": self.key.kid, "typ": "JWT"}
        return jwt.encode(header, claims, self.key, algorithms=[self.algorithm], default_type=None)

    # -- DPoP ----------------------------------------------------------------------------------

    def dpop_proof(self, method: str, url: str, access_token: str | None = None) -> str:
        """The ``DPoP`` header for ``method`` ``url`` (with ``ath`` of ``access_token`` for a resource
        server), carrying the server's latest nonce when it gave one."""
        claims: dict[str, Any] = {
            "jti": secrets.token_urlsafe(16),
            "htm": method.upper(),
            "htu": htu(url),
            "iat": int(time.time()),
        }
        if access_token is not None:
            claims["ath"] = token_hash(access_token)
        nonce = self.nonce(url)
        if nonce is not None:
            claims["nonce"] = nonce
        header = {"typ": "dpop+jwt", "alg": self.algorithm, "jwk": self.jwk}
        return jwt.encode(header, claims, self.key, algorithms=[self.algorithm], default_type=None)

    def nonce(self, url: str) -> str | None:
        """The latest ``DPoP-Nonce`` the server of ``url`` gave."""
        with self._nonce_lock:
            return self._nonces.get(origin(url))

    def _remember_nonce(self, url: str, response: httpx.Response) -> None:
        nonce = response.headers.get("DPoP-Nonce")
        if nonce:
            with self._nonce_lock:
                self._nonces[origin(url)] = nonce

    def auth_headers(self, method: str, url: str) -> dict[str, str]:
        """``Authorization`` and ``DPoP`` for one call to a resource server."""
        token = self.access_token()
        headers = {"Authorization": token.authorization}
        if token.token_type == "DPoP":
            headers["DPoP"] = self.dpop_proof(method, url, token.value)
        return headers

    def request(
        self, method: str, url: str, *, headers: Mapping[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """One call to a resource server with the token and a proof; asked once more with the
        server's nonce when it demands one. The answer, and an ``httpx`` error of the call itself,
        are the caller's to judge (a token that cannot be had is a ``helseid`` code)."""
        for attempt in range(2):
            sent = {**(headers or {}), **self.auth_headers(method, url)}
            response = self.http.request(method, url, headers=sent, **kwargs)
            self._remember_nonce(url, response)
            if attempt or not nonce_demanded(response):
                break
        return response

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """A call to the token endpoint; no answer is ``helseid.unreachable``."""
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise DeliveryUnavailable(
                f"{url} did not answer: {type(exc).__name__}: {exc}", code="helseid.unreachable"
            ) from exc
        self._remember_nonce(url, response)
        return response

    def close(self) -> None:
        self.http.close()


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
