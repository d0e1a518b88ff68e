"""From-scratch builds of what the gateway sends validate against the official 1.6 XSDs and read back."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from lxml import etree

from samband.adapters.plo import (
    PloMessage,
    UtskrevetTil,
    ansvar,
    build_helseopplysninger_lege,
    build_logistikk,
    build_medisinske_opplysninger,
    build_orientering_tjenestetilbud,
    code,
    diagnose,
    hendelse,
    journalnotat,
    legemiddel,
    new_message,
    parse_plo,
    serialize_plo,
    serialize_plo_bytes,
    tjeneste,
)
from samband.adapters.plo.clinical import (
    InfoKartleggingFunksjonsniva,
    InfoMedisinskDiagnose,
    KartlagtFunksjon,
    MedisinskfagligeOpplysninger,
)
from samband.adapters.xml.schemas import compiled_schema, xsd_findings
from samband.kernel.errors import SchemaInvalid, UnsupportedMessage

M1 = "{http://www.kith.no/xmlstds/epj/meta/2008-02-20}"
RESPONSIBLE = ansvar("Nordmann", "Kari", "9912345", kategori="SP", rolle="9", telefon="12345678")


def _orientering() -> PloMessage:
    services = [
        tjeneste("1", betegnelse="Rengjøring", antall_enheter=Decimal("2"), enhet="timer per uke"),
        tjeneste("15", betegnelse="Hjemmesykepleie", startdato="2024-01-03"),
    ]
    return build_orientering_tjenestetilbud(services, ansvar=(RESPONSIBLE,))


def _lege() -> PloMessage:
    funksjon = InfoKartleggingFunksjonsniva(
        funksjoner=(KartlagtFunksjon(funksjonsvariabel=code("9111", "10"), vurdering=3),)
    )
    notes = MedisinskfagligeOpplysninger(
        journalnotater=(
            journalnotat([(code("9142", "PROB", "Aktuell problemstilling"), "Økt uro om natten")]),
        )
    )
    return build_helseopplysninger_lege(ansvar=(RESPONSIBLE,), medisinskfaglige=notes, funksjonsniva=funksjon)


def _medisinske() -> PloMessage:
    return build_medisinske_opplysninger(
        diagnoser=(InfoMedisinskDiagnose(diagnoser=(diagnose("K77", "Hjertesvikt", hoveddiagnose=True),)),),
        legemidler=(legemiddel("Paracetamol", atc="N02BE01", dosering="1 tablett x 3", start="2024-01-01"),),
    )


def _utskrevet() -> PloMessage:
    home = UtskrevetTil(ut_til=code("8408", "1"), uttilstand=code("8431", "1"))
    return build_logistikk("LOG_UTSKREVET", [hendelse("2", "2024-01-07")], utskrevet_til=home)


BUILDS: dict[str, Callable[[], PloMessage]] = {
    "ORIENTERING_TJENESTETILBUD": _orientering,
    "HELSEOPPLYSNINGER_LEGE": _lege,
    "MEDISINSKE_OPPLYSNINGER": _medisinske,
    "LOG_INNLAGT": lambda: build_logistikk("LOG_INNLAGT", [hendelse("1", "2024-01-01T10:00:00")]),
    "LOG_UTSKRIVNINGSKLAR": lambda: build_logistikk(
        "LOG_UTSKRIVNINGSKLAR", [hendelse("1", "2024-01-01"), hendelse("3", "2024-01-05")]
    ),
    "LOG_AVMELDING": lambda: build_logistikk("LOG_AVMELDING", [hendelse("4", "2024-01-06")]),
    "LOG_UTSKREVET": _utskrevet,
    "LOG_DOD": lambda: build_logistikk("LOG_DOD", [hendelse("13", "2024-01-08T04:30:00")]),
}


@pytest.mark.parametrize("kind", sorted(BUILDS))
def test_build_validates_and_reads_back(kind: str) -> None:
    msg = BUILDS[kind]()
    element = serialize_plo(msg)
    assert xsd_findings(element, compiled_schema([msg.namespace])) == []
    again = parse_plo(serialize_plo_bytes(msg))
    assert again == msg
    assert again.kind == kind and again.version == "1.6" and again.forsendelsesstatus == "N"


def test_epj_components_get_their_required_attributes() -> None:
    element = serialize_plo(_medisinske())
    info = next(element.iter("{http://www.kith.no/xmlstds/epj/epj3/2008-02-20}Legemiddelinfo"))
    assert info.get(f"{M1}komponenttype") == "2.16.578.1.12.4.1.6.13.10301.0"
    assert info.get(f"{M1}basiskomponenttype") == "EPJ dokument"
    assert info.get("komponentID")


def test_built_codes_carry_system_and_display_name() -> None:
    msg = parse_plo(serialize_plo(_orientering()))
    first = msg.tjenester[0].iplos_tjenestetype
    assert first is not None and first.s == "2.16.578.1.12.4.1.1.9151"
    assert first.dn == "[Hjemmetjenester:] Praktisk bistand: daglige gjøremål"
    assert msg.ansvar[0].ansvarlig is not None and msg.ansvar[0].ansvarlig.hpr == "9912345"


def test_death_time_is_read_from_orientering_om_dod() -> None:
    msg = parse_plo(serialize_plo(BUILDS["LOG_DOD"]()))
    assert msg.dodsfall_tidspunkt == "2024-01-08T04:30:00"
    assert msg.logistikk is not None and msg.logistikk.element == "OrienteringOmDod"


def test_fresh_output_is_indented_and_uses_readable_prefixes() -> None:
    text = etree.tostring(serialize_plo(_orientering()), encoding="unicode")
    assert "\n  <InformasjonOmForsendelsen>" in text
    assert "ns0:" not in text


def test_unknown_type_or_version_is_unsupported() -> None:
    with pytest.raises(UnsupportedMessage) as caught:
        new_message("DIALOG_NOTAT")
    assert caught.value.code == "plo.unsupported-type"
    with pytest.raises(UnsupportedMessage):
        new_message("MELDING_FRAVAR", "1.6")
    with pytest.raises(UnsupportedMessage):
        new_message("LOG_TILBAKEMELDING", "1.6")


def test_melding_om_fravaer_is_a_15_message() -> None:
    msg = new_message("MELDING_FRAVAR", "1.5")
    assert msg.root == "MeldingFravar"
    assert msg.namespace == "http://www.kith.no/xmlstds/po/MeldingFravar/2009-06-30"
    assert msg.kind == new_message("FRAVARSMELDING", "1.5").kind == "FRAVARSMELDING"


def test_plo_20_keeps_the_header_in_felles_administrative_opplysninger() -> None:
    msg = build_logistikk(
        "LOG_TILBAKEMELDING", [hendelse("3", "2024-01-05T12:00:00")], version="2.0", ansvar=(RESPONSIBLE,)
    )
    element = serialize_plo(msg)
    felles = element.find(
        "{http://ehelse.no/xmlstds/po/poKomponent/2017-11-30}FellesAdministrativeOpplysninger"
    )
    assert felles is not None
    assert [etree.QName(c).localname for c in felles] == ["InformasjonOmForsendelsen", "AnsvarForRapport"]
    again = parse_plo(element)
    assert again == msg and again.version == "2.0" and again.forsendelsesstatus == "N"
    assert again.hendelser[0].tidspunkt == "2024-01-05T12:00:00"


def test_plo_20_event_time_must_be_a_date_time() -> None:
    with pytest.raises(SchemaInvalid) as caught:
        serialize_plo(build_logistikk("LOG_DOD", [hendelse("13", "2024-01-05")], version="2.0"))
    assert "dateTime" in str(caught.value)
