"""The parties of a Hodemelding through FHIR and back (synthetic messages in tests/messages):
organisations told apart by their whole identity and kept in their hierarchy, persons with or
without HER-id, every address and telecom type, County and Country, copy receivers and Ack; and the
HER-ids the gateway routes and answers by."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from samband.adapters.fhir.envelope import fhir_envelope
from samband.adapters.formats import source_format
from samband.adapters.msghead.parse import parse_msghead
from samband.kernel.codes import lookup
from samband.mappings.base import fixed_context
from samband.mappings.common import kith_out
from samband.mappings.common import participants as p
from samband.mappings.common.systems import EXT_ACK, EXT_MUNICIPALITY
from samband.mappings.common.view import BundleView
from samband.mappings.registry import from_fhir, to_fhir
from tools.roundtrip.compare import compare, load_rules

TESTS = Path(__file__).resolve().parents[2]
PLO = TESTS / "messages" / "plo" / "parties_orientering_1_6.xml"
DIALOG = TESTS / "messages" / "dialogmelding" / "parties_notat_1_1.xml"
JsonDict = dict[str, Any]


def _bundle(raw: bytes) -> JsonDict:
    return to_fhir(raw, fixed_context()).result


def _back(raw: bytes, bundle: JsonDict | None = None) -> bytes:
    return from_fhir(bundle or _bundle(raw), source_format(raw), fixed_context()).result


def _of(bundle: JsonDict, kind: str) -> list[JsonDict]:
    found = (entry["resource"] for entry in bundle["entry"])
    return [r for r in found if r["resourceType"] == kind]


def _named(bundle: JsonDict, name: str) -> list[JsonDict]:
    return [r for r in _of(bundle, "Organization") if r.get("name") == name]


def _undocumented(raw: bytes, back: bytes) -> list[str]:
    """Differences no normalisation explains (the open losses of other areas do not count here)."""
    rules = replace(load_rules(), open=())
    msg_type = parse_msghead(raw).msg_type or ""
    return [str(d) for d in compare(raw, back, msg_type, rules) if d.rule is None]


@pytest.mark.parametrize("path", [PLO, DIALOG], ids=lambda p: p.name)
def test_every_party_comes_back_as_it_was_sent(path: Path) -> None:
    raw = path.read_bytes()
    assert _undocumented(raw, _back(raw)) == []


def test_organisations_sharing_an_organisation_number_stay_apart() -> None:
    bundle = _bundle(PLO.read_bytes())
    [municipality] = _named(bundle, "Fjellbygd kommune")[:1]
    home = _named(bundle, "Solbakken sykehjem")
    assert len(home) == 2  # the sender's level 2 and the Kontaktenhet: the same name, other details
    assert municipality["id"] not in {h["id"] for h in home}
    enh = {"system": "urn:oid:2.16.578.1.12.4.1.4.101", "value": "999000111"}
    for org in [municipality, *home]:
        assert enh in [{k: i[k] for k in ("system", "value")} for i in org["identifier"]]
    one, _ = p.organization(p.Org(name="Fjellbygd kommune", idents=(p.Ident("ENH", "999000111"),)))
    two, _ = p.organization(p.Org(name="Solbakken sykehjem", idents=(p.Ident("ENH", "999000111"),)))
    under, _ = p.organization(p.Org(name="Fjellbygd kommune", idents=(p.Ident("ENH", "999000111"),)), one)
    assert len({one, two, under}) == 3


def test_departments_keep_their_place_under_their_organisation() -> None:
    raw = PLO.read_bytes()
    bundle = _bundle(raw)
    view = BundleView.of(bundle)
    [department] = _named(bundle, "Avdeling Furu")
    parent = view.resolve(department["partOf"])
    assert parent is not None and parent["name"] == "Solbakken sykehjem"
    back = parse_msghead(_back(raw))
    sender = back.msg_info.sender.organisation
    assert sender.organisation is not None and sender.organisation.name == "Solbakken sykehjem"
    assert sender.organisation.ident("ENH") == "999000111"
    assert b"<fk1:OrganisationName>Avdeling Furu</fk1:OrganisationName>" in _back(raw)


def test_a_person_without_her_id_is_the_sender_and_routing_keeps_the_her_id() -> None:
    raw = PLO.read_bytes()
    bundle = _bundle(raw)
    header = bundle["entry"][0]["resource"]
    sender = BundleView.of(bundle).resolve(header["sender"])
    assert sender is not None and sender["resourceType"] == "PractitionerRole"
    assert header["sender"]["identifier"]["value"] == "8800004"  # the nursing home: the communication party
    envelope = fhir_envelope(json.dumps(bundle).encode())
    assert (envelope.sender_her, envelope.receiver_her) == ("8800004", "8800102")
    home = parse_msghead(_back(raw)).msg_info.sender.organisation.organisation
    hp = home.healthcare_professional if home is not None else None
    assert hp is not None and (hp.hpr, hp.her_id, hp.middle_name) == ("9000011", None, "Marie")
    assert hp.address is not None and hp.address.type is not None and hp.address.type.v == "WP"


def test_a_person_named_by_name_only_comes_back() -> None:
    raw = PLO.read_bytes()
    unnamed = re.sub(rb"<Ident>\s*<Id>9000011</Id>.*?</Ident>", b"", raw, count=1, flags=re.DOTALL)
    view = BundleView.of(_bundle(unnamed))
    org = kith_out.organisation(view, view.header()["sender"])
    hp = org.organisation.healthcare_professional if org and org.organisation else None
    assert hp is not None and (hp.family_name, hp.given_name, hp.idents) == ("Lind", "Siri", ())


def test_a_person_beside_a_department_keeps_its_level() -> None:
    raw = DIALOG.read_bytes()
    sender = parse_msghead(_back(raw)).msg_info.sender.organisation
    assert sender.healthcare_professional is not None and sender.healthcare_professional.hpr == "9000033"
    assert sender.organisation is not None and sender.organisation.her_id == "8800103"
    assert sender.organisation.healthcare_professional is None


def test_county_and_country_are_carried() -> None:
    raw = PLO.read_bytes()
    [patient] = [r for r in _of(_bundle(raw), "Patient") if r.get("birthDate")]
    [address] = patient["address"]
    assert address["district"] == "Kongsvinger"
    [code] = address["_district"]["extension"]
    assert code["url"] == EXT_MUNICIPALITY and code["valueCoding"]["code"] == "3401"
    assert address["country"] == "NO"
    sent, back = (parse_msghead(m).msg_info.patient for m in (raw, _back(raw)))
    assert sent is not None and sent.address is not None and back is not None and back.address is not None
    assert (back.address.county, back.address.country) == (sent.address.county, sent.address.country)
    assert back.address.county is not None and back.address.county.v == "3401"
    assert back.address.postbox == "Postboks 12" and back.address.street == "Bjørkeveien 7"


def _with_patient_codes(address_type: str, telecom_type: str) -> bytes:
    raw = PLO.read_bytes()
    raw = raw.replace(b'<Type V="HP" DN="Folkeregisteradresse"/>', f'<Type V="{address_type}"/>'.encode(), 1)
    return raw.replace(
        b'<TypeTelecom V="H" DN="Hjemme eller ukjent"/>', f'<TypeTelecom V="{telecom_type}"/>'.encode(), 1
    )


ADDRESS_TYPES = sorted(lookup.table("3401").codes)
TELECOM_TYPES = sorted(lookup.table("9061").codes)


@pytest.mark.parametrize(
    ("address_type", "telecom_type"),
    [(a, TELECOM_TYPES[i % len(TELECOM_TYPES)]) for i, a in enumerate(ADDRESS_TYPES)]
    + [(ADDRESS_TYPES[i % len(ADDRESS_TYPES)], t) for i, t in enumerate(TELECOM_TYPES)],
)
def test_every_address_and_telecom_type_comes_back(address_type: str, telecom_type: str) -> None:
    raw = _with_patient_codes(address_type, telecom_type)
    patient = parse_msghead(_back(raw)).msg_info.patient
    assert patient is not None and patient.address is not None and patient.address.type is not None
    assert patient.address.type.v == address_type
    assert patient.telecoms[0].type is not None and patient.telecoms[0].type.v == telecom_type


def test_an_edited_fhir_value_wins_over_the_code_it_was_read_from() -> None:
    raw = PLO.read_bytes()
    bundle = _bundle(raw)
    [patient] = [r for r in _of(bundle, "Patient") if r.get("birthDate")]
    patient["address"][0]["use"] = "work"
    patient["telecom"][0]["use"] = "mobile"
    back = parse_msghead(_back(raw, bundle)).msg_info.patient
    assert back is not None and back.address is not None and back.address.type is not None
    assert (back.address.type.v, back.telecoms[0].type.v if back.telecoms[0].type else None) == ("WP", "MC")


@pytest.mark.parametrize(("path", "ack"), [(PLO, "J"), (DIALOG, "N")], ids=["J", "N"])
def test_the_request_for_an_apprec_is_carried(path: Path, ack: str) -> None:
    raw = path.read_bytes()
    header = _bundle(raw)["entry"][0]["resource"]
    [extension] = [e for e in header["extension"] if e["url"] == EXT_ACK]
    assert extension["valueCoding"]["code"] == ack
    back = parse_msghead(_back(raw)).msg_info.ack
    assert back is not None and back.v == ack


def test_copy_receivers_are_further_destinations() -> None:
    raw = PLO.read_bytes()
    header = _bundle(raw)["entry"][0]["resource"]
    assert [d["endpoint"].rsplit(":", 1)[-1] for d in header["destination"]] == [
        "8800102",
        "8800002",
        "8800105",
        "unknown",
        "unknown",
    ]
    others = parse_msghead(_back(raw)).msg_info.other_receivers
    assert [o.role_receiver.v for o in others] == ["COP"] * 4
    assert others[0].organisation is not None and others[0].organisation.organisation is not None
    assert (
        others[1].healthcare_professional is not None
        and others[1].healthcare_professional.her_id == "8800105"
    )
    assert others[2].patient is not None and others[2].patient.fnr == "15035240060"
    assert others[3].person is not None and others[3].person.family_name == "Verge"


def test_a_destination_without_a_receiver_role_is_reported() -> None:
    raw = PLO.read_bytes()
    bundle = _bundle(raw)
    header = bundle["entry"][0]["resource"]
    del header["destination"][2]["extension"]
    done = from_fhir(bundle, "plo", fixed_context())
    assert len(parse_msghead(done.result).msg_info.other_receivers) == 3
    assert ("mapping.not-mapped", "/entry/0/resource/destination/2") in [
        (i.code, i.path) for i in done.issues
    ]


def test_an_ident_sent_without_its_id_keeps_its_kind() -> None:
    raw = PLO.read_bytes().replace(b"<Id>15035240060</Id>", b"<Id></Id>")
    bundle = _bundle(raw)
    [patient] = [r for r in _of(bundle, "Patient") if r.get("birthDate")]
    [identifier] = patient["identifier"]
    assert "value" not in identifier and identifier["system"] == "urn:oid:2.16.578.1.12.4.1.4.1"
    back = parse_msghead(_back(raw, bundle)).msg_info.patient
    assert back is not None and [(i.id, i.type_id.v) for i in back.idents] == [("", "FNR")]


def test_linked_units_of_a_dialogmelding_come_back() -> None:
    raw = DIALOG.read_bytes()
    bundle = _bundle(raw)
    assert len(_named(bundle, "Fjellbygd kommune")) == 2  # the receiver and the Kontaktenhet
    back = _back(raw)
    for text in (b"Hjemmetjenesten sone nord", b"<Merknad>Dagtid</Merknad>", b"Kontaktsen", b"Legesen"):
        assert text in back
