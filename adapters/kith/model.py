"""The KITH shared types as one immutable model: Ident, Address, TeleCom, Person, HealthcareProfessional
and Organisation (felleskomponent1, and their MsgHead 1.2 and Dialogmelding twins).

Every message family reads and writes these through ``adapters.kith.codec``; only the namespaces and
the element order of a family differ (``adapters.kith.shapes``).
"""

from __future__ import annotations

from dataclasses import dataclass

from samband.adapters.kith.datatypes import Code

HER = "HER"
PERSON_IDENT_TYPES = frozenset({"FNR", "DNR", "HNR"})


@dataclass(frozen=True)
class Ident:
    """Ident: ``Id`` plus ``TypeId`` (9051 for organisations, 8116 for persons)."""

    id: str
    type_id: Code

    @property
    def type(self) -> str | None:
        return self.type_id.v


@dataclass(frozen=True)
class Address:
    """Address: Type 3401, StreetAdr, PostalCode, City, Postbox, County (3402), Country."""

    type: Code | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    postbox: str | None = None
    county: Code | None = None
    country: Code | None = None


@dataclass(frozen=True)
class TeleCom:
    """TeleCom: TypeTelecom (9061) and TeleAddress/@V (``tel:…``, ``mailto:…``)."""

    address: str
    type: Code | None = None


def ident_of(idents: tuple[Ident, ...], *types: str) -> str | None:
    """The id of the first Ident whose TypeId is one of ``types``."""
    return next((i.id for i in idents if i.type_id.v in types), None)


@dataclass(frozen=True)
class HealthcareProfessional:
    """HealthcareProfessional: TypeHealthcareProfessional (9060), RoleToPatient (9034), names, Ident+."""

    idents: tuple[Ident, ...] = ()
    type_hp: Code | None = None
    role_to_patient: Code | None = None
    family_name: str | None = None
    middle_name: str | None = None
    given_name: str | None = None
    date_of_birth: str | None = None
    sex: Code | None = None
    nationality: Code | None = None
    address: Address | None = None
    telecoms: tuple[TeleCom, ...] = ()

    @property
    def her_id(self) -> str | None:
        return ident_of(self.idents, HER)

    @property
    def hpr(self) -> str | None:
        return ident_of(self.idents, "HPR")


@dataclass(frozen=True)
class Organisation:
    """Organisation: name, TypeOrganisation (9040), Ident+ (9051), then level 2 Organisation and/or person.

    The XSD allows an empty ``<Organisation/>`` (seen in real traffic); then ``name`` is None.
    felleskomponent1's Organisation has no HealthcareProfessional.
    """

    name: str | None = None
    idents: tuple[Ident, ...] = ()
    type_organisation: Code | None = None
    address: Address | None = None
    telecoms: tuple[TeleCom, ...] = ()
    organisation: Organisation | None = None
    healthcare_professional: HealthcareProfessional | None = None

    def ident(self, type_id: str) -> str | None:
        """The id of one type at this level, e.g. ``ident("HER")`` or ``ident("LAV")``."""
        return ident_of(self.idents, type_id)

    @property
    def her_id(self) -> str | None:
        """HER-id of this level (Ident with TypeId V="HER")."""
        return ident_of(self.idents, HER)

    @property
    def communication_party_her(self) -> str | None:
        """HER-id of the actual communication party: the deepest level with one (level 2 service
        or person where present, else level 1).

        HIS 1153 tjenestebasert adressering; same rule as Helsenorge.Messaging's MetadataHelper.
        """
        if self.organisation is not None and self.organisation.communication_party_her:
            return self.organisation.communication_party_her
        if self.healthcare_professional is not None and self.healthcare_professional.her_id:
            return self.healthcare_professional.her_id
        return self.her_id


@dataclass(frozen=True)
class Person:
    """A person (MsgHead Patient and Person, fk1:Person, Dialogmelding Person): names, DateOfBirth as
    text, Sex (3101), Nationality, Ident* (8116), Address, TeleCom*.

    ``date_of_birth`` stays text: senders write unpadded dates (``1991-12-4``); the reader pads those.
    """

    family_name: str | None = None
    middle_name: str | None = None
    given_name: str | None = None
    date_of_birth: str | None = None
    sex: Code | None = None
    nationality: Code | None = None
    idents: tuple[Ident, ...] = ()
    address: Address | None = None
    telecoms: tuple[TeleCom, ...] = ()

    @property
    def person_id(self) -> str | None:
        """The FNR, DNR or HNR of the person, first found."""
        return ident_of(self.idents, *sorted(PERSON_IDENT_TYPES))

    @property
    def fnr(self) -> str | None:
        return ident_of(self.idents, "FNR")
