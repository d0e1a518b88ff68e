"""The typed PLO message: kind, version, header parts, clinical parts and Pasientlogistikk events.

One ``PloMessage`` per payload root (HIS 80704 message roots; PLO 2.0 keeps the header parts inside
``FellesAdministrativeOpplysninger``). ``source`` is the payload document the typed fields came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from samband.adapters.plo import clinical as c
from samband.adapters.plo import parties as p
from samband.adapters.plo.nodes import Code, Field, Node


@dataclass(frozen=True)
class TidsfestetHendelse(Node):
    """poKomponent TidsfestetHendelse: ``Hendelsekode`` (9121), ``TidspunktForHendelse``, ``Anslag``."""

    FIELDS = (
        Field("hendelsekode", "po:Hendelsekode", "code"),
        Field("beskrivelse", "po:BeskrivelseAvHendelse"),
        Field("tidspunkt", "po:TidspunktForHendelse", "ts"),
        Field("anslag", "po:Anslag", "bool"),
        Field("merknad", "po:Merknad"),
    )
    hendelsekode: Code | None = None
    beskrivelse: str | None = None
    tidspunkt: str | None = None
    anslag: bool | None = None
    merknad: str | None = None


@dataclass(frozen=True)
class UtskrevetTil(Node):
    """poKomponent UtskrevetTil: ``Uttilstand`` (8431) and ``UtTil`` (8408)."""

    FIELDS = (
        Field("uttilstand", "po:Uttilstand", "code"),
        Field("ut_til", "po:UtTil", "code"),
        Field("merknad", "po:Merknad"),
    )
    uttilstand: Code | None = None
    ut_til: Code | None = None
    merknad: str | None = None


@dataclass(frozen=True)
class OpplysningOpphold(Node):
    """poKomponent OpplysningOpphold: the stay as one ``TidsfestetHendelse``."""

    FIELDS = (Field("hendelse", "po:TidsfestetHendelse", "node", node=TidsfestetHendelse),)
    hendelse: TidsfestetHendelse | None = None


@dataclass(frozen=True)
class Logistikk(Node):
    """The Pasientlogistikk choice element; ``element`` is its local name (``MeldingInnlagtPasient`` …)."""

    FIELDS = (
        Field("utskrevet_til", "po:UtskrevetTil", "node", node=UtskrevetTil),
        Field("hendelser", "po:TidsfestetHendelse", "node", many=True, node=TidsfestetHendelse),
    )
    element: str = "MeldingInnlagtPasient"
    utskrevet_til: UtskrevetTil | None = None
    hendelser: tuple[TidsfestetHendelse, ...] = ()


def _header(name: str, tag: str, node: type[Node], many: bool = True) -> Field:
    return Field(name, tag, "node", many=many, node=node, via="header")


@dataclass(frozen=True)
class PloMessage(Node):
    """One PLO payload. ``kind`` is the MsgInfo/Type value (8279), ``version`` "1.5", "1.6" or "2.0"."""

    FIELDS = (
        _header("forsendelse", "po:InformasjonOmForsendelsen", p.InformasjonOmForsendelsen, many=False),
        _header("tilleggsopplysninger", "po:TilleggsopplysningPasient", p.TilleggsopplysningPasient, False),
        _header("parorende", "po:ParorendeForesatt", p.ParorendeForesatt),
        _header("tilknyttede_enheter", "po:TilknyttetEnhet", p.TilknyttetEnhet),
        _header("kontaktpersoner", "po:KontaktpersonHelsepersonell", p.KontaktpersonHelsepersonell),
        _header("ansvar", "po:AnsvarForRapport", p.AnsvarForRapport),
        Field("type_innhold", "po:TypeInnholdIMelding", "node", node=p.TypeInnholdIMelding),
        Field("innhold_konsultasjon", "po:InnholdKonsultasjon", "node", node=p.InnholdKonsultasjon),
        Field("fraversassistent", "po:Fraversassistent", "node", node=p.Fraversassistent),
        Field("opphold", "po:OpplysningOpphold", "node", many=True, node=OpplysningOpphold),
        Field("diagnoser", "po:InfoMedisinskDiagnose", "node", many=True, node=c.InfoMedisinskDiagnose),
        Field(
            "medisinskfaglige", "po:MedisinskfagligeOpplysninger", "node", node=c.MedisinskfagligeOpplysninger
        ),
        Field("legemidler", "epj3:Legemiddelinfo", "node", many=True, node=c.Legemiddelinfo),
        Field("tjenester", "po:EksisterendeTjeneste", "node", many=True, node=c.EksisterendeTjeneste),
        Field(
            "funksjonsniva", "po:InfoKartleggingFunksjonsniva", "node", node=c.InfoKartleggingFunksjonsniva
        ),
        Field(
            "andre_viktige", "po:InfoAndreViktigeOpplysninger", "node", node=c.InfoAndreViktigeOpplysninger
        ),
        Field("tjenestebehov", "po:TjenesteBehov", "node", many=True, node=c.TjenesteBehov),
    )
    kind: str = ""
    version: str = ""
    namespace: str = ""
    root: str = ""
    forsendelse: p.InformasjonOmForsendelsen | None = None
    tilleggsopplysninger: p.TilleggsopplysningPasient | None = None
    parorende: tuple[p.ParorendeForesatt, ...] = ()
    tilknyttede_enheter: tuple[p.TilknyttetEnhet, ...] = ()
    kontaktpersoner: tuple[p.KontaktpersonHelsepersonell, ...] = ()
    ansvar: tuple[p.AnsvarForRapport, ...] = ()
    type_innhold: p.TypeInnholdIMelding | None = None
    innhold_konsultasjon: p.InnholdKonsultasjon | None = None
    fraversassistent: p.Fraversassistent | None = None
    opphold: tuple[OpplysningOpphold, ...] = ()
    diagnoser: tuple[c.InfoMedisinskDiagnose, ...] = ()
    medisinskfaglige: c.MedisinskfagligeOpplysninger | None = None
    legemidler: tuple[c.Legemiddelinfo, ...] = ()
    tjenester: tuple[c.EksisterendeTjeneste, ...] = ()
    funksjonsniva: c.InfoKartleggingFunksjonsniva | None = None
    andre_viktige: c.InfoAndreViktigeOpplysninger | None = None
    tjenestebehov: tuple[c.TjenesteBehov, ...] = ()
    logistikk: Logistikk | None = None

    @property
    def forsendelsesstatus(self) -> str | None:
        """``InformasjonOmForsendelsen/Forsendelsesstatus/@V``: N (ny), M (endring), C (kansellering)."""
        status = self.forsendelse.forsendelsesstatus if self.forsendelse else None
        return status.v if status else None

    @property
    def all_diagnoses(self) -> tuple[c.MedisinskDiagnose, ...]:
        return tuple(d for info in self.diagnoser for d in info.diagnoser)

    @property
    def hendelser(self) -> tuple[TidsfestetHendelse, ...]:
        """Every TidsfestetHendelse: Pasientlogistikk events and OpplysningOpphold."""
        stays = tuple(o.hendelse for o in self.opphold if o.hendelse is not None)
        return (self.logistikk.hendelser if self.logistikk else ()) + stays

    @property
    def dodsfall_tidspunkt(self) -> str | None:
        """Time of death for Orientering om dødsfall (``LOG_DOD``), else None."""
        if self.logistikk is None or self.logistikk.element != "OrienteringOmDod":
            return None
        return next((h.tidspunkt for h in self.logistikk.hendelser), None)
