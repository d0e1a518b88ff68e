"""The one KITH codec: every shared type reads back what it wrote in every dialect, and what it writes
is valid against the official schema of that namespace (MsgHead, felleskomponent1, Dialogmelding 1.0
and 1.1, AppRec 1.0 and 1.1)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from lxml import etree

from samband.adapters.apprec import AppRec, OriginalMsgId, parse_apprec, serialize_apprec
from samband.adapters.apprec.model import (
    HCP,
    MIG_VERSIONS,
    AdditionalId,
    ApprecAddress,
    ApprecParty,
    Dept,
    HCPerson,
    Inst,
)
from samband.adapters.dialogmelding import Dialogmelding, Notat, RichText, RollerRelatertNotat
from samband.adapters.dialogmelding.model import DIALOG_10_NS, DIALOG_11_NS, TilknyttetEnhet
from samband.adapters.kith.codec import Dialect, Part, read, write
from samband.adapters.kith.datatypes import Code
from samband.adapters.kith.model import Address, HealthcareProfessional, Ident, Organisation, Person, TeleCom
from samband.adapters.kith.shapes import (
    ADDRESS,
    FK1,
    FK1_NS,
    HEALTHCARE_PROFESSIONAL,
    IDENT,
    MSGHEAD,
    MSGHEAD_NS,
    ORGANISATION,
    PERSON,
    TELECOM,
    dialogmelding,
)
from samband.adapters.msghead import OtherReceiver, build_msghead, parse_msghead, serialize_msghead
from tests.conftest import XSD_DIR

NOW = datetime(2024, 3, 1, 10, 30, tzinfo=UTC)
HER = Code.of("HER", "HER-id", 9051)
HPR = Code.of("HPR", "HPR-nummer", 8116)
HER_CS = Code(v="HER", dn="HER-id")
ADDRESS_VALUE = Address(
    type=Code(v="H", dn="Bostedsadresse"),
    street="Bjørkeveien 7",
    postal_code="2999",
    city="Fjellbygd",
    postbox="Postboks 1",
    county=Code(v="0301", dn="Oslo"),
    country=Code(v="NO", dn="Norge"),
)
TELECOM_VALUE = TeleCom(address="tel:+4799990001", type=Code(v="MC", dn="Mobiltelefon"))
PERSON_VALUE = Person(
    family_name="Testesen",
    middle_name="Mellom",
    given_name="Ola",
    date_of_birth="1948-05-17",
    sex=Code(v="1", dn="Mann"),
    nationality=Code(v="NO", dn="Norge"),
    idents=(Ident(id="17054800010", type_id=Code.of("FNR", "Fødselsnummer", 8116)),),
    address=ADDRESS_VALUE,
    telecoms=(TELECOM_VALUE,),
)
HP_VALUE = HealthcareProfessional(
    type_hp=Code(v="LE", dn="Lege"),
    role_to_patient=Code.of("6", "Fastlege", 9034),
    family_name="Oppdiktet",
    given_name="Kari",
    idents=(Ident(id="9876543", type_id=HPR),),
    address=ADDRESS_VALUE,
    telecoms=(TELECOM_VALUE,),
)
UNIT = Organisation(
    name="Hjemmesykepleien",
    idents=(Ident(id="990002", type_id=HER),),
    type_organisation=Code.of("102", "Kommune", 9040),
    address=ADDRESS_VALUE,
    telecoms=(TELECOM_VALUE,),
)
VALUES: dict[str, Any] = {
    "Ident": Ident(id="990001", type_id=HER),
    "Address": ADDRESS_VALUE,
    "TeleCom": TELECOM_VALUE,
    "Person": PERSON_VALUE,
    "HealthcareProfessional": HP_VALUE,
    "Organisation": replace(UNIT, name="Testvik kommune", organisation=UNIT),
}
PARTS: tuple[Part[Any], ...] = (IDENT, ADDRESS, TELECOM, PERSON, HEALTHCARE_PROFESSIONAL, ORGANISATION)
DIALECTS: dict[str, Dialect] = {
    "msghead": MSGHEAD,
    "fk1": FK1,
    "dialog-1.0": dialogmelding(DIALOG_10_NS),
    "dialog-1.1": dialogmelding(DIALOG_11_NS),
}


def _written(dialect: Dialect, part: Part[Any], value: Any) -> etree._Element:
    holder = etree.Element("holder")
    return write(dialect, part, value, holder, part.name, "urn:test")


@pytest.mark.parametrize("dialect_name", DIALECTS)
@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.name)
def test_each_type_reads_back_what_it_wrote(dialect_name: str, part: Part[Any]) -> None:
    dialect = DIALECTS[dialect_name]
    value = VALUES[part.name]
    if dialect_name != "msghead" and part is ORGANISATION:
        value = replace(value, healthcare_professional=None)  # felleskomponent1 has no person there
    assert read(dialect, part, _written(dialect, part, value)) == value


def test_children_are_in_the_namespace_of_the_dialect() -> None:
    hp = _written(dialogmelding(DIALOG_11_NS), HEALTHCARE_PROFESSIONAL, HP_VALUE)
    ident = hp.find(f"{{{DIALOG_11_NS}}}Ident")
    assert hp.find(f"{{{DIALOG_11_NS}}}FamilyName") is not None
    assert ident is not None and ident.find(f"{{{FK1_NS}}}Id") is not None
    assert _written(MSGHEAD, IDENT, VALUES["Ident"]).find(f"{{{MSGHEAD_NS}}}TypeId") is not None


def _order(element: etree._Element) -> list[str]:
    return [etree.QName(c).localname for c in element]


def test_element_order_follows_each_schema() -> None:
    org = VALUES["Organisation"]
    assert _order(_written(MSGHEAD, ORGANISATION, org))[:2] == ["OrganisationName", "TypeOrganisation"]
    assert _order(_written(FK1, ORGANISATION, org))[:2] == ["TypeOrganisation", "OrganisationName"]
    assert _order(_written(MSGHEAD, PERSON, PERSON_VALUE))[:3] == ["FamilyName", "MiddleName", "GivenName"]
    assert _order(_written(dialogmelding(DIALOG_10_NS), PERSON, PERSON_VALUE))[:3] == [
        "GivenName",
        "MiddleName",
        "FamilyName",
    ]


def test_an_organisation_without_name_or_ident_stays_empty() -> None:
    assert len(_written(MSGHEAD, ORGANISATION, Organisation(address=ADDRESS_VALUE))) == 0


def test_reading_is_tolerant_of_order_and_pads_dates() -> None:
    person = _written(MSGHEAD, PERSON, replace(PERSON_VALUE, date_of_birth="1948-5-7"))
    person[:] = list(reversed(person))
    found = read(MSGHEAD, PERSON, person)
    assert found.date_of_birth == "1948-05-07" and found.idents == PERSON_VALUE.idents


def _fk1_schema() -> etree.XMLSchema:
    """felleskomponent1 declares types only: a wrapper schema gives each an element to validate."""
    location = (XSD_DIR / "msghead" / "felleskomponent1.xsd").resolve().as_uri()
    elements = "".join(f'<xs:element name="{p.name}" type="fk1:{p.name}"/>' for p in PARTS)
    wrapper = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"'
        f' xmlns:fk1="{FK1_NS}" targetNamespace="{FK1_NS}" elementFormDefault="qualified">'
        f'<xs:redefine schemaLocation="{location}"/>{elements}</xs:schema>'
    )
    return etree.XMLSchema(etree.fromstring(wrapper.encode()))


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.name)
def test_felleskomponent1_output_is_schema_valid(part: Part[Any]) -> None:
    if not XSD_DIR.is_dir():
        pytest.skip("official schemas not available")
    value = VALUES[part.name]
    if part is ORGANISATION:
        value = replace(value, healthcare_professional=None)
    holder = etree.Element("holder")
    element = write(FK1, part, value, holder, part.name, FK1_NS)
    schema = _fk1_schema()
    assert schema.validate(element), schema.error_log


def test_msghead_output_with_every_type_is_schema_valid() -> None:
    sender = replace(VALUES["Organisation"], healthcare_professional=HP_VALUE)
    message = build_msghead(
        msg_type="DIALOG_NOTAT",
        sender=sender,
        receiver=Organisation(name="Fjordlia legekontor", idents=(Ident(id="880001", type_id=HER),)),
        patient=PERSON_VALUE,
        payload=Dialogmelding(version="1.1", notater=(Notat(tema_kodet=Code.of("1", "Notat", 7321)),)),
        now=NOW,
    )
    copy = OtherReceiver(role_receiver=Code(v="COP", dn="Kopimottaker"), person=PERSON_VALUE)
    message = replace(message, msg_info=replace(message.msg_info, other_receivers=(copy,)))
    assert parse_msghead(serialize_msghead(message)) == message  # serialize checks the XSD


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_dialogmelding_parties_are_schema_valid(version: str) -> None:
    unit = TilknyttetEnhet(kontaktenhet=UNIT, merknad="Kontakt", person=PERSON_VALUE)
    roles = (
        RollerRelatertNotat(role_to_patient=Code.of("6", "Fastlege", 9034), healthcare_professional=HP_VALUE),
        RollerRelatertNotat(
            tilknyttet_enhet=unit if version == "1.1" else None,
            person=PERSON_VALUE,
        ),
    )
    note = Notat(tema_kodet=Code.of("1", "Notat", 7321), tekst_notat_innhold=RichText("Tekst"), roller=roles)
    message = build_msghead(
        msg_type="DIALOG_NOTAT",
        sender=VALUES["Organisation"],
        receiver=Organisation(name="Fjordlia legekontor", idents=(Ident(id="880001", type_id=HER),)),
        patient=PERSON_VALUE,
        payload=Dialogmelding(version=version, notater=(note,)),
        now=NOW,
    )
    assert parse_msghead(serialize_msghead(message)) == message  # payload checked against its XSD


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_apprec_parties_are_schema_valid_and_read_back(version: str) -> None:
    extra = (AdditionalId(id="990001", type=HER_CS),)
    inst = Inst(
        name="Testvik kommune",
        id="999888777",
        type_id=Code(v="ENH", dn="Organisasjonsnummer"),
        depts=(Dept(type=Code(v="1"), name="Hjemmesykepleien", id="990002", type_id=Code(v="HER")),),
        additional_ids=extra,
        persons=(HCPerson(name="Kari Oppdiktet", id="9876543", type_id=Code(v="HPR"), additional_ids=extra),),
    )
    address = ApprecAddress(
        type=Code(v="PST"), street="Vei 1", postal_code="2999", city="Fjellbygd", tele_addresses=("tel:1",)
    )
    apprec = AppRec(
        gen_date="2024-03-01T10:30:00",
        id="6d4c0f1e-2b7a-4d2e-9b0a-5a6d2c1b9e01",
        sender=ApprecParty(hcp=HCP(inst=inst, med_speciality=Code.of("1", "Allmenn", 9090), address=address)),
        receiver=ApprecParty(
            hcp=HCP(inst=Inst(name="Fjordlia legekontor", id="880001", type_id=Code(v="HER")))
        ),
        status=Code(v="1", dn="OK"),
        original=OriginalMsgId(msg_type=Code(v="DIALOG_NOTAT"), issue_date="2024-03-01T10:00:00", id="x-1"),
        version=version,
        mig_version=MIG_VERSIONS[version],
    )
    assert parse_apprec(serialize_apprec(apprec)) == apprec  # serialize checks the XSD
