"""Typed PLO header parts: felleskomponent1 persons/organisations and the poKomponent header blocks.

HIS 80704 §4 / poKomponent: InformasjonOmForsendelsen, AnsvarForRapport, TilknyttetEnhet,
KontaktpersonHelsepersonell, ParorendeForesatt, TilleggsopplysningPasient, TypeInnholdIMelding.
"""

from __future__ import annotations

from dataclasses import dataclass

from samband.adapters.plo.nodes import Code, Field, Node


@dataclass(frozen=True)
class Ident(Node):
    """fk1:Ident: ``Id`` with ``TypeId`` (8116 for persons: FNR, HPR …; 9051 for units: HER, ENH …)."""

    XSD_TYPE = "fk1:Ident"
    FIELDS = (Field("id", "fk1:Id"), Field("type_id", "fk1:TypeId", "code"))
    id: str | None = None
    type_id: Code | None = None


@dataclass(frozen=True)
class TeleCom(Node):
    """fk1:TeleCom: ``TypeTelecom`` (9061) and ``TeleAddress/@V`` (``tel:``, ``mailto:`` …)."""

    XSD_TYPE = "fk1:TeleCom"
    FIELDS = (
        Field("type_telecom", "fk1:TypeTelecom", "cs"),
        Field("tele_address", "fk1:TeleAddress", "value"),
    )
    type_telecom: Code | None = None
    tele_address: str | None = None


@dataclass(frozen=True)
class Address(Node):
    """fk1:Address (type 3401, kommune 3402 in ``County``)."""

    XSD_TYPE = "fk1:Address"
    FIELDS = (
        Field("type", "fk1:Type", "cs"),
        Field("street_adr", "fk1:StreetAdr"),
        Field("postal_code", "fk1:PostalCode"),
        Field("city", "fk1:City"),
        Field("postbox", "fk1:Postbox"),
        Field("county", "fk1:County", "cs"),
        Field("country", "fk1:Country", "cs"),
    )
    type: Code | None = None
    street_adr: str | None = None
    postal_code: str | None = None
    city: str | None = None
    postbox: str | None = None
    county: Code | None = None
    country: Code | None = None


def _idented(idents: tuple[Ident, ...], type_id: str) -> str | None:
    return next((i.id for i in idents if i.type_id is not None and i.type_id.v == type_id), None)


_PERSON_FIELDS = (
    Field("family_name", "fk1:FamilyName"),
    Field("middle_name", "fk1:MiddleName"),
    Field("given_name", "fk1:GivenName"),
    Field("date_of_birth", "fk1:DateOfBirth"),
    Field("sex", "fk1:Sex", "cs"),
    Field("idents", "fk1:Ident", "node", many=True, node=Ident),
    Field("address", "fk1:Address", "node", node=Address),
    Field("telecoms", "fk1:TeleCom", "node", many=True, node=TeleCom),
)


@dataclass(frozen=True)
class Person(Node):
    """fk1:Person, e.g. ``ParorendeForesatt/Referanseperson``."""

    XSD_TYPE = "fk1:Person"
    FIELDS = _PERSON_FIELDS
    family_name: str | None = None
    middle_name: str | None = None
    given_name: str | None = None
    date_of_birth: str | None = None
    sex: Code | None = None
    idents: tuple[Ident, ...] = ()
    address: Address | None = None
    telecoms: tuple[TeleCom, ...] = ()


@dataclass(frozen=True)
class HealthcareProfessional(Node):
    """fk1:HealthcareProfessional: category 9060, ``RoleToPatient`` 9034, HPR in ``Ident``."""

    XSD_TYPE = "fk1:HealthcareProfessional"
    FIELDS = (
        Field("type_healthcare_professional", "fk1:TypeHealthcareProfessional", "cs"),
        Field("role_to_patient", "fk1:RoleToPatient", "code"),
        *_PERSON_FIELDS,
    )
    type_healthcare_professional: Code | None = None
    role_to_patient: Code | None = None
    family_name: str | None = None
    middle_name: str | None = None
    given_name: str | None = None
    date_of_birth: str | None = None
    sex: Code | None = None
    idents: tuple[Ident, ...] = ()
    address: Address | None = None
    telecoms: tuple[TeleCom, ...] = ()

    @property
    def hpr(self) -> str | None:
        """The HPR number (``Ident`` with ``TypeId V="HPR"``)."""
        return _idented(self.idents, "HPR")


