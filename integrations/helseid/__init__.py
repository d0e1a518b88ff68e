"""HelseID (or any OAuth2 issuer of JWT access tokens): the issuer's keys, access tokens, DPoP proofs.

``IssuerKeys`` fetches the issuer's JWKS over HTTP (from a given URL or the issuer's
``/.well-known/openid-configuration``), keeps it, and fetches it again for a key id it does not know
(key rotation), at most once per minimum interval. ``TokenVerifier`` checks an access token's
signature, algorithm, ``iss``, ``aud``, ``exp`` and ``nbf``; ``DpopVerifier`` checks a DPoP proof
(RFC 9449) against the request and the token it binds. Every refusal is an ``AccessRefused`` with a
code of the ``auth`` group; who may do what is the gateway's business (``gateway/access.py``).
JOSE is ``joserfc``'s.
"""

from samband.integrations.helseid.dpop import DpopVerifier, ReplayCache
from samband.integrations.helseid.keys import IssuerKeys
from samband.integrations.helseid.tokens import ASYMMETRIC_ALGORITHMS, TokenVerifier, VerifiedToken

__all__ = [
    "ASYMMETRIC_ALGORITHMS",
    "DpopVerifier",
    "IssuerKeys",
    "ReplayCache",
    "TokenVerifier",
    "VerifiedToken",
]
