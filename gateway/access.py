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

import secrets
from dataclasses import dataclass
from typing import Literal

from samband.gateway.settings import Settings
from samband.kernel.errors import AccessForbidden, AccessRefused

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
            raise AccessForbidden(f"the {role} role is needed here; this caller has {self._held()}")
        return self

    def _held(self) -> str:
        return ", ".join(sorted(self.roles)) or "no role"


DEV_KEY_PRINCIPAL = Principal("dev-key", None, frozenset(ROLES), "dev-key")


@dataclass(frozen=True)
class Presented:
    """What one request shows the gateway: its method, its URL and its credentials."""

    method: str
    url: str
    authorization: str | None
    dpop: str | None = None


class Access:
    """The gate of the HTTP API, built once per app from the settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.dev_key = settings.api_key() if settings.dev_key_active else None

    def authenticate(self, presented: Presented) -> Principal:
        """The principal behind ``presented``; ``AccessRefused`` with a code when there is none."""
        scheme, _, credential = (presented.authorization or "").strip().partition(" ")
        credential = credential.strip()
        if not scheme or not credential:
            raise AccessRefused("send Authorization: Bearer <token>")
        if scheme.lower() == "bearer" and self.is_dev_key(credential):
            return DEV_KEY_PRINCIPAL
        raise AccessRefused("the key or token is not accepted", code="auth.invalid-token")

    def is_dev_key(self, credential: str) -> bool:
        """``credential`` is the development key, and the key is on (compared in constant time)."""
        if self.dev_key is None:
            return False
        return secrets.compare_digest(credential.encode(), self.dev_key.encode())


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


def challenge(error: AccessRefused, realm: str = "samband") -> str:
    """The ``WWW-Authenticate`` value answering ``error``: the scheme, the realm and, past a missing
    credential, the error and its description."""
    parts = [f'realm="{realm}"']
    name = CHALLENGE_ERRORS.get(error.code)
    if name is not None:
        detail = error.detail.replace("\\", "\\\\").replace('"', "'")
        parts += [f'error="{name}"', f'error_description="{detail}"']
    return f"{error.scheme} " + ", ".join(parts)
