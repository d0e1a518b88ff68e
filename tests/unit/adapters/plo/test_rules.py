"""PLO rules beyond the XSD, unsupported payloads, and the Hodemelding payload registry entries."""

from __future__ import annotations

import pytest
from lxml import etree

from samband.adapters.msghead.payloads import PAYLOADS
from samband.adapters.plo import PLO_PAYLOADS, PloMessage, parse_plo, validate_plo
from samband.adapters.plo.parse import MSGHEAD_NS
from samband.adapters.xml.safe import parse_xml
from samband.kernel.errors import ParseError, UnsupportedMessage
from samband.kernel.problems import Problem, Severity
from tests.conftest import SAMPLES

V16 = SAMPLES / "plo" / "1_6"
PO = "{http://www.kith.no/xmlstds/po/poKomponent/2012-04-01}"

pytestmark = pytest.mark.skipif(not V16.is_dir(), reason="PLO 1.6 samples not found")


def _sample(name: str) -> etree._Element:
    return parse_xml((V16 / name).read_bytes())


def _status(root: etree._Element) -> etree._Element:
    return next(root.iter(f"{PO}Forsendelsesstatus"))


def _rules(findings: list[Problem]) -> dict[str, Problem]:
    return {f.code: f for f in findings}


def test_invalid_forsendelsesstatus_gives_an_error_with_xpath_and_line() -> None:
    root = _sample("Orientering_om_tjenestetilbud_v1-6_Ny.xml")
    _status(root).set("V", "Z")
    finding = _rules(validate_plo(etree.tostring(root)))["plo.forsendelsesstatus"]
    assert finding.severity is Severity.ERROR
    assert finding.path is not None
    assert finding.path.endswith("OrienteringOmTjenestetilbud/InformasjonOmForsendelsen/Forsendelsesstatus")
    assert finding.line is not None and finding.line > 1
    assert "'Z'" in finding.text


def test_missing_forsendelsesstatus_is_an_error() -> None:
    root = _sample("Pasientlogistikk_Innlagt_pasient_v1-6_Ny.xml")
    status = _status(root)
    status.getparent().remove(status)
    finding = _rules(validate_plo(root))["plo.forsendelsesstatus"]
    assert finding.severity is Severity.ERROR
    assert finding.path is not None and finding.path.endswith("InformasjonOmForsendelsen")


def test_cancellation_without_conversation_ref_is_a_warning() -> None:
    root = _sample("Pasientlogistikk_Innlagt_pasient_v1-6_Kansellering.xml")
    assert validate_plo(root) == []
    ref = root.find(f"{{{MSGHEAD_NS}}}MsgInfo/{{{MSGHEAD_NS}}}ConversationRef")
    assert ref is not None
    ref.getparent().remove(ref)
    finding = _rules(validate_plo(root))["plo.conversation-ref"]
    assert finding.severity is Severity.WARNING


def test_unknown_iplos_codes_and_scale_are_warnings() -> None:
    root = _sample("Helseopplysninger_til_lege_v1-6_Ny.xml")
    variable = next(root.iter(f"{PO}Funksjonsvariabel"))
    variable.set("V", "99")
    next(root.iter(f"{PO}Vurdering")).text = "7"
    rules = _rules(validate_plo(root))
    assert rules["plo.iplos-funksjonsvariabel"].severity is Severity.WARNING
    assert "'99'" in rules["plo.iplos-funksjonsvariabel"].text
    assert rules["plo.iplos-vurdering"].severity is Severity.WARNING


def test_wrong_code_system_for_tjenestetype_is_a_warning() -> None:
    root = _sample("Orientering_om_tjenestetilbud_v1-6_Ny.xml")
    next(root.iter(f"{PO}IPLOStjenestetype")).set("S", "2.16.578.1.12.4.1.1.9999")
    assert "plo.iplos-tjenestetype" in _rules(validate_plo(root))


def test_logistics_event_without_its_hendelsekode_is_a_warning() -> None:
    root = _sample("Pasientlogistikk_Orientering_om_dodsfall_v1-6_Ny.xml")
    next(root.iter(f"{PO}Hendelsekode")).set("V", "1")
    finding = _rules(validate_plo(root))["plo.logistikk-hendelse"]
    assert "OrienteringOmDod" in finding.text and "13" in finding.text


def test_msginfo_type_that_does_not_match_the_payload_is_a_warning() -> None:
    root = _sample("Pasientlogistikk_Orientering_om_dodsfall_v1-6_Ny.xml")
    type_el = root.find(f"{{{MSGHEAD_NS}}}MsgInfo/{{{MSGHEAD_NS}}}Type")
    assert type_el is not None
    type_el.set("V", "LOG_INNLAGT")
    assert "LOG_DOD" in _rules(validate_plo(root))["plo.msginfo-type"].text


def test_unknown_plo_namespace_is_unsupported_with_the_namespace_named() -> None:
    raw = b'<Konsultasjon xmlns="http://www.kith.no/xmlstds/po/Konsultasjon/2001-01-01"/>'
    with pytest.raises(UnsupportedMessage) as caught:
        parse_plo(raw)
    assert caught.value.code == "plo.unsupported-namespace"
    assert "http://www.kith.no/xmlstds/po/Konsultasjon/2001-01-01" in str(caught.value)
    assert caught.value.received == "{http://www.kith.no/xmlstds/po/Konsultasjon/2001-01-01}Konsultasjon"
    finding = validate_plo(raw)[0]
    assert finding.code == "plo.unsupported-namespace" and finding.severity is Severity.ERROR


