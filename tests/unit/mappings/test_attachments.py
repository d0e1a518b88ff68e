"""Further documents (mappings/README.md «Attachments and further documents»): a PDF and a JPEG of a PLO
message, the attachments of a Dialogmelding and an embedded eResept come back byte for byte (the XML
canonically equal), with MIME type and description; what cannot be carried is refused with a code.
"""

from __future__ import annotations

import base64
import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from samband.adapters.msghead.model import Attachment, Payload
from samband.adapters.msghead.parse import parse_msghead
from samband.adapters.xml.safe import parse_xml
from samband.kernel.errors import MappingError
from samband.mappings.base import fixed_context
from samband.mappings.common.attachments import MAX_ATTACHMENT_BYTES, MAX_TOTAL_BYTES
from samband.mappings.common.view import BundleView
from samband.mappings.registry import from_fhir, to_fhir
from tests.conftest import SAMPLES
from tests.messages.dialogmelding.generate import helsenorge_message, jpeg, pdf

TESTS = Path(__file__).resolve().parents[2]
PLO_WITH_ATTACHMENTS = TESTS / "messages" / "plo" / "helseopplysninger_lege_vedlegg_1_6.xml"
RESEPTFORNYELSE = SAMPLES / "msghead" / "helsenorge" / "DIALOG_INNBYGGER_RESEPTFORNYELSE.xml"


def _bundle(raw: bytes) -> dict[str, Any]:
    return copy.deepcopy(to_fhir(raw, fixed_context()).result)


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_fixture_attachments_are_a_real_pdf_and_jpeg() -> None:
    assert pdf("x").startswith(b"%PDF-1.4") and pdf("x").rstrip().endswith(b"%%EOF")
    assert jpeg()[:2] == b"\xff\xd8" and jpeg()[-2:] == b"\xff\xd9"


def test_plo_pdf_and_jpeg_come_back_byte_identical() -> None:
    raw = PLO_WITH_ATTACHMENTS.read_bytes()
    bundle = _bundle(raw)
    documents = _of(bundle, "DocumentReference")
    assert [d["content"][0]["attachment"]["contentType"] for d in documents] == [
        "application/pdf",
        "image/jpeg",
    ]
    focus = [f["reference"] for f in bundle["entry"][0]["resource"]["focus"]]
    assert [f"urn:uuid:{d['id']}" for d in documents] == focus[-2:]
    binaries = {f"urn:uuid:{b['id']}": base64.b64decode(b["data"]) for b in _of(bundle, "Binary")}
    assert [binaries[d["content"][0]["attachment"]["url"]] for d in documents] == [pdf("Sarjournal"), jpeg()]
    back = parse_msghead(from_fhir(bundle, "plo", fixed_context()).result)
    before = parse_msghead(raw)
    assert back.msg_type == before.msg_type == "HELSEOPPLYSNINGER_LEGE"
    facts = [(d.ref_doc.mime_type, d.ref_doc.description, d.ref_doc.issue_date) for d in back.documents[1:]]
    assert facts == [
        ("application/pdf", "Sårjournal uke 17", "2024-04-29T10:00:00+02:00"),
        ("image/jpeg", "Foto av sår", "2024-04-29T10:05:00+02:00"),
    ]
    contents = [d.ref_doc.content for d in back.documents[1:]]
    assert contents == [Attachment("application/pdf", pdf("Sarjournal")), Attachment("image/jpeg", jpeg())]
    assert contents == [d.ref_doc.content for d in before.documents[1:]]


def test_dialog_attachments_and_file_reference_come_back() -> None:
    raw = helsenorge_message("DIALOG_INNBYGGER_HELSEPERSONELL")
    back = parse_msghead(from_fhir(_bundle(raw), "dialogmelding", fixed_context()).result)
    before = parse_msghead(raw)
    assert back.documents[1:] == before.documents[1:]
    assert back.documents[2].ref_doc.file_reference == "https://dokumenter.test.invalid/behandlingsplan.pdf"


def _canonical(element: etree._Element) -> bytes:
    return bytes(etree.tostring(element, method="c14n"))


