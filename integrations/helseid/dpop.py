"""DPoP proofs (RFC 9449 §4.3): the request was signed by the key the access token is bound to.

A proof is a JWT in the ``DPoP`` header with ``typ: dpop+jwt``, an allowed asymmetric ``alg`` and the
public ``jwk`` it is signed with; its claims name the request (``htm`` the method, ``htu`` the URL
without query and fragment), when it was made (``iat``, within the window), a unique ``jti`` (a
proof is taken once: the replay cache) and the hash of the access token (``ath``). The key's RFC 7638
thumbprint must be the token's ``cnf.jkt``. Refusals: ``auth.dpop-invalid``, ``auth.dpop-replay``.
Server-provided nonces (§8) are not used.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection
from typing import Any
from urllib.parse import urlsplit

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry
from joserfc.jws import JWSRegistry

from samband.integrations.helseid.tokens import ASYMMETRIC_ALGORITHMS
from samband.kernel.errors import AccessRefused

DEFAULT_PORTS = {"http": 80, "https": 443}
PROOFS = JWSRegistry()
PROOFS.max_header_length = 4096
"""A proof's header carries its public key: an RSA key's JWK alone exceeds joserfc's default 512 bytes."""


def invalid(detail: str, code: str = "auth.dpop-invalid") -> AccessRefused:
    return AccessRefused(detail, code=code, scheme="DPoP")


class ReplayCache:
    """The ``jti`` of every proof taken while it could still be taken again: in memory, bounded
    (the oldest entry goes first when full), each entry dropped once its proof has aged out."""

    def __init__(self, capacity: int = 100_000, clock: Callable[[], float] = time.time) -> None:
        self.capacity = capacity
        self.clock = clock
        self._until: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def spend(self, key: str, until: float) -> bool:
        """Record ``key`` until ``until``; False when it was recorded already (a replay)."""
        with self._lock:
            now = self.clock()
            while self._until and next(iter(self._until.values())) <= now:
                self._until.popitem(last=False)
            if key in self._until and self._until[key] > now:
                return False
            while len(self._until) >= self.capacity:
                self._until.popitem(last=False)
            self._until[key] = until
            return True

    def __len__(self) -> int:
        return len(self._until)


def same_url(a: str, b: str) -> bool:
    """RFC 9449 §4.3 step 9: scheme and host case-insensitive, default ports dropped, query and
    fragment ignored."""
    pa, pb = urlsplit(a), urlsplit(b)

    def norm(p: Any) -> tuple[str, str, int | None, str]:
        scheme = p.scheme.lower()
        try:
            port = p.port
        except ValueError:
            port = -1
        return scheme, (p.hostname or "").lower(), port or DEFAULT_PORTS.get(scheme), p.path or "/"

    return norm(pa) == norm(pb)


def token_hash(token: str) -> str:
    """``ath``: base64url (no padding) of the SHA-256 of the access token's ASCII."""
    digest = hashlib.sha256(token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class DpopVerifier:
    """Checks DPoP proofs; one replay cache per gateway process."""

    def __init__(
        self,
        *,
        algorithms: Collection[str] = ("RS256", "PS256", "ES256"),
        window_seconds: int = 60,
        replay: ReplayCache | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        unsafe = set(algorithms) - ASYMMETRIC_ALGORITHMS
        if unsafe:
            raise ValueError(f"not asymmetric signature algorithms: {sorted(unsafe)}")
        self.algorithms = frozenset(algorithms)
        self.window_seconds = window_seconds
        self.replay = replay or ReplayCache(clock=clock)
        self.clock = clock

    def verify(self, proofs: Collection[str], *, method: str, url: str, token: str, jkt: str) -> None:
        """Nothing when exactly one proof in ``proofs`` holds for the request (``method``, ``url``
        as the client addressed it) and the token bound to ``jkt``; ``AccessRefused`` else."""
        if not proofs:
            raise invalid("the token is key-bound: send a DPoP proof", "auth.dpop-required")
        if len(proofs) > 1:
            raise invalid("more than one DPoP header")
        [proof] = proofs
        header, claims = self._signed(proof)
        if not secrets.compare_digest(str(header["jwk_thumbprint"]), jkt):
            raise invalid("the proof is signed with another key than the token is bound to")
        if claims.get("htm") != method:
            raise invalid(f"the proof is for method {claims.get('htm')!r}, not {method}")
        htu = claims.get("htu")
        if not isinstance(htu, str) or not same_url(htu, url):
            raise invalid(f"the proof is for {htu!r}, not {url}")
        iat = claims.get("iat")
        now = self.clock()
        if not isinstance(iat, int | float) or isinstance(iat, bool) or abs(now - iat) > self.window_seconds:
            raise invalid(f"the proof's iat is not within {self.window_seconds} s of now")
        ath = claims.get("ath")
        if not isinstance(ath, str) or not secrets.compare_digest(ath, token_hash(token)):
            raise invalid("the proof's ath is not the hash of this access token")
        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti or len(jti) > 256:
            raise invalid("the proof has no jti")
        if not self.replay.spend(f"{jkt} {jti}", float(iat) + self.window_seconds):
            raise invalid("this DPoP proof was used before", "auth.dpop-replay")

    def _signed(self, proof: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The proof's header (with the thumbprint of its key) and claims, once its signature holds."""
        try:
            signed = jws.extract_compact(proof.encode("ascii"), registry=PROOFS)
        except (JoseError, ValueError, UnicodeError) as exc:
            raise invalid("the DPoP proof is not a signed JWT") from exc
        header = dict(signed.headers())
        if header.get("typ") != "dpop+jwt":
            raise invalid(f"the proof's typ is {header.get('typ')!r}, not dpop+jwt")
        alg = header.get("alg")
        if alg not in self.algorithms:
            raise invalid(f"the proof's algorithm {alg!r} is not allowed")
        jwk = header.get("jwk")
        if not isinstance(jwk, dict) or jwk.get("kty") not in {"RSA", "EC", "OKP"}:
            raise invalid("the proof carries no public jwk")
        try:
            key = JWKRegistry.import_key(jwk)
            if key.is_private:
                raise invalid("the proof's jwk holds a private key")
            valid = jws.validate_compact(signed, key, algorithms=[str(alg)], registry=PROOFS)
        except (JoseError, ValueError, TypeError) as exc:
            raise invalid(f"the proof's signature does not verify: {exc}") from exc
        if not valid:
            raise invalid("the proof's signature does not verify")
        try:
            claims = json.loads(signed.payload or b"")
        except ValueError as exc:
            raise invalid("the proof's claims are not JSON") from exc
        if not isinstance(claims, dict):
            raise invalid("the proof's claims are not a JSON object")
        header["jwk_thumbprint"] = key.thumbprint()
        return header, claims
