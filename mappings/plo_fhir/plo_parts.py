"""KITH parts from the msghead model (what ``common.kith_out`` gives) → the PLO parties model
(fk1 types in poKomponent): HealthcareProfessional, Person, Organisation, Code.
"""

from __future__ import annotations

from samband.adapters.msghead import model as mh
from samband.adapters.msghead.kith import Code as KithCode
from samband.adapters.plo import parties as pp
from samband.adapters.plo.nodes import Code


def code(value: KithCode | None) -> Code | None:
    return Code(v=value.v, dn=value.dn, s=value.s, ot=value.ot) if value is not None and value.v else None


def idents(items: tuple[mh.Ident, ...]) -> tuple[pp.Ident, ...]:
    return tuple(pp.Ident(id=i.id, type_id=code(i.type_id)) for i in items)


def telecoms(items: tuple[mh.TeleCom, ...]) -> tuple[pp.TeleCom, ...]:
    return tuple(pp.TeleCom(type_telecom=code(t.type), tele_address=t.address) for t in items)


def address(item: mh.Address | None) -> pp.Address | None:
    if item is None:
        return None
    return pp.Address(
        type=code(item.type),
        street_adr=item.street,
        postal_code=item.postal_code,
        city=item.city,
        postbox=item.postbox,
    )


def professional(hp: mh.HealthcareProfessional) -> pp.HealthcareProfessional:
    return pp.HealthcareProfessional(
        type_healthcare_professional=code(hp.type_hp),
        role_to_patient=code(hp.role_to_patient),
        family_name=hp.family_name,
        middle_name=hp.middle_name,
        given_name=hp.given_name,
        idents=idents(hp.idents),
        telecoms=telecoms(hp.telecoms),
    )


def person(who: mh.Patient) -> pp.Person:
    return pp.Person(
        family_name=who.family_name,
        middle_name=who.middle_name,
        given_name=who.given_name,
        date_of_birth=who.date_of_birth,
        sex=code(who.sex),
        idents=idents(who.idents),
        address=address(who.address),
        telecoms=telecoms(who.telecoms),
    )


def organisation(org: mh.Organisation) -> pp.Organisation:
    return pp.Organisation(
        name=org.name,
        idents=idents(org.idents),
        address=address(org.address),
        telecoms=telecoms(org.telecoms),
    )
