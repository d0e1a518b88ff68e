"""Compose PLO messages from scratch: what the gateway sends (HIS 80704 §3 flows).

Each builder returns a ``PloMessage`` without ``source``; ``serialize_plo`` writes it in XSD order
and checks the official schema. Codes get their Volven OID and display name from ``kernel/codes``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from samband.adapters.kith.model import HealthcareProfessional, Ident, TeleCom
from samband.adapters.plo import catalog
from samband.adapters.plo import clinical as c
from samband.adapters.plo.message import Logistikk, PloMessage, TidsfestetHendelse, UtskrevetTil
from samband.adapters.plo.nodes import Code, Quantity
from samband.adapters.plo.parties import AnsvarForRapport, InformasjonOmForsendelsen
from samband.kernel.codes import lookup
from samband.kernel.errors import UnsupportedMessage

_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:samband:plo:komponent")


def code(system: str, value: str, dn: str | None = None, *, cs: bool = False) -> Code:
    """A code from Volven list ``system`` ("9151"); kith:CS (``cs=True``) carries no ``S``."""
    name = dn or lookup.display(system, value)
    return Code(v=value, dn=name, s=None if cs else lookup.oid(system))


def komponent_id(*parts: str | None) -> str:
    """A deterministic EPJ ``komponentID`` (UUID v5) from the component's content."""
    return str(uuid.uuid5(_ID_NAMESPACE, "|".join(p or "" for p in parts)))


def forsendelse(status: str = "N", *, svar_paa_foresporsel: bool | None = None) -> InformasjonOmForsendelsen:
    """InformasjonOmForsendelsen with Forsendelsesstatus (7309, kith:CS): N, M, C …"""
    return InformasjonOmForsendelsen(
        forsendelsesstatus=code("7309", status, cs=True), svar_paa_foresporsel=svar_paa_foresporsel
    )


def tjeneste(
    tjenestetype: str,
    *,
    betegnelse: str | None = None,
    antall_enheter: Decimal | None = None,
    enhet: str | None = None,
    startdato: str | None = None,
    sluttdato: str | None = None,
    privat: bool = False,
) -> c.EksisterendeTjeneste:
    """EksisterendeTjeneste with IPLOS tjenestetype (9151)."""
    return c.EksisterendeTjeneste(
        iplos_tjenestetype=code("9151", tjenestetype),
        betegnelse=betegnelse,
        privat_tjeneste=privat,
        antall_enheter=antall_enheter,
        enhet=enhet,
        startdato=startdato,
        sluttdato=sluttdato,
    )


def hendelse(
    kode: str, tidspunkt: str, *, anslag: bool = False, beskrivelse: str | None = None
) -> TidsfestetHendelse:
    """TidsfestetHendelse with Hendelsekode (9121) and TidspunktForHendelse."""
    return TidsfestetHendelse(
        hendelsekode=code("9121", kode), beskrivelse=beskrivelse, tidspunkt=tidspunkt, anslag=anslag
    )


def diagnose(
    value: str, dn: str, *, system: str = "7170", hoveddiagnose: bool | None = None
) -> c.MedisinskDiagnose:
    """MedisinskDiagnose coded in ICPC-2 (7170, default) or ICD-10 (7110)."""
    return c.MedisinskDiagnose(hoveddiagnose=hoveddiagnose, diagnosekode=code(system, value, dn))


def legemiddel(
    navn: str,
    *,
    atc: str | None = None,
    legemiddelform: Code | None = None,
    styrke: Quantity | None = None,
    dosering: str | None = None,
    start: str | None = None,
    id: str | None = None,
) -> c.Legemiddelinfo:
    """Legemiddelinfo/ForenkletForskrivning/Forskrivningsinfo (epj3); ATC is kith:CS here."""
    info = c.Forskrivningsinfo(
        dosering_tekst=dosering,
        navn=navn,
        atc=Code(v=atc) if atc else None,
        legemiddelform=legemiddelform,
        styrke=styrke,
        dosering_start=start,
    )
    return c.Legemiddelinfo(
        komponent_id=id or komponent_id("Legemiddelinfo", navn, atc, start),
        informasjonskategori="Legemidler",
        forskrivning=c.ForenkletForskrivning(forskrivningsinfo=info),
    )


