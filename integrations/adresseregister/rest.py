"""NHN Adresseregister REST client (CommunicationParty API v1) with HelseID tokens and DPoP proofs.

The calls are the ones in Samband's contract (``schemas/nhn/adresseregister-rest.yaml``): a party by
HER-id, persons by HPR number (search), a party by organisation number, and the current signing and
encryption certificates. Every call carries ``Authorization: DPoP <token>`` and a proof made by the
``HelseIdClient`` (which also answers the server's nonce challenge). It answers the lookup interface
(``lookup.AddressRegistry``) exactly like the SOAP client. What the register answers, as codes:

    no answer, timeout, 5xx        registry.unavailable    (RegistryUnavailable: the cache answers)
    401 / 403, HelseID refused     registry.access-refused (RegistryRefused: configuration, alert)
    no token now                   helseid.unreachable, helseid.bad-response (RegistryUnavailable)
    404                            registry.not-found      (NoRouteMatched)
    400                            registry.fault          (NoRouteMatched)
    a body that does not read      registry.bad-answer     (RegistryUnavailable)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import httpx

from samband.adapters.json.safe import read_json
from samband.adapters.registry.ar_model import ArCertificate, CommunicationParty
from samband.adapters.registry.ar_rest import (
    certificate_from_json,
    communication_parties_from_search,
    communication_party_from_json,
)
from samband.integrations.helseid import HelseIdClient
from samband.kernel.errors import (
    DeliveryError,
    DeliveryMisconfigured,
    GatewayError,
    NoRouteMatched,
    RegistryRefused,
    RegistryUnavailable,
)

log = logging.getLogger(__name__)

SCOPE = "nhn:communicationparty/read"
"""The scope HelseID grants for lookups in the Adresseregister REST API."""
INT32_MAX = 2_147_483_647
T = TypeVar("T")


def her_id_number(her_id: str) -> int:
    """The HER-id as the API's int32 path parameter; ``registry.bad-her-id`` when it is not one."""
    if not her_id.isascii() or not her_id.isdigit() or int(her_id) > INT32_MAX:
        raise NoRouteMatched(
            "HER-id must be digits (at most 2147483647)",
            code="registry.bad-her-id",
            expected="digits",
            received=her_id,
        )
    return int(her_id)


class RestClient:
    """Adresseregister lookups over the REST API; thread-safe as its ``HelseIdClient``."""

    def __init__(self, base_url: str, helseid: HelseIdClient, *, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.helseid = helseid
        self.timeout = timeout

    # -- the lookup interface -------------------------------------------------------------------

    def communication_party(self, her_id: str) -> CommunicationParty:
        """GET /api/v1/communicationparty/{herId}; ``registry.not-found`` when AR does not know it."""
        path = f"/api/v1/communicationparty/{her_id_number(her_id)}"
        response = self._call("GET", path)
        if response.status_code == 404:
            raise NoRouteMatched(
                f"no communication party with HER-id {her_id}", code="registry.not-found", received=her_id
            )
        return self._read(path, response, communication_party_from_json)

    def search_by_id(self, ident: str) -> tuple[CommunicationParty, ...]:
        """Parties found by HPR number (person search), HER-id or organisation number, as SOAP's
        SearchById: each reading of ``ident`` that the API can ask, duplicates left out."""
        if not ident.isascii() or not ident.isdigit():
            return ()
        found: list[CommunicationParty] = []
        if int(ident) <= INT32_MAX:
            found += self._search_hpr(int(ident))
            found += self._optional(f"/api/v1/communicationparty/{int(ident)}")
        if len(ident) == 9:
            found += self._optional(f"/api/v1/organization/{ident}")
        unique: dict[str, CommunicationParty] = {}
        for party in found:
            unique.setdefault(party.her_id, party)
        return tuple(unique.values())

    # -- certificates ---------------------------------------------------------------------------

    def certificate(self, her_id: str, usage: Literal["signing", "encryption"]) -> ArCertificate:
        """GET /api/v1/certificate/{herId}/{usage}: the party's current certificate for ``usage``."""
        path = f"/api/v1/certificate/{her_id_number(her_id)}/{usage}"
        response = self._call("GET", path)
        if response.status_code == 404:
            raise NoRouteMatched(
                f"no {usage} certificate for HER-id {her_id}", code="registry.not-found", received=her_id
            )
        return self._read(path, response, certificate_from_json)

    # -- calls ----------------------------------------------------------------------------------

    def _search_hpr(self, hpr: int) -> tuple[CommunicationParty, ...]:
        path = "/api/v1/communicationparty/search"
        body = {"personSearchParameters": {"hprNumber": hpr}}
        response = self._call("POST", path, json=body)
        if response.status_code == 404:
            return ()
        return self._read(path, response, communication_parties_from_search)

    def _optional(self, path: str) -> tuple[CommunicationParty, ...]:
        """The party at ``path``, or none when the register answers 404."""
        response = self._call("GET", path)
        if response.status_code == 404:
            return ()
        return (self._read(path, response, communication_party_from_json),)

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call with a token and its proof; a 401 once more with a new token (the server may have
        stopped taking the kept one). The status judged here: 2xx and 404 go back to the caller."""
        url = self.base_url + path
        headers = {"Accept": "application/json"}
        try:
            response = self.helseid.request(method, url, headers=headers, timeout=self.timeout, **kwargs)
            if response.status_code == 401:
                self.helseid.forget_token()
                response = self.helseid.request(method, url, headers=headers, timeout=self.timeout, **kwargs)
        except httpx.HTTPError as exc:
            raise self._unavailable(path, f"{type(exc).__name__}: {exc}") from exc
        except DeliveryMisconfigured as exc:  # HelseID refused the token request: the client's configuration
            raise RegistryRefused(
                f"no HelseID token for the Adresseregister: {exc.detail}", where=url
            ) from exc
        except DeliveryError as exc:  # HelseID: no token now (helseid.unreachable, helseid.bad-response)
            raise RegistryUnavailable(
                f"no HelseID token for the Adresseregister: {exc.detail}", code=exc.code, where=url
            ) from exc
        status = response.status_code
        if status in (401, 403):
            challenge = response.headers.get("WWW-Authenticate", "")
            log.error(
                "the Adresseregister refused the token (%s %s): check the HelseID client", status, challenge
            )
            raise RegistryRefused(
                f"the Adresseregister answered {status} {challenge}".rstrip(), where=f"{method} {url}"
            )
        if status == 400:
            raise NoRouteMatched(
                f"the Adresseregister refused {method} {path}: {response.text[:200]}",
                code="registry.fault",
                where=f"{method} {url}",
            )
        if status != 404 and not 200 <= status < 300:
            raise self._unavailable(path, f"HTTP {status}")
        return response

    def _unavailable(self, path: str, why: str, code: str = "registry.unavailable") -> RegistryUnavailable:
        return RegistryUnavailable(
            f"Adresseregister did not answer {path}: {why}", code=code, where=self.base_url + path
        )

    def _read(self, path: str, response: httpx.Response, reader: Callable[[Any], T]) -> T:
        """The body read by ``reader``; any body that does not read is ``registry.bad-answer``."""
        try:
            return reader(read_json(response.content))
        except GatewayError as exc:
            raise self._unavailable(
                path, f"HTTP {response.status_code}, {exc}", "registry.bad-answer"
            ) from exc
