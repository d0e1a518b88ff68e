"""Hostile and broken request bodies, and how to read the coded answer a gateway gives each.

Every case is one body with its Content-Type and the codes a document endpoint (``/messages``,
``/ebxml``, ``/fhir``, ``/ip-exports``) may answer it with; the JSON endpoints (``/referrals``,
``/messages/{id}/replay``) read a model, so any coded answer will do there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from samband.adapters.xml.safe import parse_xml

MSGHEAD_NS = "http://www.kith.no/xmlstds/msghead/2006-05-24"
EB_NS = "http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
XML = "application/xml"
JSON = "application/json"
BOUNDARY = "hostile-boundary"
MULTIPART = f'multipart/related; boundary="{BOUNDARY}"; type="text/xml"; start="<soap@x>"'
UNREADABLE_FOR_EBXML = frozenset({"ebxml.mime-unsupported-type"})  # /ebxml reads no JSON at all


@dataclass(frozen=True)
class Case:
    name: str
    body: bytes
    content_type: str
    codes: frozenset[str]


ATTACKS = {  # name → (internal subset, what the root holds, the code it is refused with)
    "billion-laughs": (
        '<!DOCTYPE MsgHead [<!ENTITY a "aaaaaaaaaa">'
        + "".join(
            f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "]>",
        "&i;",
        "xml.entity-forbidden",
    ),
    "external-entity": (
        '<!DOCTYPE MsgHead [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        "&x;",
        "xml.entity-forbidden",
    ),
    "parameter-entities": (
        "<!DOCTYPE MsgHead [<!ENTITY % p \"<!ENTITY q 'x'>\"> %p;]>",
        "&q;",
        "xml.entity-forbidden",
    ),
    "dtd": ('<!DOCTYPE MsgHead SYSTEM "http://127.0.0.1:9/msghead.dtd">', "x", "xml.dtd-forbidden"),
}
ENCODINGS = {  # name → (codec, byte-order mark, declared encoding)
    "utf-8": ("utf-8", b"", "UTF-8"),
    "utf-16le": ("utf-16-le", b"\xff\xfe", "UTF-16"),
    "utf-16be": ("utf-16-be", b"\xfe\xff", "UTF-16"),
    "utf-16le-no-bom": ("utf-16-le", b"", "UTF-16"),
    "utf-32": ("utf-32-le", b"\xff\xfe\x00\x00", "UTF-32"),
    "utf-32be-no-bom": ("utf-32-be", b"", "UTF-32"),
    "ebcdic": ("cp037", b"", "IBM037"),
}


def _attack(subset: str, content: str, encoding: str) -> bytes:
    codec, bom, declared = ENCODINGS[encoding]
    text = f'<?xml version="1.0" encoding="{declared}"?>{subset}'
    return bom + (text + f'<MsgHead xmlns="{MSGHEAD_NS}">{content}</MsgHead>').encode(codec)


def _root(content: bytes) -> bytes:
    return f'<MsgHead xmlns="{MSGHEAD_NS}">'.encode() + content + b"</MsgHead>"


def _mime(soap_part_type: str, soap: bytes, payloads: int = 1) -> bytes:
    parts = [f"Content-ID: <soap@x>\r\nContent-Type: {soap_part_type}\r\n\r\n".encode("latin-1") + soap]
    parts += [
        b"Content-ID: <p%d@x>\r\nContent-Type: application/xml\r\n\r\n<a/>" % i for i in range(payloads)
    ]
    delimiter = f"\r\n--{BOUNDARY}\r\n".encode()
    return f"--{BOUNDARY}\r\n".encode() + delimiter.join(parts) + f"\r\n--{BOUNDARY}--\r\n".encode()


SOAP = (
    f'<SOAP:Envelope xmlns:SOAP="{SOAP_NS}" xmlns:eb="{EB_NS}"><SOAP:Header/><SOAP:Body/></SOAP:Envelope>'
).encode()


def _json_cases() -> list[Case]:
    fhir = '{"resourceType": "Bundle", "type": "message", "n": %s}'
    cases = {
        "deep-json": (b"[" * 100_000 + b"]" * 100_000, "json.too-deep"),
        "deep-json-object": (
            (fhir % ('{"a":' * 5_000 + "1" + "}" * 5_000)).encode(),
            "json.too-deep",
        ),
        "huge-exponent": ((fhir % "1e1000000").encode(), "json.number-out-of-range"),
        "million-digits": ((fhir % ("9" * 1_000_000)).encode(), "json.number-too-long"),
        "nan": ((fhir % "NaN").encode(), "json.not-finite"),
        "infinity": ((fhir % "-Infinity").encode(), "json.not-finite"),
        "lone-surrogate": ((fhir % '"\\ud800"').encode(), "json.lone-surrogate"),
        "json-not-utf8": ((fhir % '"bl\xe5"').encode("latin-1"), "json.encoding"),
    }
    return [
        Case(name, body, JSON, frozenset({code}) | UNREADABLE_FOR_EBXML)
        for name, (body, code) in cases.items()
    ]


def _xml_cases() -> list[Case]:
    cases = [
        Case(f"{attack}-{encoding}", _attack(subset, content, encoding), XML, frozenset({code}))
        for attack, (subset, content, code) in ATTACKS.items()
        for encoding in ENCODINGS
    ]
    laughs = _attack(*ATTACKS["billion-laughs"][:2], "utf-16le")
    cases += [
        Case("billion-laughs-in-a-mime-part", _mime("text/xml; charset=UTF-16", laughs), MULTIPART,
             frozenset({"xml.entity-forbidden"})),
        Case("deep-xml", b"<a>" * 10_000 + b"</a>" * 10_000, XML, frozenset({"xml.too-deep"})),
        Case("wide-xml", _root(b"<Document/>" * 100_000), XML, frozenset({"xml.too-many-elements"})),
        Case("huge-attribute", f'<MsgHead xmlns="{MSGHEAD_NS}" V="'.encode() + b"x" * 100_000 + b'"/>', XML,
             frozenset({"xml.attribute-too-long"})),
        Case("xml-not-utf8", f'<MsgHead xmlns="{MSGHEAD_NS}">Bl\xe5b\xe6r</MsgHead>'.encode("latin-1"), XML,
             frozenset({"xml.encoding-mismatch"})),
        Case("unknown-declared-encoding", b'<?xml version="1.0" encoding="undefined"?><MsgHead/>', XML,
             frozenset({"xml.unknown-encoding"})),
    ]  # fmt: skip
    return cases


def _mime_cases() -> list[Case]:
    return [
        Case("many-mime-parts", _mime("text/xml; charset=UTF-8", SOAP, payloads=10_000), MULTIPART,
             frozenset({"ebxml.mime-too-many-parts"})),
        Case("two-payloads", _mime("text/xml; charset=UTF-8", SOAP, payloads=2), MULTIPART,
             frozenset({"ebxml.payload-count", "ebxml.missing-messageheader"})),
        Case("bad-boundary", _mime("text/xml", SOAP).replace(BOUNDARY.encode(), b"b" * 100),
             MULTIPART.replace(BOUNDARY, "b" * 100),
             frozenset({"ebxml.mime-bad-boundary", "xml.not-well-formed"})),
        Case("charset-undefined", _mime("text/xml; charset=undefined", SOAP), MULTIPART,
             frozenset({"ebxml.mime-bad-charset"})),
        Case("charset-with-nul", _mime('text/xml; charset="utf\x00-8"', SOAP), MULTIPART,
             frozenset({"ebxml.mime-bad-charset"})),
        Case("charset-unknown", _mime("text/xml; charset=x-made-up", SOAP), MULTIPART,
             frozenset({"ebxml.mime-bad-charset"})),
    ]  # fmt: skip


def _broken_cases() -> list[Case]:
    return [
        Case("empty-body", b"", XML, frozenset({"document.empty", "xml.empty"})),
        Case("blank-body", b" \r\n\t ", XML, frozenset({"document.empty", "xml.empty"})),
        Case("wrong-content-type", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png",
             frozenset({"xml.not-well-formed", "xml.encoding-mismatch", "ebxml.mime-unsupported-type"})),
        Case("json-as-xml", b'{"resourceType": "Bundle"', XML,
             frozenset({"json.invalid", "fhir.not-json", "xml.not-well-formed"})),
    ]  # fmt: skip


CASES: tuple[Case, ...] = (*_xml_cases(), *_json_cases(), *_mime_cases(), *_broken_cases())


def code_of(response: httpx.Response) -> str | None:
    """The code a refusal carries: JSON ``errors[0].code`` (or FastAPI's ``detail``), a SOAP Fault's
    ``detail/code``, an ebXML MessageError's ``[code]`` in its Description, an OperationOutcome's."""
    kind = response.headers.get("content-type", "")
    if "json" in kind:
        return _json_code(response.json())
    if "xml" in kind and response.content:
        root = parse_xml(response.content)
        fault = root.findtext(".//detail/code")
        if fault:
            return str(fault)
        description = root.findtext(f".//{{{EB_NS}}}Error/{{{EB_NS}}}Description") or ""
        found = re.match(r"\[([\w.{}-]+)\]", description)
        return found.group(1) if found else None
    return None


def _json_code(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    if body.get("resourceType") == "OperationOutcome":
        issue = (body.get("issue") or [{}])[0]
        return str(issue.get("details", {}).get("coding", [{}])[0].get("code") or issue.get("code"))
    if body.get("errors"):
        return str(body["errors"][0]["code"])
    detail = body.get("detail")
    if isinstance(detail, dict) and detail.get("code"):
        return str(detail["code"])
    if isinstance(detail, list) and detail:  # FastAPI's validation of a model body: pydantic's type
        return f"request.{detail[0]['type']}"
    return None
