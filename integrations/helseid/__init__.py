"""HelseID (or any OAuth2 issuer of JWT access tokens): the issuer's keys, access tokens, DPoP proofs.

``IssuerKeys`` fetches the issuer's JWKS over HTTP (from a given URL or the issuer's
``/.well-known/openid-configuration``), keeps it, and fetches it again for a key id it does not know
(key rotation), at most once per minimum interval. ``TokenVerifier`` checks an access token's
signature, algorithm, ``iss``, ``aud``, ``exp`` and ``nbf``; ``DpopVerifier`` checks a DPoP proof
(RFC 9449) against the request and the token it binds. Every refusal is an ``AccessRefused`` with a
code of the ``auth`` group; who may do what is the gateway's business (``gateway/access.py``).
JOSE is ``joserfc``'s.

The other direction, Samband as a HelseID client: ``HelseIdClient`` asks for tokens by client
credentials with ``private_key_jwt`` and DPoP, keeps them, and makes DPoP proofs for the calls made
with them (``client.py``; docs/helsenettet.md).
"""

from samband.integrations.helseid.client import AccessToken, HelseIdClient, HelseIdSettings
from samband.integrations.helseid.dpop import DpopVerifier, ReplayCache
from samband.integrations.helseid.keys import IssuerKeys
from samband.integrations.helseid.tokens import ASYMMETRIC_ALGORITHMS, TokenVerifier, VerifiedToken

__all__ = [
    "ASYMMETRIC_ALGORITHMS",
    "AccessToken",
    "DpopVerifier",
    "HelseIdClient",
    "HelseIdSettings",
    "IssuerKeys",
    "ReplayCache",
    "TokenVerifier",
    "VerifiedToken",
]
