"""A ``GpMessage`` as a real message: Dialogmelding 1.1 Notat or Forespørsel, or PLO 1.6 Orientering om
tjenestetilbud, inside a Hodemelding addressed to the GP (HIS 1153 tjenestebasert adressering).

Typed models only; ``serialize_msghead`` writes the XML and refuses anything the official schemas
refuse. An Orientering om tjenestetilbud needs at least one EksisterendeTjeneste (HIS 1146); with
no service to list, the same text goes as a Dialogmelding Notat instead.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from samband.adapters.dialogmelding.model import (
    Dialogmelding,
    Foresporsel,
    Notat,
    RichText,
    RollerRelatertNotat,
)
from samband.adapters.kith.datatypes import Code
from samband.adapters.msghead import (
    ConversationRef,
    HealthcareProfessional,
    Ident,
    MsgHead,
    Organisation,
    Person,
    TeleCom,
    build_msghead,
    serialize_msghead,
)
from samband.adapters.plo import build as plo
from samband.adapters.plo import parties as plo_parties
from samband.features.feedback.compose import GpMessage
from samband.features.feedback.facts import CaseFacts, OrgParty, PersonContact, ServiceLine
from samband.features.feedback.format import no_date
from samband.features.feedback.rules import Channel
from samband.kernel.errors import NoRouteMatched
from samband.mappings.base import Context

CHANNELS_FILE = Path(__file__).with_name("channels.yaml")


@functools.cache
def channel_codes() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(CHANNELS_FILE.read_text(encoding="utf-8"))
    return data


def code(name: str) -> Code:
    spec = channel_codes()[name]
    return Code.of(str(spec["v"]), spec["dn"], spec["system"])


def msg_type(channel: Channel) -> Code:
    spec = channel_codes()["msg_types"][channel.value]
    return Code.of(spec["v"], spec["dn"], spec["system"])


@dataclass(frozen=True)
class RenderedMessage:
    """The Hodemelding bytes plus the facts the store indexes: MsgId, type, receiver, conversation."""

    msg_id: str
    msg_type: str
    receiver_her: str
    sender_her: str
    xml: bytes
    model: MsgHead


def sender_organisation(sender: OrgParty) -> Organisation:
    """Sender: the municipality (level 1) and the service, e.g. Saksbehandling (level 2)."""
    unit = None
    if sender.unit_her:
        unit = Organisation(
            name=sender.unit_name or sender.name, idents=(Ident(sender.unit_her, code("ident_her_org")),)
        )
    return Organisation(
        name=sender.name, idents=(Ident(sender.her_id, code("ident_her_org")),), organisation=unit
    )


def _split_name(name: str) -> tuple[str, str]:
    given, _, family = name.rpartition(" ")
    return (given or name), family or name


def gp_organisation(gp: OrgParty) -> Organisation:
    """Receiver: the GP office (level 1) and the GP as HealthcareProfessional with HER-id (level 2)."""
    person = None
    if gp.unit_her:
        given, family = _split_name(gp.person_name or gp.unit_name or gp.name)
        idents = [Ident(gp.unit_her, code("ident_her_person"))]
        if gp.hpr:
            idents.append(Ident(gp.hpr, code("ident_hpr")))
        person = HealthcareProfessional(
            idents=tuple(idents), role_to_patient=code("gp_role"), given_name=given, family_name=family
        )
    return Organisation(
        name=gp.name, idents=(Ident(gp.her_id, code("ident_her_org")),), healthcare_professional=person
    )


def patient_of(facts: CaseFacts) -> Person:
    kind = "ident_dnr" if facts.patient.ident_type == "DNR" else "ident_fnr"
    born = facts.patient.birth_date.isoformat() if facts.patient.birth_date else None
    return Person(
        family_name=facts.patient.family,
        given_name=facts.patient.given,
        date_of_birth=born,
        idents=(Ident(facts.patient.ident, code(kind)),),
    )


def _contact_hp(contact: PersonContact) -> HealthcareProfessional:
    given, family = _split_name(contact.name)
    idents = (Ident(contact.hpr, code("ident_hpr")),) if contact.hpr else ()
    telecoms = (TeleCom(address=f"tel:{contact.phone.replace(' ', '')}"),) if contact.phone else ()
    return HealthcareProfessional(
        idents=idents,
        role_to_patient=code("coordinator_role"),
        given_name=given,
        family_name=family,
        telecoms=telecoms,
    )


def dialogmelding(message: GpMessage) -> Dialogmelding:
    """Dialogmelding 1.1: a Notat (TemaKodet 7321 = 1) or a Forespørsel (TypeForesp 9152 = 99)."""
    roles: tuple[RollerRelatertNotat, ...] = ()
    if message.contact is not None:
        roles = (
            RollerRelatertNotat(
                role_to_patient=code("coordinator_role"), healthcare_professional=_contact_hp(message.contact)
            ),
        )
    if message.channel is Channel.DIALOG_FORESPORSEL:
        question = Foresporsel(
            type_foresp=code("foresporsel_type"),
            emne_sporsmal=message.heading,
            sporsmal=RichText(text=message.text),
            til_dato=message.answer_by.isoformat() if message.answer_by else None,
            roller=roles,
        )
        return Dialogmelding(version="1.1", foresporsler=(question,))
    note = Notat(
        tema_kodet=code("notat_tema"),
        tema=message.heading,
        tekst_notat_innhold=RichText(text=message.text),
        roller=roles,
    )
    return Dialogmelding(version="1.1", notater=(note,))


def _tjeneste(line: ServiceLine) -> Any:
    service = plo.tjeneste(
        line.iplos_code or "99",
        betegnelse=line.name,
        antall_enheter=line.amount,
        enhet=line.unit,
        startdato=line.start.isoformat() if line.start else None,
        sluttdato=line.end.isoformat() if line.end else None,
        privat=line.private,
    )
    note = f"Avsluttet {no_date(line.end)}" if line.status == "ended" and line.end else None
    return replace(
        service,
        levert_av=line.provided_by,
        merknad=note,
        iplos_tjenestetype=service.iplos_tjenestetype if line.iplos_code else None,
    )


def orientering(message: GpMessage, facts: CaseFacts) -> Any:
    """PLO 1.6 Orientering om tjenestetilbud (HIS 1146): services, the coordinator, the text as Merknad."""
    services = [s for s in message.services if s.status != "rejected"]
    enhet = plo_parties.TilknyttetEnhet(
        kontaktenhet=Organisation(
            name=facts.sender.unit_name or facts.sender.name,
            idents=(Ident(id=facts.sender.communication_her or "", type_id=code("ident_her_org")),),
        ),
        merknad=f"{message.heading}\n{message.text}",
    )
    contacts: tuple[plo_parties.KontaktpersonHelsepersonell, ...] = ()
    if message.contact is not None and message.contact.hpr:
        c = message.contact  # fk1:HealthcareProfessional needs an Ident: only with an HPR number
        given, family = _split_name(c.name)
        person = HealthcareProfessional(
            role_to_patient=code("coordinator_role"),
            given_name=given,
            family_name=family,
            idents=(Ident(id=message.contact.hpr, type_id=code("ident_hpr")),),
            telecoms=(TeleCom(address=f"tel:{c.phone.replace(' ', '')}"),) if c.phone else (),
        )
        contacts = (plo_parties.KontaktpersonHelsepersonell(kontaktperson=person, merknad=c.role),)
    return plo.build_orientering_tjenestetilbud(
        [_tjeneste(s) for s in services], tilknyttede_enheter=(enhet,), kontaktpersoner=contacts
    )


def effective_channel(message: GpMessage) -> Channel:
    """ORIENTERING_TJENESTETILBUD needs one EksisterendeTjeneste; without a service it goes as a Notat."""
    if message.channel is Channel.ORIENTERING_TJENESTETILBUD and not any(
        s.status != "rejected" for s in message.services
    ):
        return Channel.DIALOG_NOTAT
    return message.channel


def render(
    message: GpMessage, facts: CaseFacts, ctx: Context, conversation: ConversationRef | None = None
) -> RenderedMessage:
    """The GP message as a schema-valid Hodemelding (``SchemaInvalid`` if it could not be)."""
    if facts.gp is None:
        raise NoRouteMatched(
            "the patient's GP is not known: no address for the feedback message",
            code="feedback.no-gp-address",
            expected="the GP's HER-id from the referral, the CareTeam or the Adresseregister",
        )
    channel = effective_channel(message)
    payload = (
        orientering(message, facts)
        if channel is Channel.ORIENTERING_TJENESTETILBUD
        else dialogmelding(message)
    )
    head = build_msghead(
        msg_type=msg_type(channel),
        sender=sender_organisation(facts.sender),
        receiver=gp_organisation(facts.gp),
        payload=payload,
        patient=patient_of(facts),
        conversation_ref=conversation,
        now=ctx.now(),
        new_id=ctx.new_id(),
    )
    return RenderedMessage(
        msg_id=head.msg_id,
        msg_type=channel.value,
        receiver_her=facts.gp.communication_her,
        sender_her=facts.sender.communication_her,
        xml=serialize_msghead(head),
        model=head,
    )
