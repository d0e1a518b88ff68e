"""Dialogmelding 1.0 and 1.1: content read from the samples, markup kept, registry entries, payload rules."""

from __future__ import annotations

from samband.adapters.dialogmelding import (
    DIALOG_10_NS,
    DIALOG_11_NS,
    Dialogmelding,
    Foresporsel,
    RichText,
    parse_dialogmelding,
    serialize_dialogmelding,
)
from samband.adapters.msghead import PAYLOADS, Code, parse_msghead, parse_payload, payload_element
from samband.adapters.msghead.payloads import payload_of
from samband.adapters.xml.safe import parse_xml
from samband.adapters.xml.schemas import compiled_schema
from samband.kernel.problems import Severity
from tests.conftest import SAMPLES

SAREPTA = SAMPLES / "dialogmelding" / "sarepta"


def _payload(path: str) -> Dialogmelding:
    model = parse_msghead((SAMPLES / path).read_bytes())
    assert model.payload is not None
    result = parse_payload(model.payload)
    assert isinstance(result, Dialogmelding)
    return result


def test_registry_holds_both_versions_with_their_message_types() -> None:
    assert PAYLOADS[DIALOG_10_NS].version == "1.0" and PAYLOADS[DIALOG_11_NS].version == "1.1"
    assert "DIALOG_SVAR" in PAYLOADS[DIALOG_10_NS].message_types
    assert "DIALOG_HELSEFAGLIG" in PAYLOADS[DIALOG_11_NS].message_types
    assert "DIALOG_HELSEFAGLIG" not in PAYLOADS[DIALOG_10_NS].message_types


def test_svar_1_0_carries_the_answered_question() -> None:
    dialog = _payload("dialogmelding/sarepta/Dialogmelding-v1-0/Dialogmelding_svar_foresporsel_PLO_v1-0.xml")
    assert dialog.version == "1.0"
    notat = dialog.notater[0]
    assert notat.tema_kodet.s == "2.16.578.1.12.4.1.1.9069"
    assert notat.foresporsel is not None and notat.foresporsel.type_foresp.v
    assert notat.tekst_notat_innhold is not None and notat.tekst_notat_innhold.text.strip()


def test_helsefaglig_1_1_reads_notat_and_related_professional() -> None:
    dialog = _payload("dialogmelding/sarepta/Dialogmelding-v1-1/Helsefaglig dialog.xml")
    notat = dialog.notater[0]
    assert (notat.tema_kodet.v, notat.tema) == ("6", "EKG tatt i dag")
    hp = notat.roller[0].healthcare_professional
    assert hp is not None and hp.family_name == "Lin" and hp.hpr == "258521"
    assert hp.telecoms[0].address == "tel:12345678"


def test_xhtml_markup_in_sporsmal_is_kept_through_a_round_trip() -> None:
    markup = (
        b'<Sporsmal xmlns="http://www.kith.no/xmlstds/dialog/2013-01-23">'
        b'Se <b xmlns="">dette</b> punkt</Sporsmal>'
    )
    dialog = Dialogmelding(
        version="1.1",
        foresporsler=(Foresporsel(type_foresp=Code.of("99", "Annen henvendelse", 9152),
                                  sporsmal=RichText("Se dette punkt", markup)),),
    )  # fmt: skip
    element = serialize_dialogmelding(dialog)
    assert compiled_schema({DIALOG_11_NS}).validate(element)
    again = parse_dialogmelding(parse_xml(payload_of(element).xml))
    sporsmal = again.foresporsler[0].sporsmal
    assert sporsmal is not None and sporsmal.text == "Se dette punkt" and sporsmal.markup is not None
    assert b"<b" in sporsmal.markup
    assert again == parse_dialogmelding(serialize_dialogmelding(again))


def test_payload_rules_flag_missing_content_and_code_system() -> None:
    empty = Dialogmelding(version="1.0")
    rules = PAYLOADS[DIALOG_10_NS].validate(serialize_dialogmelding(empty))
    assert [(f.code, f.severity) for f in rules] == [("dialogmelding.empty", Severity.WARNING)]
    no_system = Dialogmelding(version="1.0", foresporsler=(Foresporsel(type_foresp=Code(v="1")),))
    findings = PAYLOADS[DIALOG_10_NS].validate(serialize_dialogmelding(no_system))
    assert [f.code for f in findings] == ["dialogmelding.code-system-missing"]
    assert findings[0].path == "/Dialogmelding/Foresporsel/TypeForesp"


def test_payload_element_gives_a_fresh_element_of_the_payload() -> None:
    model = parse_msghead((SAREPTA / "Dialogmelding-v1-0" / "Dialogmelding_avvik_v1-0.xml").read_bytes())
    assert model.payload is not None
    element = payload_element(model.payload)
    assert element.tag == f"{{{DIALOG_10_NS}}}Dialogmelding" and element.getparent() is None


def test_tilknyttet_enhet_and_person_roles_are_schema_valid_and_read_back() -> None:
    from samband.adapters.dialogmelding import Notat, RollerRelatertNotat, TilknyttetEnhet
    from samband.adapters.msghead import Ident, Organisation, Person

    her = Code.of("HER", "HER-id", 9051)
    enhet = TilknyttetEnhet(
        kontaktenhet=Organisation(
            name="Testvik kommune",
            type_organisation=Code.of("KO", "Kommune", 9040),
            idents=(Ident("990001", her),),
            organisation=Organisation(name="Koordinerende enhet", idents=(Ident("990004", her),)),
        ),
        merknad="Koordinator for individuell plan",
        person=Person(given_name="Siri", family_name="Koordinatorsen"),
    )
    roles = (
        RollerRelatertNotat(rolle_notat=Code.of("3", "Koordinator", 9057), tilknyttet_enhet=enhet),
        RollerRelatertNotat(role_to_patient=Code.of("1", "Pårørende", 9034), person=Person(given_name="Per")),
    )
    dialog = Dialogmelding(
        version="1.1",
        notater=(Notat(tema_kodet=Code.of("6", "Henvendelse om pasient", 7322), roller=roles),),
    )
    element = serialize_dialogmelding(dialog)
    schema = compiled_schema({DIALOG_11_NS})
    assert schema.validate(element), schema.error_log
    assert parse_dialogmelding(element) == dialog
    kontakt = element.find(".//{*}Kontaktenhet")
    assert (
        kontakt is not None
        and kontakt[0].tag == "{http://www.kith.no/xmlstds/felleskomponent1}TypeOrganisation"
    )
