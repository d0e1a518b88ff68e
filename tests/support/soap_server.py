"""A local Adresseregister on loopback: serves the WSDL at ``?wsdl`` (its XSDs at ``?xsd=<file>``) and
answers Ping, GetCommunicationPartyDetails and SearchById with SOAP 1.1 envelopes from synthetic data.

Unknown HER-ids get a SOAP Fault with a GenericFault detail, as the real WCF service answers.
``down = True`` makes every request fail with HTTP 503; ``requests`` counts the SOAP calls.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from samband.adapters.xml.safe import parse_xml, qname

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas" / "adresseregister"
WSDL_NAME = "CommunicationPartyService.wsdl"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
AR_NS = "http://register.nhn.no/CommunicationParty"
COMMON_NS = "http://register.nhn.no/Common"
HPR_NS = "http://register.nhn.no/HPR"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass(frozen=True)
class Party:
    """A synthetic communication party; ``xsi_type`` is the WCF data contract variant."""

    her_id: int
    name: str
    xsi_type: str = "OrganizationPerson"
    parent_her_id: int | None = None
    parent_name: str | None = None
    parent_orgnr: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    hpr: int | None = None
    phone: str | None = None
    edi: str | None = None
    active: bool = True


def _el(name: str, value: object | None, ns: str = "") -> str:
    prefix = f"{ns}:" if ns else ""
    if value is None:
        return ""
    text = str(value).lower() if isinstance(value, bool) else escape(str(value))
    return f"<{prefix}{name}>{text}</{prefix}{name}>"


def _address(kind: str, address: str) -> str:
    return (
        "<c:ElectronicAddress>"
        f"{_el('Address', address, 'c')}{_el('Inherited', False, 'c')}"
        f"<c:Type>{_el('Active', True, 'c')}{_el('CodeValue', kind, 'c')}{_el('OID', 9044, 'c')}</c:Type>"
        f"{_el('TypeCodeValue', kind, 'c')}"
        "</c:ElectronicAddress>"
    )


def party_xml(party: Party, element: str) -> str:
    """One CommunicationParty in WCF data contract order (base type first, then the extension)."""
    addresses = ""
    if party.phone:
        addresses += _address("E_TLF", party.phone)
    if party.edi:
        addresses += _address("E_EDI", party.edi)
    base = (
        f"{_el('Active', party.active)}<ElectronicAddresses>{addresses}</ElectronicAddresses>"
        f"{_el('HerId', party.her_id)}{_el('IsValidCommunicationParty', party.active)}"
        f"{_el('Name', party.name)}{_el('ParentHerId', party.parent_her_id)}"
        f"{_el('ParentName', party.parent_name)}{_el('ParentOrganizationNumber', party.parent_orgnr)}"
        f"{_el('Type', 'Person' if party.xsi_type == 'OrganizationPerson' else party.xsi_type)}"
    )
    extension = ""
    if party.xsi_type == "OrganizationPerson" and party.last_name:
        hpr = f"<h:HPRInformation>{_el('HPRNumber', party.hpr, 'h')}</h:HPRInformation>" if party.hpr else ""
        extension = (
            f"<Person>{_el('FirstName', party.first_name, 'h')}{hpr}{_el('LastName', party.last_name, 'h')}"
            "</Person>"
        )
    return f'<{element} i:type="{party.xsi_type}">{base}{extension}</{element}>'


def envelope(body: str) -> bytes:
    return (f'<s:Envelope xmlns:s="{SOAP_NS}"><s:Body>{body}</s:Body></s:Envelope>').encode()


def _namespaces() -> str:
    return f'xmlns="{AR_NS}" xmlns:c="{COMMON_NS}" xmlns:h="{HPR_NS}" xmlns:i="{XSI_NS}"'


def fault(code: str, message: str) -> bytes:
    """A SOAP 1.1 Fault with the GenericFault detail of the WCF contract."""
    return envelope(
        f"<s:Fault><faultcode>s:Client</faultcode><faultstring>{escape(message)}</faultstring>"
        f'<detail><GenericFault xmlns="{COMMON_NS}"><ErrorCode>{escape(code)}</ErrorCode>'
        f"<Message>{escape(message)}</Message></GenericFault></detail></s:Fault>"
    )


@dataclass
class Register:
    """The synthetic register content and switches the tests flip."""

    parties: dict[int, Party] = field(default_factory=dict)
    down: bool = False
    requests: list[str] = field(default_factory=list)

    def answer(self, operation: str, argument: str | None) -> tuple[int, bytes]:
        self.requests.append(operation)
        if operation == "Ping":
            return 200, envelope(
                f'<PingResponse xmlns="{AR_NS}"><PingResult>pong</PingResult></PingResponse>'
            )
        if operation == "GetCommunicationPartyDetails":
            party = self.parties.get(int(argument or 0))
            if party is None:
                return 500, fault("NotFound", f"Kommunikasjonspart med HER-id {argument} finnes ikke")
            inner = party_xml(party, "GetCommunicationPartyDetailsResult")
            return 200, envelope(
                f"<GetCommunicationPartyDetailsResponse {_namespaces()}>{inner}"
                "</GetCommunicationPartyDetailsResponse>"
            )
        if operation == "SearchById":
            found = [p for p in self.parties.values() if argument in {str(p.her_id), str(p.hpr)}]
            inner = "".join(party_xml(p, "CommunicationParty") for p in found)
            return 200, envelope(
                f"<SearchByIdResponse {_namespaces()}><SearchByIdResult>{inner}</SearchByIdResult>"
                "</SearchByIdResponse>"
            )
        return 500, fault("UnknownOperation", operation)


def _served_file(name: str, base_url: str) -> bytes:
    text = (SCHEMA_DIR / name).read_text(encoding="utf-8")
    text = re.sub(
        r'schemaLocation="([A-Za-z]+\.xsd)"', lambda m: f'schemaLocation="{base_url}?xsd={m[1]}"', text
    )
    text = re.sub(r'location="https://[^"]+"', f'location="{base_url}"', text)
    return text.encode()


def _handler(register: Register, base_url: list[str]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def _send(self, status: int, body: bytes, content_type: str = "text/xml; charset=utf-8") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            query = self.path.partition("?")[2]
            if register.down:
                return self._send(503, b"Service Unavailable", "text/plain")
            if query.lower() in {"wsdl", "singlewsdl"}:
                return self._send(200, _served_file(WSDL_NAME, base_url[0]))
            match = re.fullmatch(r"xsd=([A-Za-z]+\.xsd)", query)
            if match and (SCHEMA_DIR / match[1]).is_file():
                return self._send(200, _served_file(match[1], base_url[0]))
            return self._send(404, b"not found", "text/plain")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if register.down:
                return self._send(503, b"Service Unavailable", "text/plain")
            body = parse_xml(raw).find(f"{{{SOAP_NS}}}Body")
            request = body[0] if body is not None and len(body) else None
            if request is None:
                return self._send(500, fault("BadRequest", "empty SOAP body"))
            operation = qname(request)[1]
            argument = next((c.text for c in request), None)
            status, answer = register.answer(operation, argument)
            return self._send(status, answer)

    return Handler


@dataclass
class SoapServer:
    """A running local register: ``url`` is the endpoint (``…/v1/AR/Basic``), ``wsdl_url`` its WSDL."""

    register: Register
    url: str
    server: ThreadingHTTPServer

    @property
    def wsdl_url(self) -> str:
        return f"{self.url}?wsdl"


def serve(register: Register) -> Iterator[SoapServer]:
    """Start the server on a free loopback port, yield it, stop it."""
    base_url: list[str] = [""]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(register, base_url))
    url = f"http://127.0.0.1:{server.server_address[1]}/v1/AR/Basic"
    base_url[0] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SoapServer(register, url, server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


SYNTHETIC_PARTIES = {
    p.her_id: p
    for p in (
        Party(
            her_id=8140100,
            name="Liv Berg",
            parent_her_id=8140090,
            parent_name="Sentrum legekontor",
            parent_orgnr=999888777,
            first_name="Liv",
            last_name="Berg",
            hpr=9144900,
            phone="74 11 22 33",
        ),
        Party(her_id=8140090, name="Sentrum legekontor", xsi_type="Organization", phone="74 11 22 00"),
        Party(
            her_id=8140002,
            name="Saksbehandling",
            xsi_type="Service",
            parent_her_id=8140001,
            parent_name="Steinkjer kommune",
            parent_orgnr=999777666,
        ),
    )
}
