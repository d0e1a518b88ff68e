"""NHN Adresseregister client: ICommunicationPartyService over SOAP 1.1 (zeep).

The WSDL is the project's own copy in the real service's shape (``schemas/adresseregister/``), so
the client is built without reaching the register; the endpoint is configuration. It answers the
lookup interface (``lookup.AddressRegistry``) like the REST client; ``cache.CachedRegistry`` goes
in front of either (messaging.md §8.1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
import zeep
import zeep.exceptions
from lxml import etree
from zeep.transports import Transport

from samband.adapters.registry.ar import CP_NS, XSI_NS, communication_party_from_element
from samband.adapters.registry.ar_model import CommunicationParty
from samband.adapters.xml.safe import parse_xml
from samband.kernel.errors import GatewayError, NoRouteMatched, RegistryUnavailable

WSDL_FILE = (
    Path(__file__).resolve().parents[2] / "schemas" / "adresseregister" / "CommunicationPartyService.wsdl"
)
AR_NS = CP_NS
BINDING = f"{{{AR_NS}}}BasicHttpBinding_ICommunicationPartyService"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"


class ArClient:
    """zeep client for ICommunicationPartyService (BasicHttpBinding, HTTP Basic credentials).

    ``wsdl`` is the packaged file by default; a URL (``…/v1/AR?wsdl``) works too but then building
    the client needs the register to answer.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        wsdl: str | Path = WSDL_FILE,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 5.0,
    ) -> None:
        session = requests.Session()
        if username is not None:
            session.auth = (username, password or "")
        transport = Transport(  # type: ignore[no-untyped-call]
            session=session, timeout=timeout, operation_timeout=timeout
        )
        try:
            client = zeep.Client(str(wsdl), transport=transport)  # type: ignore[no-untyped-call]
        except (requests.RequestException, zeep.exceptions.Error, OSError) as exc:
            raise RegistryUnavailable(
                f"cannot load the Adresseregister WSDL: {exc}", code="registry.wsdl", where=str(wsdl)
            ) from exc
        self.endpoint = endpoint
        self._client = client
        self._service = client.create_service(BINDING, endpoint)  # type: ignore[no-untyped-call]

    def _call(self, operation: str, *, raw: bool = False, **kwargs: Any) -> Any:
        """One operation; with ``raw`` the HTTP answer as zeep received it, unparsed."""
        try:
            with self._client.settings(raw_response=raw):
                return getattr(self._service, operation)(**kwargs)
        except zeep.exceptions.Fault as exc:
            raise self._refused(operation, exc.message, kwargs) from exc
        except (requests.RequestException, zeep.exceptions.TransportError, zeep.exceptions.Error) as exc:
            raise self._unavailable(operation, str(exc)) from exc

    def _refused(self, operation: str, message: str | None, kwargs: dict[str, Any]) -> NoRouteMatched:
        return NoRouteMatched(
            f"Adresseregister refused {operation}: {message}",
            code="registry.fault",
            where=f"{self.endpoint} {operation}",
            received=str(kwargs),
        )

    def _unavailable(
        self, operation: str, why: str, code: str = "registry.unavailable"
    ) -> RegistryUnavailable:
        return RegistryUnavailable(
            f"Adresseregister did not answer {operation}: {why}",
            code=code,
            where=f"{self.endpoint} {operation}",
        )

    def _result(self, operation: str, **kwargs: Any) -> etree._Element | None:
        """The ``<operation>Result`` element of the SOAP answer, None when absent or nil.

        A SOAP Fault is the register's refusal (``NoRouteMatched``); any other HTTP error or an
        unreadable body is an outage (``RegistryUnavailable``).
        """
        response = self._call(operation, raw=True, **kwargs)
        try:
            root = parse_xml(response.content)
        except GatewayError as exc:
            raise self._unavailable(operation, f"HTTP {response.status_code}, {exc.detail}") from exc
        fault = root.find(f"{{{SOAP_NS}}}Body/{{{SOAP_NS}}}Fault")
        if fault is not None:
            raise self._refused(operation, fault.findtext("faultstring"), kwargs)
        if response.status_code != 200:
            raise self._unavailable(operation, f"HTTP {response.status_code}")
        result = root.find(f".//{{{AR_NS}}}{operation}Result")
        if result is None or result.get(f"{{{XSI_NS}}}nil") == "true":
            return None
        return result

    def _party(self, operation: str, element: etree._Element) -> CommunicationParty:
        """The data-contract reader's ``CommunicationParty``; a malformed answer is an outage."""
        try:
            return communication_party_from_element(element)
        except GatewayError as exc:
            raise self._unavailable(operation, exc.detail, code="registry.bad-answer") from exc

    def ping(self) -> str:
        return str(self._call("Ping"))

    def communication_party(self, her_id: str) -> CommunicationParty:
        """GetCommunicationPartyDetails(herId); ``NoRouteMatched`` when AR does not know the HER-id."""
        if not her_id.isdigit():
            raise NoRouteMatched(
                "HER-id must be digits", code="registry.bad-her-id", expected="digits", received=her_id
            )
        operation = "GetCommunicationPartyDetails"
        result = self._result(operation, herId=int(her_id))
        if result is None:
            raise NoRouteMatched(
                f"no communication party with HER-id {her_id}", code="registry.not-found", received=her_id
            )
        return self._party(operation, result)

    def search_by_id(self, ident: str) -> tuple[CommunicationParty, ...]:
        """SearchById(id): parties found by HER-id, organisation number or HPR number."""
        result = self._result("SearchById", id=ident)
        items = [] if result is None else result.iterfind(f"{{{AR_NS}}}CommunicationParty")
        return tuple(self._party("SearchById", item) for item in items)