def journalnotat(
    tekster: Iterable[tuple[Code | None, str]], *, id: str | None = None
) -> c.GenereltJournalnotat:
    """GenereltJournalnotat (epj2) with one Journaltekst per (Overskriftskode, Notat)."""
    parts = tuple(c.Journaltekst(overskriftskode=head, notat=text) for head, text in tekster)
    key = komponent_id("GenereltJournalnotat", *(t.notat for t in parts))
    return c.GenereltJournalnotat(komponent_id=id or key, informasjonskategori="Andre notater", tekster=parts)


def new_message(kind: str, version: str = "1.6", **fields: Any) -> PloMessage:
    """An empty PloMessage of MsgInfo/Type ``kind`` (``LOG_*`` picks the Pasientlogistikk element;
    an alias such as MELDING_FRAVAR gives its published type)."""
    kind = catalog.canonical_kind(kind)
    events = {k: element for element, (k, _dn) in catalog.logistikk_kinds().items()}
    root = "Pasientlogistikk" if kind in catalog.logistikk_types(version) else None
    for spec in catalog.messages().values():
        if spec.version == version and (spec.kind == kind or (root and spec.root == root)):
            if root and "logistikk" not in fields:
                fields["logistikk"] = Logistikk(element=events[kind])
            return PloMessage(kind=kind, version=version, namespace=spec.namespace, root=spec.root, **fields)
    raise UnsupportedMessage(
        f"no PLO {version} message of type {kind}",
        code="plo.unsupported-type",
        received=f"{kind} {version}",
        expected="a MsgInfo/Type and version from adapters/plo/catalog.yaml",
    )


def build_orientering_tjenestetilbud(
    tjenester: Iterable[c.EksisterendeTjeneste], *, status: str = "N", version: str = "1.6", **fields: Any
) -> PloMessage:
    """Orientering om tjenestetilbud (HIS 1146): municipality → GP, the services the patient gets."""
    return new_message(
        "ORIENTERING_TJENESTETILBUD",
        version,
        forsendelse=forsendelse(status),
        tjenester=tuple(tjenester),
        **fields,
    )


def build_helseopplysninger_lege(*, status: str = "N", version: str = "1.6", **fields: Any) -> PloMessage:
    """Helseopplysninger til lege (HIS 1145, root Konsultasjon): PLO → GP."""
    return new_message("HELSEOPPLYSNINGER_LEGE", version, forsendelse=forsendelse(status), **fields)


def build_medisinske_opplysninger(*, status: str = "N", version: str = "1.6", **fields: Any) -> PloMessage:
    """Medisinske opplysninger (HIS 1147, root OverforingMedisinskeOpplysninger): GP → PLO."""
    return new_message("MEDISINSKE_OPPLYSNINGER", version, forsendelse=forsendelse(status), **fields)


def build_logistikk(
    kind: str,
    hendelser: Iterable[TidsfestetHendelse],
    *,
    status: str = "N",
    utskrevet_til: UtskrevetTil | None = None,
    version: str = "1.6",
    **fields: Any,
) -> PloMessage:
    """Pasientlogistikk (HIS 1148): ``LOG_INNLAGT``, ``LOG_UTSKRIVNINGSKLAR``, ``LOG_AVMELDING``,
    ``LOG_UTSKREVET`` (needs ``utskrevet_til``) or ``LOG_DOD``."""
    shell = new_message(kind, version)
    if shell.logistikk is None:
        raise UnsupportedMessage(f"{kind} is not a Pasientlogistikk type", code="plo.unsupported-type")
    event = Logistikk(
        element=shell.logistikk.element, utskrevet_til=utskrevet_til, hendelser=tuple(hendelser)
    )
    return new_message(kind, version, forsendelse=forsendelse(status), logistikk=event, **fields)


def ansvar(
    family_name: str,
    given_name: str,
    hpr: str,
    *,
    kategori: str | None = None,
    rolle: str | None = None,
    telefon: str | None = None,
    godkjent_dato: str | None = None,
) -> AnsvarForRapport:
    """AnsvarForRapport: the responsible professional (HPR, category 9060, role 9034, phone)."""
    person = HealthcareProfessional(
        type_hp=code("9060", kategori, cs=True) if kategori else None,
        role_to_patient=code("9034", rolle) if rolle else None,
        family_name=family_name,
        given_name=given_name,
        idents=(Ident(id=hpr, type_id=code("8116", "HPR", "HPR-nummer")),),
        telecoms=(TeleCom(address=f"tel:{telefon}"),) if telefon else (),
    )
    return AnsvarForRapport(ansvarlig=person, godkjent_dato=godkjent_dato)
