"""Hodemelding Document/RefDoc facts of the main document: IssueDate, Consent (3109/9064),
ContentDescription and RefDoc/Description → MessageHeader extensions, and back; the rest of the main
Document is an issue. Further Documents are ``attachments.py``'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from samband.adapters.kith.datatypes import Code
from samband.adapters.msghead.model import Document, MsgHead
from samband.mappings.common.head_time import fhir_datetime
from samband.mappings.common.state import MapState
from samband.mappings.common.systems import (
    EXT_CONSENT,
    EXT_CONTENT_DESCRIPTION,
    EXT_DOC_DESCRIPTION,
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
    _unmapped(document, state)
    return out


def _unmapped(document: Document, state: MapState) -> None:
    rest = {
        "ContentType": document.content_type,
        "ContentCategory": document.content_category,
        "Annotation": document.annotation,
        "FromDate": document.from_date,
        "ToDate": document.to_date,
        "OIDRef": document.oid_ref,
        "EnquiryRefId": document.enquiry_ref_id,
        "RefDoc/Id": document.ref_doc.id,
        "RefDoc/MimeType": document.ref_doc.mime_type,
        "RefDoc/Compression": document.ref_doc.compression,
    }
    for name, value in rest.items():
        if value is not None:
            state.not_mapped(f"{DOCUMENT}/{name}", f"Document {name}")


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
