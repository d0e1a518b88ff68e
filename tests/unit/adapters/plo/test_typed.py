"""The typed fields the FHIR mapping relies on are filled from the official samples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from samband.adapters.plo import PloMessage, parse_plo
from tests.conftest import SAMPLES

PLO = SAMPLES / "plo"

pytestmark = pytest.mark.skipif(not PLO.is_dir(), reason="PLO samples not found")


def _read(name: str) -> PloMessage:
    return parse_plo((PLO / name).read_bytes())


def test_orientering_services_and_responsible_professional() -> None:
    msg = _read("1_6/Orientering_om_tjenestetilbud_v1-6_Ny.xml")
    first = msg.tjenester[0]
    assert first.iplos_tjenestetype is not None and first.iplos_tjenestetype.system_id == "9151"
    assert (first.iplos_tjenestetype.v, first.betegnelse) == ("1", "Rengjøring av bolig")
    assert (first.antall_enheter, first.enhet, first.startdato) == (
        Decimal("2"),
        "timer hver fredag",
        "2017-03-15",
    )
    assert first.privat_tjeneste is False
    assert msg.tjenester[1].antall_enheter == Decimal("0.5")
    assert len(msg.tjenester) == 4
    responsible = msg.ansvar[0]
    assert responsible.godkjent_dato == "2018-01-31"
    assert responsible.ansvarlig is not None and responsible.ansvarlig.hpr == "9876543"
    assert (
        responsible.ansvarlig.role_to_patient is not None and responsible.ansvarlig.role_to_patient.v == "9"
    )
    assert responsible.ansvarlig.telecoms[0].address == "tel:77626660"


def test_medisinske_opplysninger_diagnoses_medication_cave_and_notes() -> None:
    msg = _read("1_6/Medisinske_opplysninger_v1-6_Ny.xml")
    main = msg.all_diagnoses[0]
    assert main.hoveddiagnose is True and main.diagnosekode is not None
    assert (main.diagnosekode.v, main.diagnosekode.system_id) == ("K77", "7170")
    assert msg.forsendelse is not None and msg.forsendelse.svar_paa_foresporsel is False
    assert msg.type_innhold is not None and msg.type_innhold.type_innhold is not None
    names = [m.forskrivning.forskrivningsinfo.navn for m in msg.legemidler]  # type: ignore[union-attr]
    assert names[:2] == ["Burinex", "Triatec"]
    info = msg.legemidler[0].forskrivning.forskrivningsinfo  # type: ignore[union-attr]
    assert info is not None and info.styrke is not None and (info.styrke.v, info.styrke.u) == ("1", "mg")
    assert (info.dosering_tekst, info.dosering_start) == ("2 tabl kl 08 og 13", "2017-09-01")
    faglige = msg.medisinskfaglige
    assert faglige is not None and faglige.cave is not None and faglige.cave.sakshode is not None
    assert faglige.cave.sakshode.stikkord[0].stikkord == "Morfin. Registrert 13.03.04"
    heading = faglige.journalnotater[0].tekster[0].overskriftskode
    assert heading is not None and (heading.v, heading.system_id) == ("1", "9143")


def test_innleggelsesrapport_relatives_patient_facts_and_iplos() -> None:
    msg = _read("1_6/Innleggelsesrapport_v1-6_Ny.xml")
    relative = msg.parorende[0]
    assert relative.slektskap is not None and relative.slektskap.v == "SO"
    assert relative.person is not None and relative.person.given_name == "Ole"
    assert msg.tilleggsopplysninger is not None and msg.tilleggsopplysninger.bor_alene is True
    assert msg.funksjonsniva is not None
    variables = [f.funksjonsvariabel.v for f in msg.funksjonsniva.funksjoner if f.funksjonsvariabel]
    assert len(variables) == 17 and variables[0] == "1"
    assert all(
        f.vurdering in (1, 2, 3, 4, 5, 9) for f in msg.funksjonsniva.funksjoner if f.vurdering is not None
    )


def test_helseopplysninger_varsel_content_type_stay_and_contact_unit() -> None:
    msg = _read("1_6/Helseopplysninger_Varsel_om_innlagt_pasient_v1-6_Ny.xml")
    assert msg.type_innhold is not None and msg.type_innhold.type_innhold is not None
    assert msg.type_innhold.type_innhold.v == "1"
    stay = msg.opphold[0].hendelse
    assert stay is not None and stay.anslag is True and stay.tidspunkt == "2018-01-15"
    unit = msg.tilknyttede_enheter[0].kontaktenhet
    assert unit is not None and unit.ident("LAV") == "ORTØYA"


def test_logistics_discharge_and_death() -> None:
    discharged = _read("1_6/Pasientlogistikk_Melding_om_utskrevet_pasient_v1-6_Ny.xml")
    assert discharged.logistikk is not None and discharged.logistikk.utskrevet_til is not None
    assert discharged.logistikk.utskrevet_til.uttilstand is not None
    assert discharged.logistikk.utskrevet_til.uttilstand.system_id == "8431"
    event = discharged.hendelser[0]
    assert event.hendelsekode is not None and event.hendelsekode.v == "2"
    assert (event.tidspunkt, event.anslag) == ("2018-02-01", False)
    death = _read("1_6/Pasientlogistikk_Orientering_om_dodsfall_v1-6_Ny.xml")
    assert death.kind == "LOG_DOD" and death.dodsfall_tidspunkt == "2018-02-20"
    assert discharged.dodsfall_tidspunkt is None


def test_15_messages_fill_the_same_fields() -> None:
    msg = _read("1_5/Innleggelsesrapport_v1-5_Ny.xml")
    assert msg.version == "1.5" and msg.parorende and msg.tjenester and msg.legemidler
    assert msg.funksjonsniva is not None and msg.funksjonsniva.funksjoner
