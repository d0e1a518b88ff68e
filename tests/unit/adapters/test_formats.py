"""The FORMATS registry: every format name has its record, and detection reads real samples right."""

from __future__ import annotations

from pathlib import Path

import pytest

from samband.adapters.formats import FORMATS, detect, families, payload_format, read_envelope, source_format
from samband.kernel.errors import ParseError, UnsupportedMessage
from samband.kernel.formats import PAYLOAD_FAMILIES, ROUTE_SOURCES, TRANSLATABLE, Format
from tests.conftest import ROOT, SAMPLES

MESSAGES = ROOT / "tests" / "messages"

KNOWN = [
    (SAMPLES / "plo" / "1_6" / "Orientering_om_tjenestetilbud_v1-6_Ny.xml", Format.MSGHEAD, Format.PLO),
    (
        SAMPLES / "dialogmelding" / "nav" / "dialogmelding_dialog_notat.xml",
        Format.MSGHEAD,
        Format.DIALOGMELDING,
    ),
    (SAMPLES / "adresseregister" / "CommunicationDetails_93238.xml", Format.ADRESSEREGISTER, None),
    (MESSAGES / "ip-export" / "valid" / "kari-active.json", Format.IP_EXPORT, Format.IP_EXPORT),
    (MESSAGES / "ip-export" / "valid" / "kari-active.xml", Format.IP_EXPORT, Format.IP_EXPORT),
    (
        ROOT / "tests" / "golden" / "fhir_to_plo" / "careplan_handbuilt" / "input.json",
        Format.FHIR,
        Format.FHIR,
    ),
]


def test_every_format_but_as_is_has_a_record() -> None:
    assert set(FORMATS) == set(Format) - {Format.AS_IS}


def test_every_detectable_format_validates_and_every_routable_one_has_an_envelope() -> None:
    for name, steps in FORMATS.items():
        if steps.detect is not None:
            assert steps.validate is not None, name
    for name in (Format.EBXML, Format.MSGHEAD, Format.APPREC, Format.FHIR, Format.IP_EXPORT):
        assert FORMATS[name].envelope is not None, name
    for name in TRANSLATABLE:
        assert FORMATS[name].parse is not None and FORMATS[name].serialize is not None, name


def test_payload_families_arrive_inside_a_hodemelding() -> None:
    for family in PAYLOAD_FAMILIES:
        assert FORMATS[family].detect is None and FORMATS[family].envelope is None
    assert families(Format.EBXML) == families(Format.MSGHEAD) == PAYLOAD_FAMILIES
    assert families(Format.FHIR) == (Format.FHIR,)
    assert set(ROUTE_SOURCES) <= set(FORMATS)


@pytest.mark.parametrize(("path", "kind", "source"), KNOWN, ids=lambda v: getattr(v, "name", str(v)))
def test_detection_and_what_a_document_is_translated_as(
    path: Path, kind: Format, source: Format | None
) -> None:
    raw = path.read_bytes()
    assert detect(raw) is kind
    if source is not None:
        assert source_format(raw) is source


def test_a_hodemelding_keeps_its_payload_namespace_in_the_envelope() -> None:
    raw = (SAMPLES / "plo" / "1_5" / "Innleggelsesrapport_v1-5_Ny.xml").read_bytes()
    kind, envelope = read_envelope(raw)
    assert kind is Format.MSGHEAD and payload_format(envelope.namespace) is Format.PLO
    assert payload_format("http://hl7.org/fhir") is None and payload_format(None) is None


def test_unknown_documents_get_coded_errors() -> None:
    with pytest.raises(ParseError) as empty:
        detect(b"  \n")
    assert empty.value.code == "document.empty"
    with pytest.raises(UnsupportedMessage) as unknown:
        detect(b'{"hello": "world"}')
    assert unknown.value.code == "message.unknown-json"
    with pytest.raises(UnsupportedMessage) as no_envelope:
        read_envelope((SAMPLES / "adresseregister" / "CommunicationDetails_93238.xml").read_bytes())
    assert no_envelope.value.code == "message.no-envelope"
