"""Who calls the HTTP API and what they may do: the ``Principal``, its roles, the development key.

``Access.authenticate`` turns what a request presents (``Authorization``, ``DPoP``, method and URL)
into a ``Principal`` or refuses with a coded ``AccessRefused``; ``gateway/deps.py`` asks it for
every endpoint and checks the role the endpoint declares. The roles:

    submit   post messages: /messages, /ebxml, /fhir, /ip-exports, /referrals
    read     operators: messages, raw bytes, events, AppRecs, FHIR reads, timelines, routes, metrics
    replay   POST /messages/{id}/replay
    admin    route kill switches (hold/release) and the audit trail

The development key grants every role; it is on while no token issuer is configured (or when
``SAMBAND_DEV_KEY_WITH_TOKENS`` keeps it). What a request did is recorded under ``Principal.actor``,
never under a name the caller sends.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from samband.gateway.settings import Settings
from samband.integrations.helseid import (
    ASYMMETRIC_ALGORITHMS,
    DpopVerifier,
    IssuerKeys,
    ReplayCache,
    TokenVerifier,
    VerifiedToken,
)
from samband.kernel.errors import AccessForbidden, AccessRefused, ConfigurationError

Role = Literal["submit", "read", "replay", "admin"]
ROLES: tuple[Role, ...] = ("submit", "read", "replay", "admin")
ACTOR_LIMIT = 100
"""The store keeps an actor in 100 characters (events, replays, route switches)."""


@dataclass(frozen=True)
class Principal:
    """The caller, as proven by a token (``how="token"``) or the development key (``"dev-key"``).

    ``subject`` is the token's ``sub`` (the client id for a client-credentials token), ``client_id``
    the client that asked for it, ``jkt`` the thumbprint of the key a DPoP-bound token is bound to.
    """

    subject: str
    client_id: str | None
    roles: frozenset[str]
    how: Literal["token", "dev-key"]
    jkt: str | None = None

    @property
    def actor(self) -> str:
        """Who did it, as events, replays and route switches record it: ``sub via client`` for a
        person's token, ``client:<id>`` for a system's, ``dev-key`` for the development key."""
        if self.how == "dev-key":
            return "dev-key"
        if self.client_id is None:
            return self.subject
        if self.subject == self.client_id:
            return f"client:{self.client_id}"
        return f"{self.subject} via {self.client_id}"

    def require(self, role: Role) -> Principal:
        """This principal when it holds ``role``; else ``auth.forbidden`` (403)."""
        if role not in self.roles:
            scheme = "DPoP" if self.jkt else "Bearer"
            raise AccessForbidden(
                f"the {role} role is needed here; the caller has {self._held()}",
                scheme=scheme,
                actor=self.actor,
                client_id=self.client_id,
            )
        return self

    def _held(self) -> str:
        return ", ".join(sorted(self.roles)) or "no role"


DEV_KEY_PRINCIPAL = Principal("dev-key", None, frozenset(ROLES), "dev-key")


@dataclass(frozen=True)
class Presented:
    """What one request shows the gateway: its method, URL and path, and its credentials."""

    method: str
    url: str
    authorization: str | None
    dpop: Sequence[str] = field(default_factory=tuple)
    path: str = "/"


class Access:
    """The gate of the HTTP API, built once per app from the settings: the development key while it
    is on, HelseID access tokens (with DPoP for key-bound ones) once an issuer is configured."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.dev_key = settings.api_key() if settings.dev_key_active else None
        self.tokens: TokenVerifier | None = None
        self.dpop: DpopVerifier | None = None
        self.role_scopes = {role: frozenset(scopes) for role, scopes in settings.auth_role_scopes.items()}
        self.algorithms = tuple(sorted(settings.auth_algorithms))
        if settings.tokens_configured:
            issuer, audience = check_token_settings(settings)
            keys = IssuerKeys(
                issuer,
                settings.auth_jwks_url,
                cache_seconds=settings.auth_jwks_cache_seconds,
                min_refetch_seconds=settings.auth_jwks_min_refetch_seconds,
            )
            self.tokens = TokenVerifier(
                keys,
                issuer=issuer,
                audience=audience,
                algorithms=self.algorithms,
                leeway_seconds=settings.auth_leeway_seconds,
            )
            self.dpop = DpopVerifier(
                algorithms=self.algorithms,
                window_seconds=settings.auth_dpop_window_seconds,
                replay=ReplayCache(settings.auth_dpop_replay_capacity),
            )

    def authenticate(self, presented: Presented) -> Principal:
        """The principal behind ``presented``; ``AccessRefused`` with a code when there is none."""
        scheme, _, credential = (presented.authorization or "").strip().partition(" ")
        credential = credential.strip()
        kind = scheme.lower()
        if not credential or kind not in ("bearer", "dpop"):
            raise AccessRefused("send Authorization: Bearer <token> (or DPoP <token> with a DPoP proof)")
        if kind == "bearer" and self.is_dev_key(credential):
            return DEV_KEY_PRINCIPAL
        if self.tokens is None or self.dpop is None:
            raise AccessRefused("the key is not accepted", code="auth.invalid-token")
        token = self.tokens.verify(credential, "DPoP" if kind == "dpop" else "Bearer")
        jkt = token.jkt
        if jkt is None and kind == "dpop":
            raise AccessRefused(
                "a DPoP scheme with a token not bound to a key",
                code="auth.dpop-invalid",
                scheme="DPoP",
            )
        if jkt is not None:
            if kind != "dpop":
                raise AccessRefused(
                    "the token is bound to a key: send Authorization: DPoP <token> with a DPoP proof",
                    code="auth.dpop-required",
                    scheme="DPoP",
                )
            url = self.request_url(presented)
            self.dpop.verify(presented.dpop, method=presented.method, url=url, token=credential, jkt=jkt)
        return self.principal(token)

    def is_dev_key(self, credential: str) -> bool:
        """``credential`` is the development key, and the key is on (compared in constant time)."""
        if self.dev_key is None:
            return False
        return secrets.compare_digest(credential.encode(), self.dev_key.encode())

    def request_url(self, presented: Presented) -> str:
        """The URL the client addressed: ``SAMBAND_PUBLIC_URL`` and the path behind a proxy."""
        if self.settings.public_url:
            return self.settings.public_url.rstrip("/") + presented.path
        return presented.url

    def principal(self, token: VerifiedToken) -> Principal:
        """Who the token speaks for, with the roles its scopes (and the role claim) grant."""
        claims = token.claims
        client_id = _text(claims.get("client_id")) or _text(claims.get("azp"))
        subject = _text(claims.get("sub")) or client_id
        if subject is None:
            raise AccessRefused("the token names neither a subject nor a client", code="auth.invalid-token")
        scopes = set(_words(claims.get("scope")))
        roles = {role for role, granting in self.role_scopes.items() if granting & scopes}
        if self.settings.auth_role_claim:
            roles |= set(_words(claims.get(self.settings.auth_role_claim))) & set(ROLES)
        found = Principal(subject, client_id, frozenset(roles), "token", token.jkt)
        if len(found.actor) > ACTOR_LIMIT:
            raise AccessRefused(
                f"the token's subject and client exceed {ACTOR_LIMIT} characters",
                code="auth.invalid-token",
            )
        return found

    def challenge(self, error: AccessRefused) -> str:
        """The ``WWW-Authenticate`` value answering ``error`` (both schemes while tokens are on)."""
        algs = " ".join(self.algorithms)
        if self.tokens is not None and error.code == "auth.required":
            return f'Bearer realm="{REALM}", DPoP realm="{REALM}", algs="{algs}"'
        value = challenge(error)
        return value + f', algs="{algs}"' if error.scheme == "DPoP" else value


