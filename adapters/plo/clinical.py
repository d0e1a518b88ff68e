"""Typed PLO clinical parts: services, IPLOS functional assessment, diagnoses, notes, CAVE, medication.

poKomponent EksisterendeTjeneste/TjenesteBehov (9151), InfoKartleggingFunksjonsniva (9111),
InfoMedisinskDiagnose (7170/7110), EPJ epj1 Cave, epj2 GenereltJournalnotat, epj3 Legemiddelinfo.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from samband.adapters.kith.model import HealthcareProfessional
from samband.adapters.kith.shapes import HEALTHCARE_PROFESSIONAL
from samband.adapters.plo.nodes import Code, Field, Node, Quantity

_EPJ_ID = Field("komponent_id", "@komponentID", "attr")
_EPJ_CATEGORY = Field("informasjonskategori", "@m1:informasjonskategori", "attr")


@dataclass(frozen=True)
class EksisterendeTjeneste(Node):
    """HIS 1146 EksisterendeTjeneste: one municipal service (IPLOS tjenestetype 9151)."""

    FIELDS = (
        Field("iplos_tjenestetype", "po:IPLOStjenestetype", "code"),
        Field("betegnelse", "po:BetegnelseTjeneste"),
        Field("privat_tjeneste", "po:PrivatTjeneste", "bool"),
        Field("levert_av", "po:TjenestenLevertAv"),
        Field("opplysninger", "po:OpplysningerOmTjenesten"),
        Field("antall_enheter", "po:AntallEnheter", "decimal"),
        Field("enhet", "po:Enhet"),
        Field("startdato", "po:Startdato"),
        Field("sluttdato", "po:Sluttdato"),
        Field("merknad", "po:Merknad"),
    )
    iplos_tjenestetype: Code | None = None
    betegnelse: str | None = None
    privat_tjeneste: bool | None = None
    levert_av: str | None = None
    opplysninger: str | None = None
    antall_enheter: Decimal | None = None
    enhet: str | None = None
    startdato: str | None = None
    sluttdato: str | None = None
    merknad: str | None = None


@dataclass(frozen=True)
class TjenesteBehov(Node):
    """poKomponent TjenesteBehov: a service the patient is expected to need (9151)."""

    FIELDS = (
        Field("iplos_tjenestetype", "po:IPLOStjenestetype", "code"),
        Field("betegnelse", "po:BetegnelseTjeneste"),
        Field("ved_institusjon", "po:VedInstitusjon"),
        Field("beskrivelse", "po:BeskrivelseAvTjeneste"),
        Field("antall_enheter_onsket", "po:AntallEnheterOnsket", "decimal"),
        Field("enhet", "po:Enhet"),
    )
    iplos_tjenestetype: Code | None = None
    betegnelse: str | None = None
    ved_institusjon: str | None = None
    beskrivelse: str | None = None
    antall_enheter_onsket: Decimal | None = None
    enhet: str | None = None


@dataclass(frozen=True)
class KartlagtFunksjon(Node):
    """IPLOS KartlagtFunksjon: ``Funksjonsvariabel`` (9111) with ``Vurdering`` (1–5)."""

    FIELDS = (
        Field("funksjonsvariabel", "po:Funksjonsvariabel", "code"),
        Field("vurdering", "po:Vurdering", "int"),
        Field("merknad", "po:Merknad"),
    )
    funksjonsvariabel: Code | None = None
    vurdering: int | None = None
    merknad: str | None = None


@dataclass(frozen=True)
class SamletVurderingFunksjonsniva(Node):
    """IPLOS SamletVurderingFunksjonsniva: ``Pleietyngde``, ``VurderingPleietyngde``, ``Merknad``."""

    FIELDS = (
        Field("pleietyngde", "po:Pleietyngde", "decimal"),
        Field("vurdering", "po:VurderingPleietyngde"),
        Field("merknad", "po:Merknad"),
    )
    pleietyngde: Decimal | None = None
    vurdering: str | None = None
    merknad: str | None = None


@dataclass(frozen=True)
class InfoKartleggingFunksjonsniva(Node):
    """IPLOS InfoKartleggingFunksjonsniva: the overall assessment and the ``KartlagtFunksjon`` list."""

    FIELDS = (
        Field("samlet", "po:SamletVurderingFunksjonsniva", "node", node=SamletVurderingFunksjonsniva),
        Field("funksjoner", "po:KartlagtFunksjon", "node", many=True, node=KartlagtFunksjon),
    )
    samlet: SamletVurderingFunksjonsniva | None = None
    funksjoner: tuple[KartlagtFunksjon, ...] = ()


@dataclass(frozen=True)
class MedisinskDiagnose(Node):
    """poKomponent MedisinskDiagnose: ``Hoveddiagnose`` and ``Diagnosekode`` (ICPC-2 7170 / ICD-10 7110)."""

    FIELDS = (
        Field("hoveddiagnose", "po:Hoveddiagnose", "bool"),
        Field("diagnosekode", "po:Diagnosekode", "code"),
        Field("beskrivelse", "po:DiagnoseBeskrivelse"),
    )
    hoveddiagnose: bool | None = None
    diagnosekode: Code | None = None
    beskrivelse: str | None = None


@dataclass(frozen=True)
class InfoMedisinskDiagnose(Node):
    """poKomponent InfoMedisinskDiagnose: one or more ``MedisinskDiagnose``."""

    FIELDS = (Field("diagnoser", "po:MedisinskDiagnose", "node", many=True, node=MedisinskDiagnose),)
    diagnoser: tuple[MedisinskDiagnose, ...] = ()


@dataclass(frozen=True)
class Journaltekst(Node):
    """EPJ epj2 Journaltekst: ``Overskriftskode`` (9141–9145) and ``Notat``."""

    FIELDS = (
        Field("overskriftskode", "epj2:Overskriftskode", "code"),
        Field("notat", "epj2:Notat"),
        Field("merknad", "epj2:Merknad"),
    )
    overskriftskode: Code | None = None
    notat: str | None = None
    merknad: str | None = None


@dataclass(frozen=True)
class GenereltJournalnotat(Node):
    """EPJ epj2 GenereltJournalnotat: ``komponentID`` plus one or more ``Journaltekst``."""

    FIELDS = (
        _EPJ_ID,
        _EPJ_CATEGORY,
        Field("tekster", "epj2:Journaltekst", "node", many=True, node=Journaltekst),
    )
    komponent_id: str | None = None
    informasjonskategori: str | None = None
    tekster: tuple[Journaltekst, ...] = ()


@dataclass(frozen=True)
class StikkordCave(Node):
    """EPJ epj1 StikkordCave: one ``CaveStikkord``."""

    FIELDS = (Field("stikkord", "epj1:CaveStikkord"),)
    stikkord: str | None = None


@dataclass(frozen=True)
class SakshodeCave(Node):
    """EPJ epj1 SakshodeCave: the CAVE keywords."""

    FIELDS = (
        _EPJ_ID,
        _EPJ_CATEGORY,
        Field("stikkord", "epj1:StikkordCave", "node", many=True, node=StikkordCave),
    )
    komponent_id: str | None = None
    informasjonskategori: str | None = None
    stikkord: tuple[StikkordCave, ...] = ()


@dataclass(frozen=True)
class Allergi(Node):
    """EPJ epj1 Allergi: ``AllergiskMot`` with coded substance (ATC ``VirkestoffLegemiddel``)."""

    FIELDS = (
        Field("allergisk_mot", "epj1:AllergiskMot"),
        Field("virkestoff_legemiddel", "epj1:VirkestoffLegemiddel", "code"),
        Field("kode_annet_stoff", "epj1:KodeAnnetStoff", "code"),
        Field("anafylaktiske_reaksjoner", "epj1:AnafylaktiskeReaksjoner", "cs"),
    )
    allergisk_mot: str | None = None
    virkestoff_legemiddel: Code | None = None
    kode_annet_stoff: Code | None = None
    anafylaktiske_reaksjoner: Code | None = None


@dataclass(frozen=True)
class Allerginotat(Node):
    """EPJ epj1 Allerginotat: free-text ``Journaltekst`` and one ``Allergi``."""

    FIELDS = (
        _EPJ_ID,
        _EPJ_CATEGORY,
        Field("tekster", "epj2:Journaltekst", "node", many=True, node=Journaltekst),
        Field("allergi", "epj1:Allergi", "node", node=Allergi),
    )
    komponent_id: str | None = None
    informasjonskategori: str | None = None
    tekster: tuple[Journaltekst, ...] = ()
    allergi: Allergi | None = None


@dataclass(frozen=True)
class Cave(Node):
    """EPJ epj1 Cave: ``SakshodeCave`` and ``Allerginotat`` entries."""

    FIELDS = (
        _EPJ_ID,
        _EPJ_CATEGORY,
        Field("sakshode", "epj1:SakshodeCave", "node", node=SakshodeCave),
        Field("allerginotater", "epj1:Allerginotat", "node", many=True, node=Allerginotat),
    )
    komponent_id: str | None = None
    informasjonskategori: str | None = None
    sakshode: SakshodeCave | None = None
    allerginotater: tuple[Allerginotat, ...] = ()


@dataclass(frozen=True)
class MedisinskfagligeOpplysninger(Node):
    """poKomponent MedisinskfagligeOpplysninger: ``Cave``, ``Allerginotat``, ``GenereltJournalnotat``."""

    FIELDS = (
        Field("cave", "epj1:Cave", "node", node=Cave),
        Field("allerginotater", "epj1:Allerginotat", "node", many=True, node=Allerginotat),
        Field("journalnotater", "epj2:GenereltJournalnotat", "node", many=True, node=GenereltJournalnotat),
    )
    cave: Cave | None = None
    allerginotater: tuple[Allerginotat, ...] = ()
    journalnotater: tuple[GenereltJournalnotat, ...] = ()


@dataclass(frozen=True)
class InfoAndreViktigeOpplysninger(Node):
    """poKomponent InfoAndreViktigeOpplysninger: further notes and allergy notes."""

    FIELDS = (
        Field("journalnotater", "epj2:GenereltJournalnotat", "node", many=True, node=GenereltJournalnotat),
        Field("allerginotater", "epj1:Allerginotat", "node", many=True, node=Allerginotat),
    )
    journalnotater: tuple[GenereltJournalnotat, ...] = ()
    allerginotater: tuple[Allerginotat, ...] = ()


@dataclass(frozen=True)
class Forskrivningsinfo(Node):
    """EPJ epj3 Forskrivningsinfo: name, ATC (7180), form (7448), strength, use (9101), dosage, start."""

    FIELDS = (
        Field("bruksomrade", "epj3:BruksomradeTekst"),
        Field("dosering_tekst", "epj3:DosVeiledEnkel"),
        Field("nr", "epj3:Nr"),
        Field("navn", "epj3:Navn"),
        Field("generisk_navn", "epj3:GeneriskNavn"),
        Field("atc", "epj3:Atc", "cs"),
        Field("legemiddelform", "epj3:Legemiddelform", "cs"),
        Field("styrke", "epj3:Styrke", "pq"),
        Field("bruk", "epj3:Bruk", "cs"),
        Field("dosering_start", "epj3:DoseringStarttidspunkt", "value"),
        Field("dosering_slutt", "epj3:DoseringSluttidspunkt", "value"),
        Field("skal_ikke_tas_sammen", "epj3:SkalIkkeTasSammenMedAnnetLegemiddel", "bool"),
    )
    bruksomrade: str | None = None
    dosering_tekst: str | None = None
    nr: str | None = None
    navn: str | None = None
    generisk_navn: str | None = None
    atc: Code | None = None
    legemiddelform: Code | None = None
    styrke: Quantity | None = None
    bruk: Code | None = None
    dosering_start: str | None = None
    dosering_slutt: str | None = None
    skal_ikke_tas_sammen: bool | None = None


@dataclass(frozen=True)
class ForenkletForskrivning(Node):
    """EPJ epj3 ForenkletForskrivning: multidose flag, prescriber and ``Forskrivningsinfo``."""

    FIELDS = (
        Field("status", "epj3:StatusTilForskrivningen", "cs"),
        Field("inngaar_i_multidose", "epj3:InngaarIMultidose", "cs"),
        Field("resept_id", "epj3:ReseptId"),
        Field("merknad", "epj3:Merknad"),
        Field("forskriver", "epj3:Forskriver", "kith", part=HEALTHCARE_PROFESSIONAL),
        Field("forskrivningsinfo", "epj3:Forskrivningsinfo", "node", node=Forskrivningsinfo),
    )
    status: Code | None = None
    inngaar_i_multidose: Code | None = None
    resept_id: str | None = None
    merknad: str | None = None
    forskriver: HealthcareProfessional | None = None
    forskrivningsinfo: Forskrivningsinfo | None = None


@dataclass(frozen=True)
class Legemiddelinfo(Node):
    """EPJ epj3 Legemiddelinfo: one medication (``ForenkletForskrivning``)."""

    FIELDS = (
        _EPJ_ID,
        _EPJ_CATEGORY,
        Field("forskrivning", "epj3:ForenkletForskrivning", "node", node=ForenkletForskrivning),
    )
    komponent_id: str | None = None
    informasjonskategori: str | None = None
    forskrivning: ForenkletForskrivning | None = None
