"""A local Adresseregister REST API (CommunicationParty API v1) on loopback, speaking Samband's contract.

Every request is checked against ``schemas/nhn/adresseregister-rest.yaml`` with openapi-core before it
is answered (400 with the findings when it fails), and every answer it gives is checked against the
same contract (a failure is kept in ``contract_failures`` and answered 500, so no test passes on a
shape the contract does not allow). A call needs a DPoP-bound token of the local issuer
(``tests/support/token_issuer.py``) with a proof for it, and the scope ``nhn:communicationparty/read``
(401 / 403 otherwise), as NHN's API demands of a HelseID client.

    with running_rest_register(issuer, SYNTHETIC_REST_PARTIES) as register:
        register.parties[8140200] = rest_party(8140200, "Ny tjeneste", ...)
        register.failing = 503            # every lookup answers 503 until set back to None
        register.answered                 # the calls answered with data or 404
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openapi_core import OpenAPI
from openapi_core.exceptions import OpenAPIError
from openapi_core.testing import MockRequest, MockResponse

from tests.support.receivers import Receiver, RecordedRequest, Reply, running_receiver
from tests.support.token_issuer import AUDIENCE, TokenIssuer

CONTRACT = Path(__file__).resolve().parents[2] / "schemas" / "nhn" / "adresseregister-rest.yaml"
SCOPE = "nhn:communicationparty/read"
MESSAGE_SERVICE_EDI = "meldingstjener-api@testedi.nhn.no"
JSON = {"Content-Type": "application/json; charset=utf-8"}
_PARTY = re.compile(r"^/api/v1/communicationparty/(\d+)$")
_ORGANIZATION = re.compile(r"^/api/v1/organization/(\d{9})$")
_CERTIFICATE = re.compile(r"^/api/v1/certificate/(\d+)/(signing|encryption)$")
SEARCH = "/api/v1/communicationparty/search"


def _parent(her_id: int, name: str, orgnr: str | None = None) -> dict[str, Any]:
    return {"herId": her_id, "name": name, "organizationNumber": orgnr}


def rest_party(
    her_id: int,
    name: str,
    kind: str,
    *,
    parent: tuple[int, str, str | None] | None = None,
    hpr: int | None = None,
    edi: str | None = None,
    phone: str | None = None,
    orgnr: str | None = None,
    signing: str | None = None,
) -> dict[str, Any]:
    """A synthetic CommunicationParty as the REST API answers it (JSON values)."""
    party: dict[str, Any] = {
        "herId": her_id,
        "name": name,
        "displayName": name,
        "type": kind,
        "amqpTransportStatus": "Disabled",
        "ediAddress": edi,
        "phoneNumber": phone,
        "postalAddress": {
            "address": "Storgata 1",
            "postalBox": None,
            "postalCode": "7725",
            "city": "Steinkjer",
        },
        "validFrom": "2020-01-01T00:00:00Z",
    }
    if kind == "Person" and parent is not None:
        party["personDetails"] = {"hprNumber": hpr, "parentOrganization": _parent(*parent)}
    if kind == "Service" and parent is not None:
        party["serviceDetails"] = {
            "serviceType": {"codeListId": "8663", "value": "14", "name": "Pleie og omsorg", "url": None},
            "parentOrganization": _parent(*parent),
        }
    if kind == "Organization":
        party["organizationDetails"] = {
            "organizationNumber": orgnr,
            "businessType": {"codeListId": "9040", "value": "5", "name": "Legekontor", "url": None},
            "persons": [],
            "services": [],
        }
    if signing is not None:
        party["currentSigningCertificate"] = {
            "thumbprint": signing,
            "validFrom": "2025-01-01T00:00:00Z",
            "validTo": "2028-01-01T00:00:00Z",
        }
    return party


SYNTHETIC_REST_PARTIES: dict[int, dict[str, Any]] = {
    8140100: rest_party(
        8140100,
        "Liv Berg",
        "Person",
        parent=(8140090, "Sentrum legekontor", "999888777"),
        hpr=9144900,
        edi="sentrum-legekontor@edi.nhn.no",
        phone="74 11 22 33",
        signing="0A1B2C3D4E5F60718293A4B5C6D7E8F901234567",
    ),
    8140090: rest_party(
        8140090, "Sentrum legekontor", "Organization", orgnr="999888777", edi="sentrum-legekontor@edi.nhn.no"
    ),
    8140002: rest_party(
        8140002,
        "Saksbehandling",
        "Service",
        parent=(8140001, "Steinkjer kommune", "999777666"),
        edi=MESSAGE_SERVICE_EDI,
    ),
}


class RestRegister:
    """The register's content, its switches, and what it saw."""

    def __init__(
        self,
        receiver: Receiver,
        issuer: TokenIssuer,
        parties: Mapping[int, dict[str, Any]],
        demand_nonce: bool = False,
    ) -> None:
        self.receiver = receiver
        self.url = receiver.url("").rstrip("/")
        self.parties: dict[int, dict[str, Any]] = {her: dict(p) for her, p in parties.items()}
        self.certificates: dict[tuple[int, str], str] = {}
        self.failing: int | None = None
        self.contract_failures: list[str] = []
        self.refused_requests: list[str] = []
        self.answered: list[str] = []  # "METHOD path" of each call answered with data or 404
        self._contract = OpenAPI.from_file_path(str(CONTRACT))
        self._guard = issuer.guard(audience=AUDIENCE, demand_nonce=demand_nonce)
        receiver.fallback = self._handle

    def _handle(self, request: RecordedRequest) -> Reply:
        verdict = self._guard(request, self.receiver.url(request.path))
        if isinstance(verdict, Reply):
            return verdict
        scopes = verdict.claims.get("scope")
        if SCOPE not in (scopes if isinstance(scopes, list) else str(scopes or "").split()):
            return Reply(403, b"", {})
        checked = MockRequest(
            self.url,
            request.method,
            request.path,
            headers=request.headers,
            data=request.body,
            content_type=request.header("Content-Type") or "application/json",
        )
        try:
            self._contract.validate_request(checked)
        except OpenAPIError as exc:
            self.refused_requests.append(f"{request.method} {request.path}: {exc}")
            return Reply(400, json.dumps({"error": str(exc)}).encode(), JSON)
        if self.failing is not None:
            return Reply(self.failing, b"", {})
        reply = self._answer(request)
        try:
            answer = MockResponse(reply.body, reply.status, reply.headers, "application/json")
            self._contract.validate_response(checked, answer)
        except OpenAPIError as exc:
            self.contract_failures.append(f"{request.method} {request.path} -> {reply.status}: {exc}")
            return Reply(500, b"", {})
        self.answered.append(f"{request.method} {request.path}")
        return reply

    def _answer(self, request: RecordedRequest) -> Reply:
        if request.path == SEARCH:
            wanted = json.loads(request.body)["personSearchParameters"]["hprNumber"]
            found = [
                p for p in self.parties.values() if (p.get("personDetails") or {}).get("hprNumber") == wanted
            ]
            return _json({"communicationParties": found})
        if match := _PARTY.match(request.path):
            return _json_or_404(self.parties.get(int(match[1])))
        if match := _ORGANIZATION.match(request.path):
            found = [
                p
                for p in self.parties.values()
                if (p.get("organizationDetails") or {}).get("organizationNumber") == match[1]
            ]
            return _json_or_404(found[0] if found else None)
        if match := _CERTIFICATE.match(request.path):
            der = self.certificates.get((int(match[1]), match[2]))
            return _json_or_404(None if der is None else {"thumbprint": "0" * 40, "certificateValue": der})
        return Reply(404, b"", {})


def _json(value: object) -> Reply:
    return Reply(200, json.dumps(value).encode(), JSON)


def _json_or_404(value: object | None) -> Reply:
    return Reply(404, b"", {}) if value is None else _json(value)


@contextmanager
def running_rest_register(
    issuer: TokenIssuer,
    parties: Mapping[int, dict[str, Any]] = SYNTHETIC_REST_PARTIES,
    demand_nonce: bool = False,
) -> Iterator[RestRegister]:
    """The register on a free loopback port; with ``demand_nonce`` it first answers a call without its
    DPoP nonce with 401 ``use_dpop_nonce`` and a ``DPoP-Nonce``, as NHN's APIs may."""
    with running_receiver() as receiver:
        yield RestRegister(receiver, issuer, parties, demand_nonce)