def check_token_settings(settings: Settings) -> tuple[str, str]:
    """The issuer and audience of token access; ``config.auth-incomplete`` when a part is missing or
    unsafe (plain http beyond loopback, an unknown role, a symmetric algorithm)."""
    problems: list[str] = []
    issuer, audience = settings.auth_issuer, settings.auth_audience
    if not issuer:
        problems.append("SAMBAND_AUTH_JWKS_URL needs SAMBAND_AUTH_ISSUER (the iss tokens must name)")
    if not audience:
        problems.append("SAMBAND_AUTH_AUDIENCE is not set (the aud tokens must name)")
    for name, url in (("SAMBAND_AUTH_ISSUER", issuer), ("SAMBAND_AUTH_JWKS_URL", settings.auth_jwks_url)):
        if url and not _safe_url(url):
            problems.append(f"{name} must be an https URL (http only on loopback): {url}")
    if settings.public_url and urlsplit(settings.public_url).scheme not in ("http", "https"):
        problems.append(f"SAMBAND_PUBLIC_URL is not an http(s) URL: {settings.public_url}")
    unknown_roles = set(settings.auth_role_scopes) - set(ROLES)
    if unknown_roles:
        problems.append(f"SAMBAND_AUTH_ROLE_SCOPES names roles that do not exist: {sorted(unknown_roles)}")
    algorithms = set(settings.auth_algorithms)
    if not algorithms or not algorithms <= ASYMMETRIC_ALGORITHMS:
        allowed = " ".join(sorted(ASYMMETRIC_ALGORITHMS))
        problems.append(f"SAMBAND_AUTH_ALGORITHMS must be some of {allowed}: {sorted(algorithms)}")
    if problems or issuer is None or audience is None:
        raise ConfigurationError("; ".join(problems), code="config.auth-incomplete")
    return issuer, audience


def _safe_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    if parts.scheme != "http":
        return False
    host = parts.hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _words(value: Any) -> list[str]:
    """A claim of names: space-separated (``scope``, RFC 8693) or a list of strings (HelseID)."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, Collection) and not isinstance(value, Mapping):
        return [v for v in value if isinstance(v, str)]
    return []


REALM = "samband"
CHALLENGE_ERRORS = {
    "auth.invalid-token": "invalid_token",
    "auth.expired": "invalid_token",
    "auth.wrong-audience": "invalid_token",
    "auth.dpop-required": "invalid_token",
    "auth.dpop-invalid": "invalid_dpop_proof",
    "auth.dpop-replay": "invalid_dpop_proof",
    "auth.forbidden": "insufficient_scope",
}
"""RFC 6750 §3.1 and RFC 9449 §7.1 error names for the ``WWW-Authenticate`` challenge of a code."""


def challenge(error: AccessRefused) -> str:
    """The challenge of ``error`` in its scheme: the realm and, past a missing credential, the error
    and its description."""
    parts = [f'realm="{REALM}"']
    name = CHALLENGE_ERRORS.get(error.code)
    if name is not None:
        detail = "".join(c if " " <= c <= "~" and c not in '"\\' else "?" for c in error.detail)[:300]
        parts += [f'error="{name}"', f'error_description="{detail}"']
    return f"{error.scheme} " + ", ".join(parts)
