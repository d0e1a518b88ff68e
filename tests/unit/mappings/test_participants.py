"""Party builders: no-basis identifier systems and ids derived from identifiers."""

from __future__ import annotations

from samband.mappings.common import participants as p
from samband.mappings.common.systems import ident_system, ident_type


def test_identifier_systems_follow_no_basis() -> None:
    assert p.identifier(p.Ident("FNR", "03075240081"))["system"] == "urn:oid:2.16.578.1.12.4.1.4.1"
    assert p.identifier(p.Ident("HPR", "9000001"))["system"] == "urn:oid:2.16.578.1.12.4.1.4.4"
    assert p.identifier(p.Ident("HER", "8800001"))["system"] == "urn:oid:2.16.578.1.12.4.1.2"
    assert p.identifier(p.Ident("ENH", "999000111"))["system"] == "urn:oid:2.16.578.1.12.4.1.4.101"
    hnr = p.identifier(p.Ident("HNR", "H123"))
    assert hnr["system"] == "HNR" and "type" in hnr


def test_local_ident_types_round_trip() -> None:
    for kind in ("FNR", "DNR", "HPR", "HER", "ENH", "RSH", "HNR", "LAV"):
        assert ident_type(ident_system(kind)) == kind


def test_patient_id_comes_from_the_fnr_not_the_name() -> None:
    one, _ = p.patient(p.Person(family="A", idents=(p.Ident("FNR", "03075240081"),)))
    two, resource = p.patient(p.Person(family="B", given="C", idents=(p.Ident("FNR", "03075240081"),)))
    assert one == two
    assert resource["name"] == [{"family": "B", "given": ["C"]}]


def test_level_two_organisation_points_to_its_parent() -> None:
    top, _ = p.organization(p.Org(name="Kommune", idents=(p.Ident("HER", "8800001"),)))
    unit, resource = p.organization(p.Org(name="Tjeneste", idents=(p.Ident("HER", "8800002"),)), part_of=top)
    assert resource["partOf"] == {"reference": f"urn:uuid:{top}"}
    assert unit != top


def test_telecom_uri_becomes_contact_point() -> None:
    assert p.telecom(p.Telecom("tel:+4799990001", "MC")) == {
        "system": "phone",
        "value": "+4799990001",
        "use": "mobile",
    }
    assert p.telecom(p.Telecom("mailto:post@example.no")) == {"system": "email", "value": "post@example.no"}
