"""Typed, immutable model of Dialogmelding 1.0 (HIS 80603:2006) and 1.1 (HIS 80603:2017).

One model serves both versions; ``Dialogmelding.version`` picks the namespace. Elements only 1.1
knows (EmneSporsmal, Formål, KodetOpplysning, TilknyttetEnhet, several TypeJournalinfo) make a 1.0
instance schema-invalid, which the strict Hodemelding serializer reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from samband.adapters.kith.datatypes import Code
from samband.adapters.kith.model import HealthcareProfessional, Organisation, Person
from samband.adapters.kith.shapes import FK1_NS as FK1_NS

DIALOG_10_NS = "http://www.kith.no/xmlstds/dialog/2006-10-11"
DIALOG_11_NS = "http://www.kith.no/xmlstds/dialog/2013-01-23"
NAMESPACES = {"1.0": DIALOG_10_NS, "1.1": DIALOG_11_NS}


@dataclass(frozen=True)
class RichText:
    """Content of an xs:anyType element (TekstNotatInnhold, 1.1 Sporsmal): plain text, and the
    original element bytes when it carries markup (xhtml) or attributes (``xsi:type``), so nothing
    is dropped."""

    text: str
    markup: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class TilknyttetEnhet:
    """TilknyttetEnhet (1.1): Kontaktenhet (felleskomponent1 Organisation), Merknad, person."""

    kontaktenhet: Organisation
    merknad: str | None = None
    healthcare_professional: HealthcareProfessional | None = None
    person: Person | None = None


@dataclass(frozen=True)
class RollerRelatertNotat:
    """RollerRelatertNotat: RolleNotat (9057), RoleToPatient (9034), TilknyttetEnhet, a person."""

    rolle_notat: Code | None = None
    role_to_patient: Code | None = None
    tilknyttet_enhet: TilknyttetEnhet | None = None
    healthcare_professional: HealthcareProfessional | None = None
    person: Person | None = None


@dataclass(frozen=True)
class Foresporsel:
    """Foresporsel: TypeForesp (9152/9153/…), Sporsmal, Formål (9068), Hastegrad (9067), dates …"""

    type_foresp: Code
    emne_sporsmal: str | None = None
    sporsmal: RichText | None = None
    formal: Code | None = None
    begrunnelse: str | None = None
    hastegrad: Code | None = None
    fra_dato: str | None = None
    til_dato: str | None = None
    type_journalinfo: tuple[Code, ...] = ()
    kodet_opplysning: Code | None = None
    dok_id_foresp: str | None = None
    roller: tuple[RollerRelatertNotat, ...] = ()


@dataclass(frozen=True)
class Notat:
    """Notat: TemaKodet (9069/7321/7322/8117/9148), Tema, TekstNotatInnhold, Merknad, DatoNotat,
    the Foresporsel being answered (DIALOG_SVAR) and RollerRelatertNotat."""

    tema_kodet: Code
    tema: str | None = None
    tekst_notat_innhold: RichText | None = None
    merknad: str | None = None
    dok_id_notat: str | None = None
    dato_notat: str | None = None
    foresporsel: Foresporsel | None = None
    roller: tuple[RollerRelatertNotat, ...] = ()


@dataclass(frozen=True)
class Dialogmelding:
    """Dialogmelding: SakstypeKodet, Sakstype, then Foresporsel* or Notat* (one use per instance)."""

    version: str = "1.1"
    sakstype_kodet: Code | None = None
    sakstype: str | None = None
    foresporsler: tuple[Foresporsel, ...] = ()
    notater: tuple[Notat, ...] = ()

    @property
    def namespace(self) -> str:
        return NAMESPACES[self.version]
