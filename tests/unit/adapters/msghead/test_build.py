"""Outbound Hodemeldinger built from scratch are schema-valid, read back equal, and address level 2."""

from __future__ import annotations

import pytest

from samband.adapters.dialogmelding import Dialogmelding, Foresporsel, Notat, RichText, RollerRelatertNotat
from samband.adapters.msghead import (
    Code,
    attachment_document,
    build_msghead,
    parse_msghead,
    read_envelope,
    reply_conversation,
    serialize_msghead,
    validate_msghead,
)
from samband.adapters.msghead.payloads import parse_payload
from samband.kernel.errors import SchemaInvalid
from samband.kernel.problems import Severity
from tests.unit.adapters.msghead.builders import NOW, gp_office, municipality, patient

FORESPORSEL = Foresporsel(
    type_foresp=Code.of("1", "Helseopplysninger", 9152),
    sporsmal=RichText("Ber om oppdatert legemiddelliste før utskrivning."),
    begrunnelse="Pasienten skal få hjemmesykepleie fra neste uke.",
    hastegrad=Code(v="2", dn="Haster"),
)


def _foresporsel_1_0() -> bytes:
    message = build_msghead(
        msg_type=Code(v="DIALOG_FORESPORSEL", dn="Forespørsel"),
        sender=municipality(),
        receiver=gp_office(),
        patient=patient(),
        payload=Dialogmelding(version="1.0", foresporsler=(FORESPORSEL,)),
        now=NOW,
        new_id="6b0f7d6e-1c3a-4c41-9a55-0d7e6f8a9b10",
    )
    return serialize_msghead(message)


def _no_errors(raw: bytes) -> None:
    errors = [f for f in validate_msghead(raw) if f.severity is Severity.ERROR]
    assert errors == []


def test_foresporsel_1_0_is_valid_and_addresses_the_gp_person() -> None:
    raw = _foresporsel_1_0()
    _no_errors(raw)
    envelope = read_envelope(raw)
    assert envelope.msg_type == "DIALOG_FORESPORSEL"
    assert envelope.sender_her == "990002"  # the municipal service, level 2
    assert envelope.receiver_her == "880002"  # the GP person at the office
    assert envelope.namespace == "http://www.kith.no/xmlstds/dialog/2006-10-11" and envelope.version == "1.0"
    assert envelope.patient_id == patient().fnr
    model = parse_msghead(raw)
    assert model.payload is not None
    assert parse_payload(model.payload) == Dialogmelding(version="1.0", foresporsler=(FORESPORSEL,))


def test_notat_1_1_with_roles_and_attachment_is_valid_and_reads_back_equal() -> None:
    notat = Notat(
        tema_kodet=Code.of("6", "Henvendelse om pasient", 7322),
        tema="Sårstell",
        tekst_notat_innhold=RichText("Såret er i bedring, ny vurdering om en uke."),
        dato_notat="2024-03-01",
        roller=(RollerRelatertNotat(role_to_patient=Code.of("9", "Primærkontakt", 9034),
                                    healthcare_professional=gp_office().healthcare_professional),),
    )  # fmt: skip
    message = build_msghead(
        msg_type="DIALOG_HELSEFAGLIG",
        sender=municipality(),
        receiver=gp_office(),
        patient=patient(1),
        payload=Dialogmelding(version="1.1", notater=(notat,)),
        attachments=(attachment_document(b"%PDF-1.4 synthetic", "application/pdf", "Bilde av såret"),),
        now=NOW,
    )
    raw = serialize_msghead(message)
    _no_errors(raw)
    assert parse_msghead(raw) == message


