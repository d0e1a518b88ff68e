"""Hodemelding Document/RefDoc facts of the main document: IssueDate, Consent (3109/9064),
ContentDescription and RefDoc/Description → MessageHeader extensions, and back. Every other fact of
a Document that FHIR has no element for goes in the complex extension ``hodemelding-dokument``, one
sub-extension per element (``DOCUMENT_FACTS``): on the MessageHeader for the main document, on the
DocumentReference for a further one (``attachments.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from samband.adapters.kith.datatypes import Code
from samband.adapters.msghead.model import Document, MsgHead
from samband.mappings.common import kith_out
from samband.mappings.common.head_time import fhir_datetime
from samband.mappings.common.state import MapState
from samband.mappings.common.systems import (
    EXT_CONSENT,
    EXT_CONTENT_DESCRIPTION,
    EXT_DOC_DESCRIPTION,
    EXT_DOCUMENT_FACTS,
    EXT_ISSUE_DATE,
)
from samband.mappings.common.view import JsonDict, as_dict, as_list, text_of

DOCUMENT = "/MsgHead/Document"


def document_extensions(head: MsgHead, state: MapState) -> list[JsonDict]:
    """The main Document's IssueDate, Consent and ContentDescription as MessageHeader extensions."""
    document = head.documents[0]
    out: list[JsonDict] = []
    issued = fhir_datetime(document.ref_doc.issue_date)
    if issued:
        out.append({"url": EXT_ISSUE_DATE, "valueDateTime": issued})
    consent = state.coding(document.consent, "3109", f"{DOCUMENT}/Consent")
    if consent:
        out.append({"url": EXT_CONSENT, "valueCoding": consent})
    if document.content_description:
        out.append({"url": EXT_CONTENT_DESCRIPTION, "valueString": document.content_description})
    if document.ref_doc.description:
        out.append({"url": EXT_DOC_DESCRIPTION, "valueString": document.ref_doc.description})
    if rest := document_rest(document, state, f"{DOCUMENT}[1]", MAIN_FACTS):
        out.append(rest)
    return out


DOCUMENT_FACTS: dict[str, tuple[str, str | None]] = {
    "DocumentConnection": ("document_connection", "4702"),
    "ContentType": ("content_type", ""),
    "ContentCategory": ("content_category", ""),
    "Annotation": ("annotation", None),
    "FromDate": ("from_date", None),
    "ToDate": ("to_date", None),
    "OidRef": ("oid_ref", None),
    "EnquiryRefId": ("enquiry_ref_id", None),
    "RefDocId": ("ref_doc.id", None),
    "MimeType": ("ref_doc.mime_type", None),
    "Compression": ("ref_doc.compression", "1204"),
}
"""Sub-extension of ``hodemelding-dokument`` → (model field, code table: a kith:CS table, ``""`` for a
kith:CV that names its own, None for text, carried as sent)."""
MAIN_FACTS = frozenset(DOCUMENT_FACTS)
_CS = frozenset({"DocumentConnection", "Compression"})


def _field(document: Document, name: str) -> Code | str | None:
    value: object = document
    for part in DOCUMENT_FACTS[name][0].split("."):
        value = getattr(value, part)
    return value if isinstance(value, Code | str) else None


def document_rest(document: Document, state: MapState, path: str, names: frozenset[str]) -> JsonDict | None:
    """The facts ``names`` of a Document as the complex extension ``hodemelding-dokument``."""
    parts: list[JsonDict] = []
    for name in DOCUMENT_FACTS:
        value = _field(document, name) if name in names else None
        table = DOCUMENT_FACTS[name][1]
        if isinstance(value, Code):
            coding = state.any_coding(value, table or None, name.lower(), f"{path}/{name}")
            if coding:
                parts.append({"url": name, "valueCoding": coding})
        elif value:
            parts.append({"url": name, "valueString": value})
    return {"url": EXT_DOCUMENT_FACTS, "extension": parts} if parts else None


def rest_of(resource: JsonDict) -> dict[str, Code | str]:
    """The ``hodemelding-dokument`` sub-extensions of a resource, by element name."""
    out: dict[str, Code | str] = {}
    for extension in as_list(resource.get("extension")):
        if extension.get("url") != EXT_DOCUMENT_FACTS:
            continue
        for part in as_list(extension.get("extension")):
            name = str(part.get("url"))
            if name not in DOCUMENT_FACTS:
                continue
            if "valueCoding" in part:
                table = DOCUMENT_FACTS[name][1] or ""
                found = kith_out.code_of({"coding": [part["valueCoding"]]}, table, cs=name in _CS)
                if found is not None:
                    out[name] = found
            elif text := text_of(part.get("valueString")):
                out[name] = text
    return out


def with_rest(document: Document, rest: dict[str, Code | str]) -> Document:
    """``document`` with the facts of ``rest`` (``rest_of``) filled in."""
    fields: dict[str, Any] = {}
    ref_fields: dict[str, Any] = {}
    for name, value in rest.items():
        target = DOCUMENT_FACTS[name][0]
        if target.startswith("ref_doc."):
            ref_fields[target.removeprefix("ref_doc.")] = value
        else:
            fields[target] = value
    return replace(document, ref_doc=replace(document.ref_doc, **ref_fields), **fields)


def _extension(header: JsonDict, url: str) -> object:
    for extension in as_list(header.get("extension")):
        if extension.get("url") == url:
            return next((v for k, v in extension.items() if k.startswith("value")), None)
    return None


@dataclass(frozen=True)
class DocumentFacts:
    """What the main Document carries besides the payload."""

    issue_date: str | None = None
    consent: Code | None = None
    content_description: str | None = None
    description: str | None = None


def consent_of(resource: JsonDict) -> Code | None:
    """The ``samtykke`` extension (3109/9064 Coding) of a resource → the Document's Consent."""
    consent = as_dict(_extension(resource, EXT_CONSENT))
    code = text_of(consent.get("code"))
    oid = (text_of(consent.get("system")) or "").removeprefix("urn:oid:")
    return Code(v=code, dn=text_of(consent.get("display")), s=oid or None) if code else None


def document_facts(header: JsonDict) -> DocumentFacts:
    """MessageHeader extensions → the main Document's IssueDate, Consent, ContentDescription and
    RefDoc/Description."""
    return DocumentFacts(
        issue_date=text_of(_extension(header, EXT_ISSUE_DATE)),
        consent=consent_of(header),
        content_description=text_of(_extension(header, EXT_CONTENT_DESCRIPTION)),
        description=text_of(_extension(header, EXT_DOC_DESCRIPTION)),
    )