@dataclass(frozen=True)
class Organisation(Node):
    """fk1:Organisation with an optional sub-unit (``Organisation``); ids HER/ENH/LAV/LIN (9051)."""

    XSD_TYPE = "fk1:Organisation"
    type_organisation: Code | None = None
    name: str | None = None
    idents: tuple[Ident, ...] = ()
    address: Address | None = None
    telecoms: tuple[TeleCom, ...] = ()
    organisation: Organisation | None = None

    def ident(self, type_id: str) -> str | None:
        """The id of one type, e.g. ``ident("HER")`` or ``ident("ENH")``."""
        return _idented(self.idents, type_id)


Organisation.FIELDS = (
    Field("type_organisation", "fk1:TypeOrganisation", "code"),
    Field("name", "fk1:OrganisationName"),
    Field("idents", "fk1:Ident", "node", many=True, node=Ident),
    Field("address", "fk1:Address", "node", node=Address),
    Field("telecoms", "fk1:TeleCom", "node", many=True, node=TeleCom),
    Field("organisation", "fk1:Organisation", "node", node=Organisation),
)


@dataclass(frozen=True)
class InformasjonOmForsendelsen(Node):
    """poKomponent InformasjonOmForsendelsen: ``Forsendelsesstatus`` (7309 N/M/C) and flags."""

    FIELDS = (
        Field("forsendelsesstatus", "po:Forsendelsesstatus", "cs"),
        Field("forbehold_om_videresending", "po:ForbeholdOmVideresending", "bool"),
        Field("svar_paa_foresporsel", "po:SvarPaaForesporsel", "bool"),
    )
    forsendelsesstatus: Code | None = None
    forbehold_om_videresending: bool | None = None
    svar_paa_foresporsel: bool | None = None


@dataclass(frozen=True)
class AnsvarForRapport(Node):
    """poKomponent AnsvarForRapport: ``AnsvarligRapport`` and ``GodkjentDato``."""

    FIELDS = (
        Field("ansvarlig", "po:AnsvarligRapport", "node", node=HealthcareProfessional),
        Field("godkjent_dato", "po:GodkjentDato"),
        Field("type_relasjon", "po:TypeRelasjon", "code"),
        Field("merknad", "po:Merknad"),
    )
    ansvarlig: HealthcareProfessional | None = None
    godkjent_dato: str | None = None
    type_relasjon: Code | None = None
    merknad: str | None = None


@dataclass(frozen=True)
class TilknyttetEnhet(Node):
    """poKomponent TilknyttetEnhet: the ``Kontaktenhet`` organisation."""

    FIELDS = (
        Field("kontaktenhet", "po:Kontaktenhet", "node", node=Organisation),
        Field("merknad", "po:Merknad"),
    )
    kontaktenhet: Organisation | None = None
    merknad: str | None = None


@dataclass(frozen=True)
class KontaktpersonHelsepersonell(Node):
    """poKomponent KontaktpersonHelsepersonell: ``Kontaktperson``."""

    FIELDS = (
        Field("kontaktperson", "po:Kontaktperson", "node", node=HealthcareProfessional),
        Field("merknad", "po:Merknad"),
    )
    kontaktperson: HealthcareProfessional | None = None
    merknad: str | None = None


@dataclass(frozen=True)
class ParorendeForesatt(Node):
    """poKomponent ParorendeForesatt: ``Slektskap`` 9033, ``Omsorgsfunksjon`` 9050, ``Referanseperson``."""

    FIELDS = (
        Field("slektskap", "po:Slektskap", "cs"),
        Field("omsorgsfunksjon", "po:Omsorgsfunksjon", "cs"),
        Field("fodselsar_mindrearig", "po:FodselsarMindrearigParorende"),
        Field("person", "po:Referanseperson", "node", node=Person),
        Field("merknad", "po:Merknad"),
    )
    slektskap: Code | None = None
    omsorgsfunksjon: Code | None = None
    fodselsar_mindrearig: str | None = None
    person: Person | None = None
    merknad: str | None = None


@dataclass(frozen=True)
class TilleggsopplysningPasient(Node):
    """poKomponent TilleggsopplysningPasient: ``SivilStatus`` 8724, ``BorAlene``, ``Sprak`` 3303."""

    FIELDS = (
        Field("sivilstatus", "po:SivilStatus", "cs"),
        Field("bor_alene", "po:BorAlene", "bool"),
        Field("sprak", "po:Sprak", "cs"),
    )
    sivilstatus: Code | None = None
    bor_alene: bool | None = None
    sprak: Code | None = None


@dataclass(frozen=True)
class TypeInnholdIMelding(Node):
    """poKomponent TypeInnholdIMelding: ``TypeInnhold`` (9137–9140)."""

    FIELDS = (Field("type_innhold", "po:TypeInnhold", "code"), Field("merknad", "po:Merknad"))
    type_innhold: Code | None = None
    merknad: str | None = None
