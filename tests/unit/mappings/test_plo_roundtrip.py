"""PLO → FHIR → PLO keeps every field mappings/README.md declares round-trippable, and the result
validates against the official XSD (MsgHead with its PLO payload).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from samband.adapters.msghead.model import MsgHead
from samband.adapters.msghead.parse import parse_msghead
from samband.adapters.plo import PloMessage, parse_plo
from samband.adapters.xml.safe import parse_xml
from samband.adapters.xml.schemas import validate_with_catalog
from samband.kernel.problems import Severity
from samband.mappings.base import fixed_context
from samband.mappings.common.head_time import fhir_datetime
from samband.mappings.registry import from_fhir, to_fhir
from tests.conftest import SAMPLES

TESTS = Path(__file__).resolve().parents[2]
ROUND_TRIP_TYPES = (
    "ORIENTERING_TJENESTETILBUD",
    "HELSEOPPLYSNINGER_LEGE",
    "MEDISINSKE_OPPLYSNINGER",
    "LOG_INNLAGT",
    "LOG_UTSKRIVNINGSKLAR",
    "LOG_AVMELDING",
    "LOG_UTSKREVET",
    "LOG_DOD",
)


def _files() -> list[Path]:
    own = sorted((TESTS / "messages" / "plo").glob("*.xml"))
    official = sorted(SAMPLES.glob("plo/*/*.xml")) if SAMPLES.is_dir() else []
    return [p for p in own + official if parse_msghead(p.read_bytes()).msg_type in ROUND_TRIP_TYPES]


def _code(code: Any) -> tuple[str | None, str | None] | None:
    return (code.v, (code.s or "").rsplit(".", 1)[-1] or None) if code is not None and code.v else None


def _hp(hp: Any) -> tuple[object, ...] | None:
    if hp is None:
        return None
    idents = tuple((i.id, i.type_id.v if i.type_id else None) for i in hp.idents)
    return (
        hp.family_name,
        hp.given_name,
        idents,
        _code(hp.role_to_patient),
        hp.type_hp.v if hp.type_hp else None,
    )


def head_fields(head: MsgHead) -> dict[str, object]:
    document = head.documents[0]
    info = head.msg_info
    patient = info.patient
    return {
        "type": info.type.v,
        "issue_date": fhir_datetime(document.ref_doc.issue_date),
        "consent": document.consent.v if document.consent else None,
        "content_description": document.content_description,
        "msg_id": info.msg_id,
        "sender": info.sender.her_id,
        "receiver": info.receiver.her_id,
        "conversation": (info.conversation_ref.ref_to_parent, info.conversation_ref.ref_to_conversation)
        if info.conversation_ref
        else None,
        "patient": (
            patient.family_name,
            patient.given_name,
            patient.date_of_birth,
            patient.sex.v if patient.sex else None,
            patient.person_id,
        )
        if patient
        else None,
    }


def plo_fields(msg: PloMessage) -> dict[str, object]:
    """The fields mappings/README.md declares round-trippable."""
    tjenester = [
        (
            _code(t.iplos_tjenestetype),
            t.betegnelse,
            t.privat_tjeneste,
            t.levert_av,
            t.opplysninger,
            t.antall_enheter,
            t.enhet,
            t.startdato,
            t.sluttdato,
            t.merknad,
        )
        for t in msg.tjenester
    ]
    diagnoser = [
        (_code(d.diagnosekode), d.hoveddiagnose, d.beskrivelse)
        for info in msg.diagnoser
        for d in info.diagnoser
    ]
    legemidler = []
    for lm in msg.legemidler:
        f = lm.forskrivning
        i = f.forskrivningsinfo if f else None
        if i is not None and f is not None:
            legemidler.append(
                (
                    i.navn,
                    i.atc.v if i.atc else None,
                    i.legemiddelform.v if i.legemiddelform else None,
                    (i.styrke.v, i.styrke.u) if i.styrke else None,
                    i.bruk.v if i.bruk else None,
                    i.dosering_tekst,
                    i.dosering_start,
                    i.dosering_slutt,
                    f.merknad,
                    f.inngaar_i_multidose.v if f.inngaar_i_multidose else None,
                )
            )
    funksjoner = [
        (_code(k.funksjonsvariabel), k.vurdering, k.merknad)
        for k in (msg.funksjonsniva.funksjoner if msg.funksjonsniva else ())
    ]
    notater = []
    if msg.medisinskfaglige:
        notater = [
            (_code(t.overskriftskode), " ".join((t.notat or "").split()))
            for n in msg.medisinskfaglige.journalnotater
            for t in n.tekster
        ]
    logistikk = None
    if msg.logistikk is not None:
        out = msg.logistikk.utskrevet_til
        events = [
            (_code(h.hendelsekode), h.beskrivelse, fhir_datetime(h.tidspunkt), bool(h.anslag), h.merknad)
            for h in msg.logistikk.hendelser
        ]
        leaving = (_code(out.uttilstand), _code(out.ut_til), out.merknad) if out else None
        logistikk = (msg.logistikk.element, events, leaving)
    return {
        "logistikk": logistikk,
        "status": msg.forsendelse.forsendelsesstatus.v
        if msg.forsendelse and msg.forsendelse.forsendelsesstatus
        else None,
        "ansvar": [(_hp(a.ansvarlig), a.godkjent_dato) for a in msg.ansvar][:1],
        "kontaktpersoner": sorted(str(_hp(k.kontaktperson)) for k in msg.kontaktpersoner),
        "enheter": sorted(
            str(
                (
                    e.kontaktenhet.name,
                    [(i.id, i.type_id.v if i.type_id else None) for i in e.kontaktenhet.idents],
                )
            )
            for e in msg.tilknyttede_enheter
            if e.kontaktenhet
        ),
        "parorende": [
            (
                p.slektskap.v if p.slektskap else None,
                p.person.family_name if p.person else None,
                p.person.given_name if p.person else None,
            )
            for p in msg.parorende
        ],
        "tjenester": tjenester,
        "diagnoser": diagnoser,
        "legemidler": legemidler,
        "funksjoner": funksjoner,
        "notater": notater,
    }


ROUND_TRIP = _files()


def test_round_trip_cases_cover_the_supported_types() -> None:
    kinds = {parse_msghead(p.read_bytes()).msg_type for p in ROUND_TRIP}
    assert kinds == set(ROUND_TRIP_TYPES)


@pytest.mark.parametrize("path", ROUND_TRIP, ids=lambda p: p.name)
def test_plo_fhir_plo_keeps_declared_fields(path: Path) -> None:
    raw = path.read_bytes()
    pivot = to_fhir(raw, fixed_context())
    back = from_fhir(pivot.result, "plo", fixed_context()).result
    findings = validate_with_catalog(parse_xml(back))
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    assert head_fields(parse_msghead(back)) == head_fields(parse_msghead(raw))
    assert plo_fields(parse_plo(back)) == plo_fields(parse_plo(raw))