def test_an_embedded_prescription_comes_back_as_the_same_xml() -> None:
    if not RESEPTFORNYELSE.is_file():
        pytest.skip(f"reference sample not found: {RESEPTFORNYELSE}")
    raw = RESEPTFORNYELSE.read_bytes()
    bundle = _bundle(raw)
    (first, second) = _of(bundle, "DocumentReference")
    assert first["content"][0]["format"]["code"] == "xml"
    back = parse_msghead(from_fhir(bundle, "dialogmelding", fixed_context()).result)
    before = parse_msghead(raw)
    for was, now in zip(before.documents[1:], back.documents[1:], strict=True):
        assert isinstance(was.ref_doc.content, Payload) and isinstance(now.ref_doc.content, Payload)
        assert now.ref_doc.content.root == "Resept"
        assert _canonical(parse_xml(now.ref_doc.content.xml)) == _canonical(
            parse_xml(was.ref_doc.content.xml)
        )
        assert now.ref_doc.msg_type.v == "XML"


def _with_binary(data: bytes, copies: int = 1) -> dict[str, Any]:
    """The PLO fixture's Bundle with its first attachment's bytes replaced (size and hash dropped)."""
    bundle = _bundle(PLO_WITH_ATTACHMENTS.read_bytes())
    documents = _of(bundle, "DocumentReference")
    view = BundleView.of(bundle)
    for document in documents[:copies]:
        attachment = document["content"][0]["attachment"]
        binary = view.resolve(attachment["url"])
        assert binary is not None
        binary["data"] = base64.b64encode(data).decode("ascii")
        del attachment["size"], attachment["hash"]
    return bundle


def test_an_attachment_over_the_limit_is_refused() -> None:
    with pytest.raises(MappingError) as caught:
        from_fhir(_with_binary(b"\0" * (MAX_ATTACHMENT_BYTES + 1)), "plo", fixed_context())
    assert caught.value.code == "mapping.attachment-too-large"


def test_attachments_over_the_total_are_refused() -> None:
    each = MAX_TOTAL_BYTES // 2 + 1
    assert each <= MAX_ATTACHMENT_BYTES
    with pytest.raises(MappingError) as caught:
        from_fhir(_with_binary(b"\0" * each, copies=2), "plo", fixed_context())
    assert caught.value.code == "mapping.attachment-too-large"


def test_bytes_that_do_not_match_their_hash_are_refused() -> None:
    bundle = _bundle(PLO_WITH_ATTACHMENTS.read_bytes())
    binary = _of(bundle, "Binary")[0]
    binary["data"] = base64.b64encode(b"another file").decode("ascii")
    with pytest.raises(MappingError) as caught:
        from_fhir(bundle, "plo", fixed_context())
    assert caught.value.code == "mapping.attachment-invalid"


def test_an_attachment_pointing_at_nothing_is_refused() -> None:
    bundle = _bundle(PLO_WITH_ATTACHMENTS.read_bytes())
    _of(bundle, "DocumentReference")[0]["content"][0]["attachment"]["url"] = (
        "urn:uuid:00000000-0000-4000-8000-000000000000"
    )
    with pytest.raises(MappingError) as caught:
        from_fhir(bundle, "plo", fixed_context())
    assert caught.value.code == "mapping.attachment-invalid"


def test_an_inline_attachment_of_a_communication_born_in_fhir_is_a_vedlegg() -> None:
    bundle = _bundle(helsenorge_message("DIALOG_INNBYGGER_MELDINGSFORMIDLING"))
    (note,) = _of(bundle, "Communication")
    data = pdf("Brev")
    note["payload"].append(
        {
            "contentAttachment": {
                "contentType": "application/pdf",
                "title": "Brev",
                "data": base64.b64encode(data).decode("ascii"),
            }
        }
    )
    back = parse_msghead(from_fhir(bundle, "dialogmelding", fixed_context()).result)
    (document,) = back.documents[1:]
    assert (document.ref_doc.msg_type.v, document.ref_doc.description) == ("A", "Brev")
    assert document.ref_doc.content == Attachment("application/pdf", data)


def test_every_document_fact_comes_back() -> None:
    raw = helsenorge_message("DIALOG_INNBYGGER_FINN_DOKUMENTER")
    bundle = _bundle(raw)
    (document,) = _of(bundle, "DocumentReference")
    assert document["type"]["coding"][0]["code"] == "LISTE"
    assert document["masterIdentifier"]["value"] == "DOK-LISTE-17"
    back = parse_msghead(from_fhir(bundle, "dialogmelding", fixed_context()).result)
    before = parse_msghead(raw)
    assert back.documents[1:] == before.documents[1:]
    main_before, main_after = before.documents[0], back.documents[0]
    assert replace(main_after, ref_doc=replace(main_after.ref_doc, content=None)) == replace(
        main_before, ref_doc=replace(main_before.ref_doc, content=None)
    )
