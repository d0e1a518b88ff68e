"""Further documents of a Hodemelding (``Document[2..]``: attachments, a FileReference, an embedded XML
document of another standard) ↔ DocumentReference + Binary, the same for every message type.

One model: each further Document is one DocumentReference, listed in ``MessageHeader.focus`` after
the message's own resources, with one ``content`` per RefDoc/Content element (or its FileReference).
RefDoc/MsgType (8114) is the category, RefDoc/Id the masterIdentifier, MimeType/Description/IssueDate
the attachment's contentType/title/creation. The bytes of a Base64Container, or an embedded XML
document of another namespace (the element as sent), are a Binary the attachment's url points at
(with size and SHA-1 hash); ``content.format`` (``…/CodeSystem/refdoc-innhold``) says which it was:
``base64``, ``xml`` or ``file-reference`` (the url is then the FileReference as sent).
Document/ContentType, ContentCategory, ContentDescription, Consent and FromDate/ToDate are type,
category, description, extension ``samtykke`` and context.period; DocumentConnection, Annotation,
OidRef, EnquiryRefId and RefDoc/Compression go in extension ``hodemelding-dokument``
(``document.py``). The table is in mappings/README.md.

On the way back every DocumentReference of the Bundle becomes a Document (focus order first), and
so does an inline ``Communication.payload.contentAttachment`` of a Bundle born in FHIR. Sizes are
limited (``MAX_ATTACHMENT_BYTES`` each, ``MAX_TOTAL_BYTES`` together) both ways.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from samband.adapters.kith.datatypes import Code
from samband.adapters.msghead.model import Attachment, Document, MsgHead, Payload, RefDoc
from samband.adapters.msghead.payloads import payload_of
from samband.adapters.xml.safe import parse_xml
from samband.kernel.errors import GatewayError, MappingError
from samband.mappings.common import kith_out
from samband.mappings.common.document import consent_of, document_rest, rest_of, with_rest
from samband.mappings.common.head_time import fhir_datetime
from samband.mappings.common.ids import ref, urn
from samband.mappings.common.message import BundleBuilder
from samband.mappings.common.state import MapState
from samband.mappings.common.systems import EXT_CONSENT, REFDOC_CONTENT, REFDOC_ID, REFDOC_MSG_TYPE
from samband.mappings.common.view import BundleView, JsonDict, as_dict, as_list, text_of

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
"""The largest document (decoded bytes) a translation carries."""
MAX_TOTAL_BYTES = 14 * 1024 * 1024
"""All further documents of one message together: their base64 fits in a 20 MiB Hodemelding."""
OCTET_STREAM = "application/octet-stream"
XML_MIME = "application/xml"
DOCUMENT = "/MsgHead/Document"
ATTACHMENT_TYPE = Code(v="A", dn="Vedlegg")
XML_TYPE = Code(v="XML", dn="XML-instans")
FURTHER_FACTS = frozenset({"DocumentConnection", "Annotation", "OidRef", "EnquiryRefId", "Compression"})
"""The Document facts of a further document that DocumentReference has no element for."""
Rid = Callable[..., str]


@dataclass
class Budget:
    """The bytes carried so far in one translation, against the limits."""

    sizes: list[int] = field(default_factory=list)

    def take(self, size: int, where: str) -> None:
        if size > MAX_ATTACHMENT_BYTES:
            raise _too_large(f"a document of {size} bytes", MAX_ATTACHMENT_BYTES, size, where)
        self.sizes.append(size)
        total = sum(self.sizes)
        if total > MAX_TOTAL_BYTES:
            raise _too_large(f"documents of {total} bytes together", MAX_TOTAL_BYTES, total, where)


def _too_large(what: str, limit: int, size: int, where: str) -> MappingError:
    return MappingError(
        f"{what} exceed the limit of {limit} bytes",
        code="mapping.attachment-too-large",
        where=where,
        expected=f"at most {limit} bytes",
        received=f"{size} bytes",
    )


def _invalid(text: str, where: str) -> MappingError:
    return MappingError(text, code="mapping.attachment-invalid", where=where)


def sha1(data: bytes) -> str:
    """``Attachment.hash``: the base64 of the SHA-1 of the bytes."""
    return base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")


# ---------------------------------------------------------------------------------------------- in


def document_references(
    head: MsgHead, state: MapState, builder: BundleBuilder, rid: Rid, patient_id: str | None
) -> list[str]:
    """Every further Document → DocumentReference (+ Binary); returns their ids in document order."""
    budget = Budget()
    out: list[str] = []
    for index, document in enumerate(head.documents[1:], start=2):
        found = _document_reference(document, f"{DOCUMENT}[{index}]", state, builder, rid, budget)
        if found is not None:
            if patient_id:
                found["subject"] = ref(patient_id)
            out.append(builder.add(found))
    return out


def _base_attachment(ref_doc: RefDoc) -> JsonDict:
    out: JsonDict = {}
    if ref_doc.mime_type:
        out["contentType"] = ref_doc.mime_type
    if ref_doc.description:
        out["title"] = ref_doc.description
    if created := fhir_datetime(ref_doc.issue_date):
        out["creation"] = created
    return out


def _content(
    value: Payload | Attachment,
    key: str,
    base: JsonDict,
    builder: BundleBuilder,
    rid: Rid,
    budget: Budget,
    where: str,
) -> JsonDict:
    if isinstance(value, Attachment):
        data, form = value.data, "base64"
        mime = str(base.get("contentType") or value.mime_type or OCTET_STREAM)
    else:
        data, form, mime = value.xml, "xml", XML_MIME
    budget.take(len(data), where)
    binary: JsonDict = {
        "resourceType": "Binary",
        "id": rid("Binary", key),
        "contentType": mime,
        "data": base64.b64encode(data).decode("ascii"),
    }
    attachment = base | {"url": urn(builder.add(binary)), "size": len(data), "hash": sha1(data)}
    return {"attachment": attachment, "format": {"system": REFDOC_CONTENT, "code": form}}


def _document_reference(
    document: Document, path: str, state: MapState, builder: BundleBuilder, rid: Rid, budget: Budget
) -> JsonDict | None:
    ref_doc = document.ref_doc
    base = _base_attachment(ref_doc)
    contents = [
        _content(value, f"{path}/Content[{n}]", base, builder, rid, budget, f"{path}/RefDoc/Content")
        for n, value in enumerate(ref_doc.contents, start=1)
    ]
    if ref_doc.file_reference:
        attachment = base | {"url": ref_doc.file_reference}
        format_ = {"system": REFDOC_CONTENT, "code": "file-reference"}
        contents.append({"attachment": attachment, "format": format_})
    if not contents:
        state.not_mapped(path, "a Document with neither Content nor FileReference")
        return None
    resource: JsonDict = {
        "resourceType": "DocumentReference",
        "id": rid("DocumentReference", path),
        "status": "current",
    }
    if ref_doc.id:
        resource["masterIdentifier"] = {"system": REFDOC_ID, "value": ref_doc.id}
    categories = [
        state.coding(ref_doc.msg_type, "8114", f"{path}/RefDoc/MsgType"),
        state.any_coding(document.content_category, None, "contentcategory", f"{path}/ContentCategory"),
    ]
    if found := [{"coding": [c]} for c in categories if c]:
        resource["category"] = found
    if kind := state.any_coding(document.content_type, None, "contenttype", f"{path}/ContentType"):
        resource["type"] = {"coding": [kind]}
    if document.content_description:
        resource["description"] = document.content_description
    resource["content"] = contents
    period = {k: fhir_datetime(v) for k, v in (("start", document.from_date), ("end", document.to_date)) if v}
    if period:
        resource["context"] = {"period": period}
    extensions: list[JsonDict] = []
    if consent := state.coding(document.consent, "3109", f"{path}/Consent"):
        extensions.append({"url": EXT_CONSENT, "valueCoding": consent})
    if rest := document_rest(document, state, path, FURTHER_FACTS):
        extensions.append(rest)
    if extensions:
        resource["extension"] = extensions
    return resource


# --------------------------------------------------------------------------------------------- out


def further_documents(view: BundleView) -> tuple[Document, ...]:
    """The DocumentReferences of the Bundle (focus order, then entry order) and the inline
    attachments of the Communications in focus → Documents after the main one."""
    budget = Budget()
    in_focus = [r for r in view.focus() if r.get("resourceType") == "DocumentReference"]
    rest = [r for r in view.of_type("DocumentReference") if not any(r is f for f in in_focus)]
    out = [_document(view, resource, budget) for resource in in_focus + rest]
    for communication in (r for r in view.focus() if r.get("resourceType") == "Communication"):
        for index, item in enumerate(as_list(communication.get("payload"))):
            attachment = as_dict(item.get("contentAttachment"))
            if attachment:
                where = f"Communication/{communication.get('id')}/payload/{index}/contentAttachment"
                out.append(_from_attachment(view, attachment, budget, where))
    return tuple(out)


def _form(content: JsonDict) -> str | None:
    format_ = as_dict(content.get("format"))
    return text_of(format_.get("code")) if format_.get("system") == REFDOC_CONTENT else None


def _bytes(view: BundleView, attachment: JsonDict, where: str) -> bytes | None:
    """The bytes of an attachment: inline ``data``, or the Binary its url points at; None for an
    address outside the Bundle (a FileReference)."""
    data = attachment.get("data")
    if data is None:
        url = text_of(attachment.get("url"))
        binary = view.resolve(url) if url else None
        if binary is None:
            if url and url.startswith("urn:"):
                raise _invalid(f"attachment url {url} points at nothing in the Bundle", where)
            return None
        if binary.get("resourceType") != "Binary":
            raise _invalid(f"attachment url {url} points at a {binary.get('resourceType')}", where)
        data = binary.get("data")
    try:
        raw = base64.b64decode("".join(str(data or "").split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _invalid(f"attachment data is not base64: {exc}", where) from exc
    size, digest = attachment.get("size"), text_of(attachment.get("hash"))
    if (size is not None and size != len(raw)) or (digest and digest != sha1(raw)):
        raise _invalid("attachment data does not match its size or hash", where)
    return raw


def _value(
    view: BundleView, content: JsonDict, budget: Budget, where: str
) -> Payload | Attachment | str | None:
    """One content: a Payload (format xml), an Attachment, or the address of a FileReference."""
    attachment = as_dict(content.get("attachment"))
    form = _form(content)
    if form == "file-reference":
        return text_of(attachment.get("url"))
    data = _bytes(view, attachment, where)
    if data is None:
        return text_of(attachment.get("url"))
    budget.take(len(data), where)
    if form == "xml":
        try:
            return payload_of(parse_xml(data))
        except GatewayError as exc:
            raise _invalid(f"the embedded XML document does not parse: {exc}", where) from exc
    return Attachment(mime_type=text_of(attachment.get("contentType")), data=data)


def _msg_type(resource: JsonDict, values: list[Payload | Attachment | str]) -> Code:
    for concept in as_list(resource.get("category")):
        for coding in as_list(concept.get("coding")):
            if coding.get("system") == REFDOC_MSG_TYPE and text_of(coding.get("code")):
                return Code(v=text_of(coding.get("code")), dn=text_of(coding.get("display")))
    only_xml = values and all(isinstance(v, Payload) for v in values)
    return XML_TYPE if only_xml else ATTACHMENT_TYPE


def _content_category(resource: JsonDict) -> Code | None:
    for concept in as_list(resource.get("category")):
        codings = [c for c in as_list(concept.get("coding")) if c.get("system") != REFDOC_MSG_TYPE]
        if codings:
            return kith_out.code_of({"coding": codings}, "")
    return None


def _document(view: BundleView, resource: JsonDict, budget: Budget) -> Document:
    where = f"DocumentReference/{resource.get('id')}"
    contents = as_list(resource.get("content"))
    values = [_value(view, c, budget, f"{where}/content/{n}") for n, c in enumerate(contents)]
    found = [v for v in values if v is not None]
    inline = [v for v in found if not isinstance(v, str)]
    addresses = [v for v in found if isinstance(v, str)]
    if not found or (inline and addresses) or len(addresses) > 1:
        raise _invalid(
            "a DocumentReference becomes one RefDoc: Content (data) or one FileReference, not both",
            where,
        )
    first = as_dict(contents[0].get("attachment")) if contents else {}
    master = as_dict(resource.get("masterIdentifier"))
    ref_doc = RefDoc(
        msg_type=_msg_type(resource, found),
        issue_date=text_of(first.get("creation")),
        id=text_of(master.get("value")),
        mime_type=text_of(first.get("contentType")),
        description=text_of(first.get("title")),
        file_reference=addresses[0] if addresses else None,
        content=inline[0] if inline else None,
        more_content=tuple(inline[1:]),
    )
    period = as_dict(as_dict(resource.get("context")).get("period"))
    document = Document(
        ref_doc=ref_doc,
        content_type=kith_out.code_of(resource.get("type"), ""),
        content_description=text_of(resource.get("description")),
        content_category=_content_category(resource),
        consent=consent_of(resource),
        from_date=text_of(period.get("start")),
        to_date=text_of(period.get("end")),
    )
    return with_rest(document, rest_of(resource))


def _from_attachment(view: BundleView, attachment: JsonDict, budget: Budget, where: str) -> Document:
    """An inline ``Communication.payload.contentAttachment`` (a Bundle born in FHIR) → a Vedlegg."""
    value = _value(view, {"attachment": attachment}, budget, where)
    if value is None:
        raise _invalid("an attachment needs data, a Binary or a url", where)
    ref_doc = RefDoc(
        msg_type=ATTACHMENT_TYPE,
        issue_date=text_of(attachment.get("creation")),
        mime_type=text_of(attachment.get("contentType")),
        description=text_of(attachment.get("title")),
        file_reference=value if isinstance(value, str) else None,
        content=None if isinstance(value, str) else value,
    )
    return Document(ref_doc=ref_doc)