def test_svar_links_to_the_question_and_carries_it() -> None:
    question = parse_msghead(_foresporsel_1_0())
    svar = Notat(
        tema_kodet=Code.of("5", "Svar på forespørsel", 9069),
        tekst_notat_innhold=RichText("Oppdatert legemiddelliste følger."),
        foresporsel=FORESPORSEL,
    )
    answer = build_msghead(
        msg_type="DIALOG_SVAR",
        sender=gp_office(),
        receiver=municipality(),
        patient=patient(),
        payload=Dialogmelding(version="1.0", notater=(svar,)),
        conversation_ref=reply_conversation(question),
        now=NOW,
    )
    raw = serialize_msghead(answer)
    _no_errors(raw)
    envelope = read_envelope(raw)
    assert envelope.parent_ref == question.msg_id
    assert envelope.conversation_ref == question.msg_id
    assert raw.index(b"<RefToParent>") < raw.index(b"<RefToConversation>")


def test_1_1_only_element_in_a_1_0_dialogmelding_is_refused_on_serialize() -> None:
    message = build_msghead(
        msg_type="DIALOG_FORESPORSEL",
        sender=municipality(),
        receiver=gp_office(),
        payload=Dialogmelding(version="1.0", foresporsler=(Foresporsel(type_foresp=FORESPORSEL.type_foresp,
                                                                       emne_sporsmal="Kun i 1.1"),)),
        now=NOW,
    )  # fmt: skip
    with pytest.raises(SchemaInvalid) as info:
        serialize_msghead(message)
    assert info.value.code == "msghead.serialize-invalid"
    assert "EmneSporsmal" in info.value.detail
    assert info.value.where and "Foresporsel" in info.value.where


def test_several_content_elements_and_deeper_levels_are_kept() -> None:
    from dataclasses import replace

    from samband.adapters.msghead import Attachment, Organisation
    from tests.unit.adapters.msghead.builders import her

    raw = _foresporsel_1_0()
    model = parse_msghead(raw)
    ref_doc = model.documents[0].ref_doc
    two = replace(ref_doc, more_content=(Attachment(mime_type=None, data=b"extra"),))
    team = Organisation(name="Team nord", idents=(her("990003"),))
    service = replace(model.msg_info.sender.organisation.organisation or Organisation(), organisation=team)
    sender = replace(
        model.msg_info.sender, organisation=replace(model.msg_info.sender.organisation, organisation=service)
    )
    changed = replace(
        model,
        msg_info=replace(model.msg_info, sender=sender),
        documents=(replace(model.documents[0], ref_doc=two),),
    )
    written = serialize_msghead(changed)
    _no_errors(written)
    again = parse_msghead(written)
    assert again == changed and len(again.documents[0].ref_doc.contents) == 2
    assert read_envelope(written).sender_her == "990003" == again.msg_info.sender.her_id


def test_other_receivers_and_document_metadata_are_written_in_schema_order() -> None:
    from dataclasses import replace

    from samband.adapters.msghead import ConversationRef, OtherReceiver
    from tests.unit.adapters.msghead.builders import gp_office

    model = parse_msghead(_foresporsel_1_0())
    copies = (
        OtherReceiver(role_receiver=Code(v="KOPI", dn="Kopimottaker"), organisation=gp_office()),
        OtherReceiver(role_receiver=Code(v="KOPI", dn="Kopimottaker"), person=patient(2)),
        OtherReceiver(
            role_receiver=Code(v="KOPI", dn="Kopimottaker"),
            healthcare_professional=gp_office().healthcare_professional,
        ),
    )
    document = replace(
        model.documents[0],
        document_connection=Code(v="H", dn="Hoveddokument"),
        consent=Code.of("1", "Ja", 3109),
        content_description="Forespørsel",
        from_date="2024-01-01",
    )
    info = replace(
        model.msg_info,
        other_receivers=copies,
        processing_status=Code(v="P", dn="Produksjon"),
        conversation_ref=ConversationRef(
            "8d6a4c2e-2b1f-4d7e-9a0b-1c2d3e4f5a6b", "8d6a4c2e-2b1f-4d7e-9a0b-1c2d3e4f5a6b"
        ),
    )
    changed = replace(model, msg_info=info, documents=(document,))
    written = serialize_msghead(changed)
    _no_errors(written)
    assert parse_msghead(written) == changed
    assert written.index(b"<ProcessingStatus") < written.index(b"<Ack") < written.index(b"<ConversationRef")
