"""Typed PLO header parts: the poKomponent header blocks around the felleskomponent1 persons and
organisations (the KITH shared types of ``adapters.kith.model``, read and written by the KITH codec).

HIS 80704 §4 / poKomponent: InformasjonOmForsendelsen, AnsvarForRapport, TilknyttetEnhet,
KontaktpersonHelsepersonell, ParorendeForesatt, TilleggsopplysningPasient, TypeInnholdIMelding.
"""

from __future__ import annotations

from dataclasses import dataclass

from samband.adapters.kith.model import HealthcareProfessional, Organisation, Person
from samband.adapters.kith.shapes import HEALTHCARE_PROFESSIONAL, ORGANISATION, PERSON
from samband.adapters.plo.nodes import Code, Field, Node


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
        Field("ansvarlig", "po:AnsvarligRapport", "kith", part=HEALTHCARE_PROFESSIONAL),
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
        Field("kontaktenhet", "po:Kontaktenhet", "kith", part=ORGANISATION),
        Field("merknad", "po:Merknad"),
    )
    kontaktenhet: Organisation | None = None
    merknad: str | None = None


@dataclass(frozen=True)
class KontaktpersonHelsepersonell(Node):
    """poKomponent KontaktpersonHelsepersonell: ``Kontaktperson``."""

    FIELDS = (
        Field("kontaktperson", "po:Kontaktperson", "kith", part=HEALTHCARE_PROFESSIONAL),
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
        Field("person", "po:Referanseperson", "kith", part=PERSON),
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


@dataclass(frozen=True)
class InnholdKonsultasjon(Node):
    """poKomponent InnholdKonsultasjon (Helseopplysninger til lege): ``TypeInnholdKonsultasjon`` (CS)."""

    FIELDS = (Field("type_innhold", "po:TypeInnholdKonsultasjon", "cs"), Field("merknad", "po:Merknad"))
    type_innhold: Code | None = None
    merknad: str | None = None


@dataclass(frozen=True)
class Fraversassistent(Node):
    """poKomponent Fraversassistent (Melding om fravær, PLO 1.5): the receiver is away, from/to date,
    whether and to whom the message is forwarded."""

    FIELDS = (
        Field("mottaker_fravarende", "po:MottakerFravarende", "bool"),
        Field("melding_videresendt", "po:MeldingVideresendt", "bool"),
        Field("fra_dato", "po:FravarendeFraDato"),
        Field("til_dato", "po:FravarendeTilDato"),
        Field("videresendt_til", "po:VideresendtTil", "kith", part=HEALTHCARE_PROFESSIONAL),
        Field("merknad", "po:Merknad"),
    )
    mottaker_fravarende: bool | None = None
    melding_videresendt: bool | None = None
    fra_dato: str | None = None
    til_dato: str | None = None
    videresendt_til: HealthcareProfessional | None = None
    merknad: str | None = None
