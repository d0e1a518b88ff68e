"""The issuer's signing keys (JWKS), fetched over HTTP and kept; fetched again on an unknown key id.

The JWKS address is the one configured, or the ``jwks_uri`` of the issuer's discovery document
(``<issuer>/.well-known/openid-configuration``, whose ``issuer`` must be the configured one). Keys are
kept ``cache_seconds``; a token signed with a key id the set lacks makes one new fetch (the issuer
rotated its keys), but never sooner than ``min_refetch_seconds`` after the last one, so tokens with
made-up key ids cannot make the gateway hammer the issuer. While the issuer does not answer, the keys
already fetched stay in use; with none, ``auth.issuer-unavailable`` (503, try again).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry, Key

from samband.kernel.errors import RegistryUnavailable

log = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
SIGNING_KEY_TYPES = frozenset({"RSA", "EC", "OKP"})


class IssuerKeys:
    """The public signing keys of one issuer, by key id; thread-safe."""

    def __init__(
        self,
        issuer: str,
        jwks_url: str | None = None,
        *,
        cache_seconds: float = 3600.0,
        min_refetch_seconds: float = 30.0,
        timeout_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer
        self.jwks_url = jwks_url
        self.cache_seconds = cache_seconds
        self.min_refetch_seconds = min_refetch_seconds
        self.timeout_seconds = timeout_seconds
        self.clock = clock
        self.fetches = 0
        self._keys: dict[str | None, Key] = {}
        self._fetched_at: float | None = None
        self._tried_at: float | None = None
        self._lock = threading.Lock()

    def key(self, kid: str | None) -> Key | None:
        """The issuer's key ``kid`` (the only key, when the token names none), or None."""
        with self._lock:
            now = self.clock()
            if self._fetched_at is None or now - self._fetched_at >= self.cache_seconds:
                self._refresh(now)
            found = self._find(kid)
            if found is None and self._may_try(now):
                self._refresh(now)  # an unknown key id: the issuer may have rotated its keys
                found = self._find(kid)
            return found

    def _find(self, kid: str | None) -> Key | None:
        if kid is None:
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(kid)

    def _may_try(self, now: float) -> bool:
        return self._tried_at is None or now - self._tried_at >= self.min_refetch_seconds

    def _refresh(self, now: float) -> None:
        if not self._may_try(now):
            if not self._keys:
                raise RegistryUnavailable(
                    "the token issuer's keys could not be read; try again", code="auth.issuer-unavailable"
                )
            return
        self._tried_at = now
        try:
            keys = _signing_keys(self._get(self._jwks_url()))
        except RegistryUnavailable:
            if not self._keys:
                raise
            log.warning("the token issuer's keys could not be read again; keeping %d known", len(self._keys))
            return
        self.fetches += 1
        self._keys = keys
        self._fetched_at = now

    def _jwks_url(self) -> str:
        if self.jwks_url is None:
            document = self._get(self.issuer.rstrip("/") + DISCOVERY_PATH)
            if document.get("issuer") != self.issuer or not isinstance(document.get("jwks_uri"), str):
                raise RegistryUnavailable(
                    f"the discovery document of {self.issuer} names issuer {document.get('issuer')!r} "
                    "or no jwks_uri",
                    code="auth.issuer-unavailable",
                )
            self.jwks_url = str(document["jwks_uri"])
        return self.jwks_url

    def _get(self, url: str) -> dict[str, Any]:
        try:
            response = httpx.get(url, timeout=self.timeout_seconds, headers={"Accept": "application/json"})
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise RegistryUnavailable(
                f"the token issuer did not answer {url}: {exc}", code="auth.issuer-unavailable"
            ) from exc
        if not isinstance(body, dict):
            raise RegistryUnavailable(f"{url} did not answer a JSON object", code="auth.issuer-unavailable")
        return body


def _signing_keys(jwks: dict[str, Any]) -> dict[str | None, Key]:
    """The public signing keys of a JWKS by key id; others (``use: enc``, symmetric, unreadable) left out."""
    found: dict[str | None, Key] = {}
    listed = jwks.get("keys")
    for data in listed if isinstance(listed, list) else []:
        if not isinstance(data, dict) or data.get("kty") not in SIGNING_KEY_TYPES:
            continue
        if data.get("use", "sig") != "sig":
            continue
        try:
            key = JWKRegistry.import_key(data)
            if key.is_private:
                key = JWKRegistry.import_key(key.as_dict(private=False))
        except (JoseError, ValueError, TypeError) as exc:
            log.warning(
                "the issuer's JWKS holds a key that cannot be read (kid %s): %s", data.get("kid"), exc
            )
            continue
        found[key.kid] = key
    return found
