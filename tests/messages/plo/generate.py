"""Writes the synthetic PLO and Dialogmelding fixtures in tests/messages/{plo,dialogmelding}.

Run ``.venv/bin/python -m tests.messages.plo.generate`` (or as a script) after changing it. Persons are
invented, FNRs are synthetic with valid check digits, HER-ids are test values (88xxxxx). Every
document is built through the adapters' strict serializers, so each fixture is schema-valid.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from samband.adapters.dialogmelding.codec import serialize_dialogmelding
from samband.adapters.dialogmelding.model import (
    Dialogmelding,
    Foresporsel,
    Notat,
    RichText,
    RollerRelatertNotat,
)
from samband.adapters.kith.datatypes import Code as KCode
from samband.adapters.kith.model import Address, HealthcareProfessional, Ident, Organisation, Person, TeleCom
from samband.adapters.msghead.model import (
    Attachment,
    ConversationRef,
    Document,
    MsgHead,
    MsgInfo,
    Party,
    Payload,
    RefDoc,
)
from samband.adapters.msghead.payloads import payload_of
from samband.adapters.msghead.serialize import serialize_msghead
from samband.adapters.plo import build, serialize_plo
from samband.adapters.plo import clinical as c
from samband.adapters.plo import parties as pp
from samband.adapters.plo.message import OpplysningOpphold, PloMessage, UtskrevetTil
from samband.adapters.plo.nodes import Quantity

HERE = Path(__file__).resolve().parent
DIALOG_DIR = HERE.parent / "dialogmelding"
_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def synthetic_fnr(ddmmyy: str) -> str:
    """The first individual number (from 400) that gives valid mod-11 check digits."""
    for individual in range(400, 500):
        digits = f"{ddmmyy}{individual:03d}"
        for weights in (_W1, _W2):
            rest = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
            if rest == 10:
                break
            digits += str(0 if rest == 11 else rest)
        if len(digits) == 11:
            return digits
    raise ValueError(ddmmyy)


def her(value: str) -> Ident:
    return Ident(id=value, type_id=KCode.of("HER", "HER-id", 9051))


def hp_her(value: str) -> Ident:
    return Ident(id=value, type_id=KCode.of("HER", "HER-id", 8116))


MUNICIPALITY = Organisation(
    name="Fjellbygd kommune",
    idents=(
        her("8800001"),
        Ident(id="999000111", type_id=KCode.of("ENH", "Organisasjonsnummeret i Enhetsregister", 9051)),
    ),
    organisation=Organisation(name="Tildelingskontoret", idents=(her("8800002"),)),
)
HOME_CARE = Organisation(
    name="Fjellbygd kommune",
    idents=(her("8800001"),),
    organisation=Organisation(name="Hjemmetjenesten Fjellbygd", idents=(her("8800003"),)),
)
GP_OFFICE = Organisation(
    name="Solsiden legekontor",
    idents=(her("8800101"),),
    healthcare_professional=HealthcareProfessional(
        family_name="Fjell", given_name="Kari", idents=(hp_her("8800102"),)
    ),
)
HOSPITAL = Organisation(
    name="Elvedal sykehus",
    idents=(her("8800201"),),
    organisation=Organisation(name="Medisinsk sengepost", idents=(her("8800202"),)),
)
PATIENT = Person(
    family_name="Testesen",
    given_name="Ola",
    date_of_birth="1945-03-12",
    sex=KCode(v="1", dn="Mann"),
    idents=(Ident(id=synthetic_fnr("120345"), type_id=KCode.of("FNR", "Fødselsnummer", 8116)),),
    address=Address(
        type=KCode(v="H", dn="Bostedsadresse"), street="Bjørkeveien 7", postal_code="2999", city="Fjellbygd"
    ),
    telecoms=(TeleCom(address="tel:+4799990001", type=KCode(v="MC", dn="Mobiltelefon")),),
)


def nurse(role: str = "9") -> HealthcareProfessional:
    return HealthcareProfessional(
        type_hp=build.code("9060", "SP", "Sykepleier", cs=True),
        role_to_patient=build.code("9034", role),
        family_name="Lind",
        given_name="Siri",
        idents=(Ident(id="9000011", type_id=build.code("8116", "HPR", "HPR-nummer")),),
        telecoms=(
            TeleCom(type=build.code("9061", "WP", "Arbeidsplass", cs=True), address="tel:+4799990011"),
        ),
    )


def contacts() -> dict[str, Any]:
    """The people around the patient that every PLO fixture names."""
    doctor = HealthcareProfessional(
        type_hp=build.code("9060", "LE", "Lege", cs=True),
        role_to_patient=build.code("9034", "19"),
        family_name="Berg",
        given_name="Nils",
        idents=(Ident(id="9000022", type_id=build.code("8116", "HPR", "HPR-nummer")),),
    )
    son = Person(
        family_name="Testesen",
        given_name="Per",
        telecoms=(
            TeleCom(type=build.code("9061", "MC", "Mobiltelefon", cs=True), address="tel:+4799990021"),
        ),
    )
    unit = Organisation(
        name="Fjellbygd omsorgssenter",
        idents=(Ident(id="FJOS", type_id=build.code("9051", "LAV", "Lokal identifikator for avdelinger")),),
        telecoms=(TeleCom(address="tel:+4799990031"),),
    )
    return {
        "ansvar": (pp.AnsvarForRapport(ansvarlig=nurse(), godkjent_dato="2024-03-01"),),
        "kontaktpersoner": (pp.KontaktpersonHelsepersonell(kontaktperson=doctor),),
        "tilknyttede_enheter": (pp.TilknyttetEnhet(kontaktenhet=unit),),
        "parorende": (pp.ParorendeForesatt(slektskap=build.code("9033", "SO", "Sønn", cs=True), person=son),),
    }


def clinical() -> dict[str, Any]:
    """Diagnoses, medication, IPLOS functional assessment, journal notes and CAVE."""
    metoprolol = build.legemiddel(
        "Metoprolol depot",
        atc="C07AB02",
        legemiddelform=build.code("7448", "53", "Tablett", cs=True),
        styrke=Quantity(v="50", u="mg"),
        dosering="1 tablett morgen",
        start="2023-11-01",
    )
    paracet = build.legemiddel(
        "Paracetamol",
        atc="N02BE01",
        styrke=Quantity(v="500", u="mg"),
        dosering="Ved smerter, maks 4 per døgn",
    )
    info = paracet.forskrivning.forskrivningsinfo if paracet.forskrivning else None
    if paracet.forskrivning and info:
        paracet = replace(
            paracet,
            forskrivning=replace(
                paracet.forskrivning,
                forskrivningsinfo=replace(info, bruk=build.code("9101", "3", "Ved behov", cs=True)),
            ),
        )
    functions = c.InfoKartleggingFunksjonsniva(
        funksjoner=(
            c.KartlagtFunksjon(
                funksjonsvariabel=build.code("9111", "7"), vurdering=3, merknad="Trenger hjelp til dusj"
            ),
            c.KartlagtFunksjon(funksjonsvariabel=build.code("9111", "12"), vurdering=4),
        )
    )
    notes = build.journalnotat(
        [
            (
                build.code("9142", "PROB", "Aktuell problemstilling"),
                "Økende tungpust siste uke, bena hovner opp.",
            )
        ]
    )
    return {
        "diagnoser": (
            c.InfoMedisinskDiagnose(
                diagnoser=(
                    build.diagnose("K77", "Hjertesvikt", hoveddiagnose=True),
                    build.diagnose("T90", "Diabetes type 2"),
                ),
            ),
        ),
        "legemidler": (metoprolol, paracet),
        "funksjonsniva": functions,
        "medisinskfaglige": c.MedisinskfagligeOpplysninger(journalnotater=(notes,)),
    }


def orientering(version: str, status: str) -> PloMessage:
    services = [
        build.tjeneste(
            "1",
            betegnelse="Rengjøring av bolig",
            antall_enheter=Decimal("2"),
            enhet="timer per uke",
            startdato="2024-01-08",
        ),
        build.tjeneste(
            "15",
            betegnelse="Hjemmesykepleie morgen og kveld",
            antall_enheter=Decimal("0.5"),
            enhet="timer per dag",
            startdato="2024-02-01",
            sluttdato="2024-12-31",
        ),
        replace(
            build.tjeneste("6", startdato="2023-06-01"),
            merknad="Alarm koblet til hjemmetjenesten",
            levert_av="Fjellbygd kommune",
            opplysninger="Vedtak 2023/145",
        ),
    ]
    return build.build_orientering_tjenestetilbud(services, status=status, version=version, **contacts())


def logistikk(kind: str, code: str, when: str) -> PloMessage:
    event = build.hendelse(code, when, beskrivelse="Synthetic event")
    out = (
        UtskrevetTil(
            uttilstand=build.code("8431", "1", "Som levende"),
            ut_til=build.code("8408", "1", "Bosted/arbeidssted"),
        )
        if kind == "LOG_UTSKREVET"
        else None
    )
    return build.build_logistikk(kind, [event], utskrevet_til=out)


def fravar() -> PloMessage:
    """Melding om fravær (PLO 1.5 only): the GP is away, messages are forwarded to a colleague."""
    colleague = HealthcareProfessional(
        type_hp=build.code("9060", "LE", "Lege", cs=True),
        family_name="Dal",
        given_name="Rita",
        idents=(Ident(id="9000044", type_id=build.code("8116", "HPR", "HPR-nummer")),),
    )
    absence = pp.Fraversassistent(
        mottaker_fravarende=True,
        melding_videresendt=True,
        fra_dato="2024-07-01",
        til_dato="2024-07-21",
        videresendt_til=colleague,
        merknad="Ferie. Alle henvendelser håndteres av min kollega.",
    )
    unit = pp.TilknyttetEnhet(
        kontaktenhet=Organisation(name="Fjellbygd sykehjem", idents=(her("8800004"),)),
        merknad="Telefon etter kl 13.",
    )
    return build.new_message(
        "FRAVARSMELDING",
        "1.5",
        forsendelse=build.forsendelse("N"),
        ansvar=(build.ansvar("Fjell", "Kari", "9000033", kategori="LE", godkjent_dato="2024-06-28"),),
        tilknyttede_enheter=(unit,),
        fraversassistent=absence,
    )


def plo_messages() -> dict[str, tuple[PloMessage, Organisation, Organisation, ConversationRef | None]]:
    reply = ConversationRef(
        ref_to_parent="6a1f4c2e-0000-4000-8000-000000000001",
        ref_to_conversation="6a1f4c2e-0000-4000-8000-000000000001",
    )
    soknad_type = pp.TypeInnholdIMelding(type_innhold=build.code("9140", "1", "Varsel om innlagt pasient"))
    stay = OpplysningOpphold(hendelse=build.hendelse("1", "2024-03-02T08:30:00"))
    return {
        "orientering_ny_1_6": (orientering("1.6", "N"), MUNICIPALITY, GP_OFFICE, None),
        "orientering_endring_1_5": (orientering("1.5", "M"), MUNICIPALITY, GP_OFFICE, reply),
        "helseopplysninger_lege_1_6": (
            build.build_helseopplysninger_lege(**contacts(), **clinical()),
            HOME_CARE,
            GP_OFFICE,
            None,
        ),
        "medisinske_opplysninger_1_6": (
            build.build_medisinske_opplysninger(**clinical()),
            GP_OFFICE,
            HOME_CARE,
            reply,
        ),
        "helseopplysninger_soknad_1_6": (
            build.new_message(
                "HELSEOPPL_SOKNAD",
                forsendelse=build.forsendelse("N"),
                type_innhold=soknad_type,
                opphold=(stay,),
                **contacts(),
            ),
            HOSPITAL,
            MUNICIPALITY,
            None,
        ),
        "innleggelsesrapport_1_6": (
            build.new_message(
                "INNLEGGELSESRAPPORT", forsendelse=build.forsendelse("N"), **contacts(), **clinical()
            ),
            HOME_CARE,
            HOSPITAL,
            reply,
        ),
        "utskrivningsrapport_1_6": (
            build.new_message(
                "UTSKRIVNINGSRAPPORT",
                forsendelse=build.forsendelse("N"),
                type_innhold=pp.TypeInnholdIMelding(
                    type_innhold=build.code("9139", "11", "Utskrivningsrapport")
                ),
                **contacts(),
                **clinical(),
            ),
            HOSPITAL,
            HOME_CARE,
            None,
        ),
        "melding_fravar_1_5": (fravar(), GP_OFFICE, HOME_CARE, reply),
        "log_innlagt_1_6": (
            logistikk("LOG_INNLAGT", "1", "2024-03-02T08:30:00"),
            HOSPITAL,
            MUNICIPALITY,
            None,
        ),
        "log_utskrivningsklar_1_6": (
            logistikk("LOG_UTSKRIVNINGSKLAR", "3", "2024-03-08T12:00:00"),
            HOSPITAL,
            MUNICIPALITY,
            reply,
        ),
        "log_avmelding_1_6": (
            logistikk("LOG_AVMELDING", "4", "2024-03-09T09:00:00"),
            HOSPITAL,
            MUNICIPALITY,
            reply,
        ),
        "log_utskrevet_1_6": (
            logistikk("LOG_UTSKREVET", "2", "2024-03-10T14:00:00"),
            HOSPITAL,
            MUNICIPALITY,
            reply,
        ),
        "log_dod_1_6": (logistikk("LOG_DOD", "13", "2024-03-11T03:15:00"), HOSPITAL, MUNICIPALITY, None),
    }


def hodemelding(
    name: str,
    kind: str,
    payload: Payload,
    sender: Organisation,
    receiver: Organisation,
    conversation: ConversationRef | None,
    extra: tuple[Document, ...] = (),
) -> bytes:
    info = MsgInfo(
        type=KCode(v=kind, dn=None),
        gen_date="2024-03-01T10:15:00",
        msg_id=str(_msg_id(name)),
        sender=Party(organisation=sender),
        receiver=Party(organisation=receiver),
        conversation_ref=conversation,
        patient=PATIENT,
    )
    main = Document(ref_doc=RefDoc(msg_type=KCode(v="XML", dn="XML-instans"), content=payload))
    return serialize_msghead(MsgHead(msg_info=info, documents=(main, *extra)))


def _msg_id(name: str) -> str:
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:samband:fixture:{name}"))


GP_DOCTOR = HealthcareProfessional(
    type_hp=KCode(v="LE", dn="Lege"),
    family_name="Fjell",
    given_name="Kari",
    idents=(Ident(id="9000033", type_id=KCode.of("HPR", "HPR-nummer", 8116)),),
    telecoms=(TeleCom(address="tel:+4799990041"),),
)
QUESTION = Foresporsel(
    type_foresp=KCode.of("1", "Helseopplysninger", 9152),
    sporsmal=RichText(text="Kan fastlegen vurdere medisinering etter innleggelsen?"),
    begrunnelse="Pasienten er mer tungpust",
)


def dialog_messages() -> dict[
    str, tuple[str, Dialogmelding, Organisation, Organisation, ConversationRef | None]
]:
    reply = ConversationRef(
        ref_to_parent="6a1f4c2e-0000-4000-8000-000000000002",
        ref_to_conversation="6a1f4c2e-0000-4000-8000-000000000002",
    )
    gp_role = RollerRelatertNotat(
        role_to_patient=KCode.of("6", "Fastlege", 9034), healthcare_professional=GP_DOCTOR
    )
    return {
        "foresporsel_1_0": (
            "DIALOG_FORESPORSEL",
            Dialogmelding(version="1.0", foresporsler=(QUESTION,)),
            HOME_CARE,
            GP_OFFICE,
            None,
        ),
        "foresporsel_1_1": (
            "DIALOG_FORESPORSEL",
            Dialogmelding(
                version="1.1",
                foresporsler=(
                    replace(
                        QUESTION,
                        emne_sporsmal="Medisinering",
                        hastegrad=KCode.of("2", "Innen en uke", 9067),
                        fra_dato="2024-03-01",
                        til_dato="2024-03-08",
                    ),
                ),
            ),
            HOME_CARE,
            GP_OFFICE,
            None,
        ),
        "svar_1_0": (
            "DIALOG_SVAR",
            Dialogmelding(
                version="1.0",
                notater=(
                    Notat(
                        tema_kodet=KCode.of("5", "Svar på forespørsel", 9069),
                        tekst_notat_innhold=RichText(text="Øker vanndrivende fra i morgen."),
                        foresporsel=QUESTION,
                        roller=(gp_role,),
                    ),
                ),
            ),
            GP_OFFICE,
            HOME_CARE,
            reply,
        ),
        "notat_1_1_vedlegg": (
            "DIALOG_NOTAT",
            Dialogmelding(
                version="1.1",
                notater=(
                    Notat(
                        tema_kodet=KCode.of("6", "Henvendelse om pasient", 7321),
                        tema="Oppdatert medisinliste",
                        tekst_notat_innhold=RichText(text="Se vedlagt liste."),
                        merknad="Haster ikke",
                        dok_id_notat="DOK-2024-0001",
                        dato_notat="2024-03-01",
                    ),
                ),
            ),
            GP_OFFICE,
            HOME_CARE,
            None,
        ),
        "avvik_1_0": (
            "DIALOG_AVVIK",
            Dialogmelding(
                version="1.0",
                notater=(
                    Notat(
                        tema_kodet=KCode.of("1", "Feil adressat", 8117),
                        tekst_notat_innhold=RichText(text="Pasienten er ikke kjent her."),
                    ),
                ),
            ),
            GP_OFFICE,
            HOME_CARE,
            reply,
        ),
        "helsefaglig_1_1": (
            "DIALOG_HELSEFAGLIG",
            Dialogmelding(
                version="1.1",
                notater=(
                    Notat(
                        tema_kodet=KCode.of("6", "Henvendelse om pasient", 7322),
                        tema="Råd om sårstell",
                        tekst_notat_innhold=RichText(text="Trenger råd om sårstell etter operasjon."),
                        roller=(gp_role,),
                    ),
                ),
            ),
            HOME_CARE,
            GP_OFFICE,
            None,
        ),
    }


ATTACHMENT = Document(
    ref_doc=RefDoc(
        msg_type=KCode(v="A", dn="Vedlegg"),
        mime_type="text/plain",
        description="Medisinliste",
        content=Attachment(mime_type="text/plain", data=b"Metoprolol 50 mg x 1\n"),
    )
)


def main() -> None:
    from samband.kernel.codes.lookup import display

    for name, (msg, sender, receiver, conversation) in plo_messages().items():
        payload = payload_of(serialize_plo(msg))
        raw = hodemelding(name, msg.kind, payload, sender, receiver, conversation)
        (HERE / f"{name}.xml").write_bytes(
            raw.replace(
                b'<Type V="' + msg.kind.encode() + b'"/>',
                f'<Type V="{msg.kind}" DN="{display("8279", msg.kind)}"/>'.encode(),
            )
        )
    for name, (kind, dialog, sender, receiver, conversation) in dialog_messages().items():
        payload = payload_of(serialize_dialogmelding(dialog))
        extra = (ATTACHMENT,) if "vedlegg" in name else ()
        raw = hodemelding(name, kind, payload, sender, receiver, conversation, extra)
        (DIALOG_DIR / f"{name}.xml").write_bytes(
            raw.replace(
                b'<Type V="' + kind.encode() + b'"/>',
                f'<Type V="{kind}" DN="{display("8279", kind)}"/>'.encode(),
            )
        )


if __name__ == "__main__":
    main()