def test_known_namespace_with_wrong_root_is_unsupported() -> None:
    raw = b'<Other xmlns="http://www.kith.no/xmlstds/po/Pasientlogistikk/2012-04-01"/>'
    with pytest.raises(UnsupportedMessage) as caught:
        parse_plo(raw)
    assert caught.value.code == "plo.unexpected-root"


def test_pasientlogistikk_without_event_element_is_unsupported() -> None:
    root = _sample("Pasientlogistikk_Innlagt_pasient_v1-6_Ny.xml")
    event = next(
        root.iter("{http://www.kith.no/xmlstds/po/Pasientlogistikk/2012-04-01}MeldingInnlagtPasient")
    )
    event.getparent().remove(event)
    with pytest.raises(UnsupportedMessage) as caught:
        parse_plo(root)
    assert caught.value.code == "plo.unknown-logistikk"
    assert caught.value.where is not None and caught.value.where.endswith("Pasientlogistikk")


def test_msghead_with_a_dialogmelding_payload_is_not_plo() -> None:
    path = SAMPLES / "dialogmelding" / "sarepta-plo-testcases"
    sample = sorted(path.glob("*.xml"))[0] if path.is_dir() else None
    if sample is None:
        pytest.skip("Dialogmelding samples not found")
    with pytest.raises(UnsupportedMessage) as caught:
        parse_plo(sample.read_bytes())
    assert "http://www.kith.no/xmlstds/dialog/" in str(caught.value)


def test_msghead_without_payload_is_a_parse_error() -> None:
    raw = f'<MsgHead xmlns="{MSGHEAD_NS}"><MsgInfo/></MsgHead>'.encode()
    with pytest.raises(ParseError) as caught:
        parse_plo(raw)
    assert caught.value.code == "plo.no-payload"


def test_every_plo_namespace_is_registered_for_the_hodemelding() -> None:
    assert set(PLO_PAYLOADS) <= set(PAYLOADS)
    versions = {adapter.version for adapter in PLO_PAYLOADS.values()}
    assert versions == {"1.5", "1.6", "2.0"}
    logistikk = PAYLOADS["http://www.kith.no/xmlstds/po/Pasientlogistikk/2012-04-01"]
    assert "LOG_DOD" in logistikk.message_types and "LOG_TILBAKEMELDING" not in logistikk.message_types


def test_registry_adapter_parses_serializes_and_validates_in_place() -> None:
    root = _sample("Utskrivningsrapport_v1-6_Kansellering.xml")
    payload = next(
        root.iter("{http://www.kith.no/xmlstds/po/TverrfagligEpikrise/2012-04-01}TverrfagligEpikrise")
    )
    adapter = PAYLOADS["http://www.kith.no/xmlstds/po/TverrfagligEpikrise/2012-04-01"]
    model = adapter.parse(payload)
    assert isinstance(model, PloMessage) and model.kind == "UTSKRIVNINGSRAPPORT"
    assert parse_plo(adapter.serialize(model)) == model
    assert adapter.validate(payload) == []
    ref = root.find(f"{{{MSGHEAD_NS}}}MsgInfo/{{{MSGHEAD_NS}}}ConversationRef")
    ref.getparent().remove(ref)
    assert [f.code for f in adapter.validate(payload)] == ["plo.conversation-ref"]


def test_iplos_score_nine_means_not_relevant_and_is_accepted() -> None:
    root = _sample("Helseopplysninger_til_lege_v1-6_Ny.xml")
    next(root.iter(f"{PO}Vurdering")).text = "9"
    assert "plo.iplos-vurdering" not in _rules(validate_plo(root))


def _fravar_in_a_hodemelding(msg_type: str) -> etree._Element:
    """A 1.5 Hodemelding whose payload is a (minimal) MeldingFravar, typed ``msg_type``."""
    root = parse_xml((SAMPLES / "plo" / "1_5" / "Innleggelsesrapport_v1-5_Ny.xml").read_bytes())
    content = root.find(f".//{{{MSGHEAD_NS}}}Content")
    assert content is not None
    ns = "http://www.kith.no/xmlstds/po/MeldingFravar/2009-06-30"
    po = "http://www.kith.no/xmlstds/po/poKomponent/2009-06-30"
    fravar = etree.SubElement(content, f"{{{ns}}}MeldingFravar")
    info = etree.SubElement(fravar, f"{{{po}}}InformasjonOmForsendelsen")
    etree.SubElement(info, f"{{{po}}}Forsendelsesstatus", V="N")
    content.remove(content[0])
    type_el = root.find(f"{{{MSGHEAD_NS}}}MsgInfo/{{{MSGHEAD_NS}}}Type")
    assert type_el is not None
    type_el.set("V", msg_type)
    return root


@pytest.mark.parametrize("msg_type", ["FRAVARSMELDING", "MELDING_FRAVAR"])
def test_melding_om_fravaer_is_typed_fravarsmelding_and_its_old_name_is_an_alias(msg_type: str) -> None:
    assert "plo.msginfo-type" not in _rules(validate_plo(_fravar_in_a_hodemelding(msg_type)))
    assert {"FRAVARSMELDING", "MELDING_FRAVAR"} <= PLO_PAYLOADS[
        "http://www.kith.no/xmlstds/po/MeldingFravar/2009-06-30"
    ].message_types


def test_another_type_on_melding_om_fravaer_names_the_published_type() -> None:
    found = _rules(validate_plo(_fravar_in_a_hodemelding("LOG_INNLAGT")))["plo.msginfo-type"]
    assert "FRAVARSMELDING" in found.text
