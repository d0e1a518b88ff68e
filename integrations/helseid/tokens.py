"""Access tokens as HelseID issues them: signed JWTs (RFC 9068), checked against the issuer's keys.

A token is taken when its signature verifies with the issuer's key named by ``kid``, under an
allowed asymmetric algorithm (never ``none`` nor an HMAC one), and its ``iss`` is the issuer, its
``aud`` names this gateway, and ``exp``/``nbf`` hold with a small leeway. Refusals:
``auth.invalid-token``, ``auth.expired``, ``auth.wrong-audience``.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError, MissingClaimError
from joserfc.jwt import JWTClaimsRegistry

from samband.integrations.helseid.keys import IssuerKeys
from samband.kernel.errors import AccessRefused

ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
)
"""The algorithms a token or a DPoP proof may be signed with (configurable within these)."""
ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt", "jwt"})
"""``typ`` values of an access token (absent is taken too); a DPoP proof is not an access token."""


@dataclass(frozen=True)
class VerifiedToken:
    """An access token whose signature and time, issuer and audience claims hold."""

    raw: str
    header: Mapping[str, Any]
    claims: Mapping[str, Any]

    @property
    def jkt(self) -> str | None:
        """The thumbprint of the key the token is bound to (``cnf.jkt``, RFC 9449), if any."""
        cnf = self.claims.get("cnf")
        jkt = cnf.get("jkt") if isinstance(cnf, Mapping) else None
        return jkt if isinstance(jkt, str) and jkt else None


def refused(detail: str, code: str = "auth.invalid-token", scheme: str = "Bearer") -> AccessRefused:
    return AccessRefused(detail, code=code, scheme=scheme)


class TokenVerifier:
    """Checks access tokens of one issuer for one audience."""

    def __init__(
        self,
        keys: IssuerKeys,
        *,
        issuer: str,
        audience: str,
        algorithms: Collection[str] = ("RS256", "PS256", "ES256"),
        leeway_seconds: int = 30,
    ) -> None:
        unsafe = set(algorithms) - ASYMMETRIC_ALGORITHMS
        if unsafe:
            raise ValueError(f"not asymmetric signature algorithms: {sorted(unsafe)}")
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.algorithms = frozenset(algorithms)
        self.leeway_seconds = leeway_seconds

    def verify(self, token: str, scheme: str = "Bearer") -> VerifiedToken:
        """The token's header and claims once everything holds; ``AccessRefused`` with a code else."""
        try:
            signed = jws.extract_compact(token.encode("ascii"))
        except (JoseError, ValueError, UnicodeError) as exc:
            raise refused("not a signed JWT", scheme=scheme) from exc
        header = signed.headers()
        alg = header.get("alg")
        if alg not in self.algorithms:
            allowed = " ".join(sorted(self.algorithms))
            raise refused(f"algorithm {alg!r} is not allowed (allowed: {allowed})", scheme=scheme)
        typ = header.get("typ")
        if typ is not None and str(typ).lower() not in ACCESS_TOKEN_TYPES:
            raise refused(f"a token of type {typ!r} is not an access token", scheme=scheme)
        kid = header.get("kid")
        key = self.keys.key(kid if isinstance(kid, str) else None)
        if key is None:
            raise refused(f"signed with a key the issuer does not publish (kid {kid!r})", scheme=scheme)
        try:
            valid = jws.validate_compact(signed, key, algorithms=[str(alg)])
        except JoseError as exc:
            raise refused(f"the signature does not verify: {exc}", scheme=scheme) from exc
        if not valid:
            raise refused("the signature does not verify", scheme=scheme)
        claims = _claims(signed.payload, scheme)
        self._check_claims(claims, scheme)
        return VerifiedToken(token, header, claims)

    def _check_claims(self, claims: dict[str, Any], scheme: str) -> None:
        if claims.get("iss") != self.issuer:
            raise refused(f"issued by {claims.get('iss')!r}, not by {self.issuer}", scheme=scheme)
        registry = JWTClaimsRegistry(
            leeway=self.leeway_seconds,
            exp={"essential": True},
            aud={"essential": True, "value": self.audience},
        )
        try:
            registry.validate(claims)
        except ExpiredTokenError as exc:
            raise refused("the token has expired", "auth.expired", scheme) from exc
        except MissingClaimError as exc:
            if exc.claim == "aud":
                raise refused("the token names no audience", "auth.wrong-audience", scheme) from exc
            raise refused(f"the token lacks {exc.claim}", scheme=scheme) from exc
        except ClaimError as exc:
            if exc.claim == "aud":
                detail = f"issued for {claims.get('aud')!r}, not for {self.audience}"
                raise refused(detail, "auth.wrong-audience", scheme) from exc
            if exc.claim == "nbf":
                raise refused("the token is not valid yet", "auth.expired", scheme) from exc
            raise refused(f"claim {exc.claim}: {exc.description}", scheme=scheme) from exc


def _claims(payload: bytes | None, scheme: str) -> dict[str, Any]:
    try:
        claims = json.loads(payload or b"")
    except ValueError as exc:
        raise refused("the token's claims are not JSON", scheme=scheme) from exc
    if not isinstance(claims, dict):
        raise refused("the token's claims are not a JSON object", scheme=scheme)
    return claims
