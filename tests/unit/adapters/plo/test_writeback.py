"""Typed fields are written back into the received document: what changed is rewritten in XSD order,
everything the model does not name (comments, unmodelled blocks, attributes) survives."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from lxml import etree

from samband.adapters.plo import code, parse_plo, serialize_plo, tjeneste
from samband.adapters.plo.nodes import Code, without_source
from samband.adapters.plo.parties import AnsvarForRapport
from samband.kernel.errors import SchemaInvalid
from tests.conftest import SAMPLES

V16 = SAMPLES / "plo" / "1_6"
PO = "{http://www.kith.no/xmlstds/po/poKomponent/2012-04-01}"

pytestmark = pytest.mark.skipif(not V16.is_dir(), reason="PLO 1.6 samples not found")


def _orientering() -> bytes:
    return (V16 / "Orientering_om_tjenestetilbud_v1-6_Ny.xml").read_bytes()


def _local_names(element: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in element if isinstance(child.tag, str)]


def test_changed_service_is_rewritten_in_schema_order() -> None:
    msg = parse_plo(_orientering())
    first = replace(msg.tjenester[0], antall_enheter=Decimal("3"), sluttdato="2018-12-31")
    out = serialize_plo(replace(msg, tjenester=(first, *msg.tjenester[1:])))
    service = out.find(f"{PO}EksisterendeTjeneste")
    assert service is not None
    assert service.findtext(f"{PO}AntallEnheter") == "3"
    names = _local_names(service)
    assert names.index("Sluttdato") == names.index("Startdato") + 1
    assert service.findtext(f"{PO}BetegnelseTjeneste") == "Rengjøring av bolig"
    assert parse_plo(out).tjenester[0] == first


def test_services_added_and_removed_and_status_changed() -> None:
    msg = parse_plo(_orientering())
    added = tjeneste("6", betegnelse="Trygghetsalarm", startdato="2018-02-01")
    status = code("7309", "M", cs=True)
    assert msg.forsendelse is not None
    changed = replace(
        msg,
        tjenester=(msg.tjenester[2], added),
        forsendelse=replace(msg.forsendelse, forsendelsesstatus=status),
    )
    again = parse_plo(serialize_plo(changed))
    assert again.forsendelsesstatus == "M"
    assert [t.iplos_tjenestetype.v for t in again.tjenester if t.iplos_tjenestetype] == ["7", "6"]
    assert again.ansvar == msg.ansvar


def test_unmodelled_parts_survive_a_change() -> None:
    raw = (V16 / "Medisinske_opplysninger_v1-6_Ny.xml").read_bytes()
    msg = parse_plo(raw)
    assert msg.medisinskfaglige is not None
    notes = msg.medisinskfaglige.journalnotater
    shorter = replace(msg.medisinskfaglige, journalnotater=notes[:1])
    out = serialize_plo(replace(msg, medisinskfaglige=shorter))
    text = etree.tostring(out, encoding="unicode")
    assert "Operert. Totalprotese 1995" in text  # InfoTidligereSykdommer is not modelled
    assert "Egensøknad" in text  # SendtDokument is not modelled
    assert "Faste legemidler, multidosepakket" in text  # a comment
    assert 'komponentID="0d9a8b50-fb6b-11e1-a21f-0800200c9a66"' in text
    assert len(parse_plo(out).medisinskfaglige.journalnotater) == 1  # type: ignore[union-attr]


def test_removing_a_required_element_is_refused_not_emitted() -> None:
    msg = parse_plo(_orientering())
    with pytest.raises(SchemaInvalid) as caught:
        serialize_plo(replace(msg, tjenester=()))
    assert caught.value.code == "plo.schema-invalid"
    assert "EksisterendeTjeneste" in str(caught.value)


def test_invalid_forsendelsesstatus_is_refused_on_send() -> None:
    msg = parse_plo(_orientering())
    assert msg.forsendelse is not None
    bad = replace(msg, forsendelse=replace(msg.forsendelse, forsendelsesstatus=Code(v="Z")))
    with pytest.raises(SchemaInvalid) as caught:
        serialize_plo(bad)
    assert caught.value.code == "plo.forsendelsesstatus"
    assert caught.value.where is not None and caught.value.where.endswith("Forsendelsesstatus")


def test_cs_element_with_code_system_fails_the_schema() -> None:
    msg = parse_plo(_orientering())
    assert msg.forsendelse is not None
    with_system = Code(v="N", dn="Ny", s="2.16.578.1.12.4.1.1.7309")
    bad = replace(msg, forsendelse=replace(msg.forsendelse, forsendelsesstatus=with_system))
    with pytest.raises(SchemaInvalid):
        serialize_plo(bad)


def test_a_15_message_rewritten_as_16_from_its_typed_fields() -> None:
    old = parse_plo(
        (SAMPLES / "plo" / "1_5" / "Orientering_om_tjenestetilbud_v1-5_Kansellering.xml").read_bytes()
    )
    ns16 = "http://www.kith.no/xmlstds/po/OrienteringOmTjenestetilbud/2012-04-01"
    new = replace(without_source(old), version="1.6", namespace=ns16)
    again = parse_plo(serialize_plo(new))
    assert again.version == "1.6" and again.namespace == ns16
    assert again.tjenester == old.tjenester and again.ansvar == old.ansvar
    assert again.forsendelsesstatus == "C"


def test_a_part_read_in_one_place_can_be_written_in_another() -> None:
    msg = parse_plo((V16 / "Utskrivningsrapport_v1-6_Ny.xml").read_bytes())
    contact = msg.kontaktpersoner[0].kontaktperson
    assert contact is not None and not msg.ansvar
    moved = replace(msg, ansvar=(AnsvarForRapport(ansvarlig=contact, godkjent_dato="2018-02-01"),))
    out = serialize_plo(moved)
    assert parse_plo(out).ansvar[0].ansvarlig == contact
    responsible = out.find(f"{PO}AnsvarForRapport/{PO}AnsvarligRapport")
    assert responsible is not None
