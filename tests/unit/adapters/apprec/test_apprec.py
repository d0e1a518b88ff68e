"""AppRec 1.0 and 1.1: samples read and written back, receipts built from scratch, fallback receipts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from samband.adapters.apprec import (
    AppRec,
    build_apprec,
    build_negative_apprec,
    parse_apprec,
    read_envelope,
    serialize_apprec,
    validate_apprec,
)
from samband.adapters.formats import validate
from samband.adapters.msghead import parse_msghead
from samband.adapters.xml.safe import parse_xml
from samband.adapters.xml.schemas import compiled_schema
from samband.kernel.envelope import Envelope
from samband.kernel.errors import DeliveryUnavailable, ParseError, SchemaInvalid, UnsupportedMessage
from samband.kernel.formats import Format
from samband.kernel.problems import Severity
from tests.conftest import SAMPLES
from tests.unit.adapters.msghead.builders import NOW

APPREC_SAMPLES = sorted((SAMPLES / "apprec").rglob("*.xml"))
DIALOG = SAMPLES / "dialogmelding" / "sarepta" / "Dialogmelding-v1-1" / "Helsefaglig dialog.xml"
RECEIPT_ID = "2f1e6a52-7d1b-4b7e-9c55-1a2b3c4d5e6f"


def _schema_valid(raw: bytes, apprec: AppRec) -> None:
    schema = compiled_schema({apprec.namespace})
    assert schema.validate(parse_xml(raw)), schema.error_log


@pytest.mark.parametrize("path", APPREC_SAMPLES, ids=lambda p: p.name)
def test_sample_validates_and_round_trips(path: Path) -> None:
    raw = path.read_bytes()
    assert not [f for f in validate_apprec(raw) if f.severity is Severity.ERROR]
    model = parse_apprec(raw)
    written = serialize_apprec(model)
    assert parse_apprec(written) == model
    _schema_valid(written, model)


def test_nav_error_sample_reads_status_error_and_original() -> None:
    model = parse_apprec((SAMPLES / "apprec" / "nav" / "apprecError.xml").read_bytes())
    assert model.version == "1.0" and model.rejected
    assert [e.v for e in model.errors] == ["X99"]
    assert model.original.msg_type.v == "DIALOG_SVAR"
    assert model.sender.her_id == "79768"  # AdditionalId HER beside the org.nr in Inst/Id
    assert model.receiver.her_id == "1234"  # the GP person (HCPerson AdditionalId HER)


def test_envelope_links_the_receipt_to_the_original_message() -> None:
    envelope = read_envelope((SAMPLES / "apprec" / "helsenorge" / "MetadataTests_Apprec11.xml").read_bytes())
    assert envelope.msg_type == "APPREC" and envelope.version == "1.1"
    assert envelope.parent_ref == "de1a95c0-4d0c-11e7-9598-0800200c9a66"


def test_positive_apprec_1_0_from_scratch_swaps_sender_and_receiver() -> None:
    original = parse_msghead(DIALOG.read_bytes())
    apprec = build_apprec(original, now=NOW, new_id=RECEIPT_ID)
    raw = serialize_apprec(apprec)
    _schema_valid(raw, apprec)
    read = parse_apprec(raw)
    assert read == apprec and read.ok and read.errors == ()
    assert read.sender.her_id == "90998"  # the department the dialog was sent to
    assert read.receiver.her_id == "258521"  # the GP who sent it
    assert read.original.id == original.msg_id and read.original.issue_date == original.msg_info.gen_date


def test_negative_apprec_1_1_from_scratch_has_status_avvist_and_norwegian_text() -> None:
    original = parse_msghead(DIALOG.read_bytes())
    error = SchemaInvalid(
        "Element 'Tema': This element is not expected",
        code="msghead.schema-invalid",
        line=42,
        where="/MsgHead/Document/RefDoc/Content/Dialogmelding/Notat/Tema",
        expected="TemaKodet first",
    )
    apprec = build_negative_apprec(original, error, now=NOW, new_id=RECEIPT_ID, version="1.1")
    raw = serialize_apprec(apprec)
    _schema_valid(raw, apprec)
    assert b"http://www.kith.no/xmlstds/apprec/2012-02-15" in raw and b"<MIGversion>v1.1 2012-02-15" in raw
    error_code = apprec.errors[0]
    assert (apprec.status.v, apprec.status.dn) == ("2", "Avvist")
    assert (error_code.v, error_code.s) == ("T02", "2.16.578.1.12.4.1.1.8221")
    assert error_code.ot is not None
    assert "linje 42" in error_code.ot and "/Notat/Tema" in error_code.ot and "skjema" in error_code.ot


def test_fallback_apprec_for_unreadable_bytes_is_still_schema_valid() -> None:
    error = ParseError("not well-formed XML", code="xml.not-well-formed", line=1, column=7)
    apprec = build_negative_apprec(
        b"\x00\x01 not xml", error, now=NOW, new_id=RECEIPT_ID, gateway_her="970001"
    )
    raw = serialize_apprec(apprec)
    _schema_valid(raw, apprec)
    assert apprec.sender.her_id == "970001"
    assert apprec.original.id == "ukjent" and apprec.original.msg_type.v is None


def test_envelope_only_apprec_uses_known_her_ids_and_ebxml_id() -> None:
    envelope = Envelope(
        msg_id=None, msg_type="PLO_HELSEOPPLYSNINGER", sender_her="123", ebxml_message_id="eb-1"
    )
    apprec = build_negative_apprec(envelope, UnsupportedMessage("x"), now=NOW, new_id=RECEIPT_ID)
    _schema_valid(serialize_apprec(apprec), apprec)
    assert apprec.receiver.her_id == "123" and apprec.original.id == "eb-1"
    assert apprec.errors[0].v == "T10"


def test_transient_errors_get_no_apprec() -> None:
    with pytest.raises(ValueError, match="not answered with an AppRec"):
        build_negative_apprec(Envelope(msg_id=None, msg_type=None), DeliveryUnavailable("down"))


def test_avvist_without_error_is_flagged_on_validate() -> None:
    original = parse_msghead(DIALOG.read_bytes())
    apprec = build_apprec(original, status="2", now=NOW, new_id=RECEIPT_ID)  # Avvist without Error
    findings = validate_apprec(serialize_apprec(apprec))
    assert [f.code for f in findings if f.severity is Severity.ERROR] == ["apprec.error-missing"]


@pytest.mark.parametrize(
    ("gen_date", "issue_date"),
    [
        ("2019-01-16T22:51:35.5317672+01:00", "2019-01-16T22:51:35.5317672+01:00"),
        ("2024-03-01", "2024-03-01T00:00:00"),
        ("i går", "2024-03-01T10:30:00+00:00"),
    ],
)
def test_original_issue_date_is_always_an_xs_datetime(gen_date: str, issue_date: str) -> None:
    original = parse_msghead(DIALOG.read_bytes())
    odd = replace(original, msg_info=replace(original.msg_info, gen_date=gen_date))
    apprec = build_apprec(odd, now=NOW, new_id=RECEIPT_ID)
    assert apprec.original.issue_date == issue_date
    _schema_valid(serialize_apprec(apprec), apprec)


def test_adapter_objects_satisfy_the_adapter_protocol() -> None:
    from samband.adapters.apprec import APPREC_ADAPTER
    from samband.adapters.base import Adapter
    from samband.adapters.msghead import MSGHEAD_ADAPTER
    from samband.kernel.formats import Format

    adapters: list[Adapter[object]] = [MSGHEAD_ADAPTER, APPREC_ADAPTER]
    assert [a.format for a in adapters] == [Format.MSGHEAD, Format.APPREC]
    raw = (SAMPLES / "apprec" / "helsenorge" / "MetadataTests_Apprec10.xml").read_bytes()
    assert APPREC_ADAPTER.serialize(APPREC_ADAPTER.parse(raw)) == serialize_apprec(parse_apprec(raw))
    assert MSGHEAD_ADAPTER.envelope(DIALOG.read_bytes()).receiver_her == "90998"


@pytest.mark.parametrize("path", APPREC_SAMPLES, ids=lambda p: p.name)
def test_one_validate_call_hands_apprecs_to_the_apprec_validator(path: Path) -> None:
    raw = path.read_bytes()
    kind, findings = validate(raw)
    assert (kind, findings) == (Format.APPREC, validate_apprec(raw))
    assert not [f for f in findings if f.severity is Severity.ERROR]
