"""Writes the synthetic Helsenorge digital-dialog fixtures (tests/messages/dialogmelding/helsenorge) and
the PLO message with a PDF and a JPEG attachment (tests/messages/plo/helseopplysninger_lege_vedlegg_1_6.xml).

Run ``.venv/bin/python -m tests.messages.dialogmelding.generate`` after changing it. One message per
``DIALOG_INNBYGGER_*`` type of code table 8279 that has no official sample; persons and HER-ids are
the invented ones of ``tests/messages/plo/generate.py``. Each document goes through the strict
serializers, so each fixture is schema-valid. The attachments are made here (a one-page PDF, an 8x8
grey baseline JPEG), not copied from anywhere.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from samband.adapters.dialogmelding.codec import serialize_dialogmelding
from samband.adapters.dialogmelding.model import (
    DIALOG_11_NS,
    Dialogmelding,
    Foresporsel,
    Notat,
    RichText,
    RollerRelatertNotat,
    TilknyttetEnhet,
)
from samband.adapters.kith.datatypes import Code
from samband.adapters.kith.model import HealthcareProfessional, Ident, Organisation, TeleCom
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
from samband.adapters.plo import serialize_plo
from samband.kernel.codes.lookup import display, table
from tests.messages.plo.generate import GP_OFFICE, PATIENT, _msg_id, her, plo_messages

HERE = Path(__file__).resolve().parent
HELSENORGE_DIR = HERE / "helsenorge"
PLO_DIR = HERE.parent / "plo"
SAMPLED = frozenset(
    {"DIALOG_INNBYGGER_EKONTAKT", "DIALOG_INNBYGGER_RESEPTFORNYELSE", "DIALOG_INNBYGGER_TEST"}
)
"""The Helsenorge types the official samples already show."""

HELSENORGE = Organisation(
    name="Helsenorge testtjeneste",
    idents=(her("8800301"),),
    organisation=Organisation(name="Digital dialog test", idents=(her("8800302"),)),
)
REQUESTS = frozenset(
    {
        "DIALOG_INNBYGGER_EKONSULTASJON",
        "DIALOG_INNBYGGER_TIMEONSKE",
        "DIALOG_INNBYGGER_HENT_BEHANDLER",
        "DIALOG_INNBYGGER_HENT_DOKUMENTER",
        "DIALOG_INNBYGGER_FINN_DOKUMENTER",
        "DIALOG_INNBYGGER_DIGITALBRUKER",
        "DIALOG_INNBYGGER_HREG_INNSYN_BRUK",
        "DIALOG_INNBYGGER_HREG_INNSYN_HELSEOPPLYSNINGER",
        "DIALOG_INNBYGGER_HREG_INNSYN_UTLEVERING",
        "DIALOG_INNBYGGER_HREG_MELDE_FEIL",
        "DIALOG_INNBYGGER_HREG_SLETTING_ELLER_SPERRING",
    }
)
"""Processes that start with the citizen's request (a Foresporsel from Helsenorge)."""
ANSWERS = frozenset(
    {
        "DIALOG_INNBYGGER_HELSEPERSONELL",
        "DIALOG_INNBYGGER_HELSEREGISTER",
        "DIALOG_INNBYGGER_KOORDINATOR",
        "DIALOG_INNBYGGER_TIMER",
    }
)
"""Processes shown as the answer to a citizen's question (a Notat with the Foresporsel)."""
QUESTION_ASKED = ConversationRef(
    ref_to_parent="6a1f4c2e-0000-4000-8000-0000000000a1",
    ref_to_conversation="6a1f4c2e-0000-4000-8000-0000000000a1",
)
COORDINATOR = HealthcareProfessional(
    type_hp=Code(v="SP", dn="Sykepleier"),
    family_name="Lind",
    given_name="Siri",
    idents=(Ident(id="9000011", type_id=Code.of("HPR", "HPR-nummer", 8116)),),
    telecoms=(TeleCom(address="tel:+4799990011"),),
)
COORDINATION_UNIT = Organisation(
    name="Koordinerende enhet Fjellbygd",
    idents=(her("8800004"),),
    telecoms=(TeleCom(address="tel:+4799990040"),),
)


def jpeg() -> bytes:
    """A baseline JPEG of 8x8 grey pixels: one DC code and an end-of-block, all tables minimal."""
    soi, eoi = b"\xff\xd8", b"\xff\xd9"
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\xff\xdb\x00\x43\x00" + b"\x01" * 64
    sof0 = b"\xff\xc0\x00\x0b\x08\x00\x08\x00\x08\x01\x01\x11\x00"
    one_code = b"\x01" + b"\x00" * 15 + b"\x00"
    dht = b"\xff\xc4\x00\x14\x00" + one_code + b"\xff\xc4\x00\x14\x10" + one_code
    sos = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    return soi + app0 + dqt + sof0 + dht + sos + b"\x3f" + eoi


def pdf(text: str) -> bytes:
    """A one-page PDF 1.4 showing ``text`` (Helvetica), with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def attachment(data: bytes, mime: str, description: str, issued: str) -> Document:
    return Document(
        ref_doc=RefDoc(
            msg_type=Code(v="A", dn="Vedlegg"),
            issue_date=issued,
            mime_type=mime,
            description=description,
            content=Attachment(mime_type=mime, data=data),
        )
    )


def hodemelding(
    name: str,
    kind: str,
    payload: Payload,
    sender: Organisation,
    receiver: Organisation,
    conversation: ConversationRef | None = None,
    extra: tuple[Document, ...] = (),
    description: str | None = None,
    facts: Document | None = None,
) -> bytes:
    info = MsgInfo(
        type=Code(v=kind, dn=display("8279", kind)),
        gen_date="2024-05-02T08:30:00+02:00",
        msg_id=_msg_id(name),
        sender=Party(organisation=sender),
        receiver=Party(organisation=receiver),
        conversation_ref=conversation,
        patient=PATIENT,
    )
    ref_doc = RefDoc(
        msg_type=Code(v="XML", dn="XML-instans"), issue_date="2024-05-02T08:29:00+02:00", content=payload
    )
    main = Document(content_description=description, ref_doc=ref_doc)
    if facts is not None:
        main = replace(
            facts, content_description=description, ref_doc=replace(facts.ref_doc, content=payload)
        )
    return serialize_msghead(MsgHead(msg_info=info, documents=(main, *extra)))


def _question(kind: str) -> Foresporsel:
    title = display("8279", kind) or kind
    code = Code.of("7", "Time til undersøkelse/behandling", 9152) if "TIME" in kind else None
    return Foresporsel(
        type_foresp=code or Code.of("99", "Annen henvendelse", 9152),
        emne_sporsmal=title,
        sporsmal=RichText(text=f"Henvendelse fra innbygger: {title}."),
    )


def helsenorge_message(kind: str) -> bytes:
    """A Dialogmelding 1.1 of this Helsenorge type: the citizen's request (a Foresporsel from
    Helsenorge to the GP), the GP's answer with the question, or the GP's note to the citizen."""
    name = kind.lower()
    extra: tuple[Document, ...] = ()
    conversation: ConversationRef | None = None
    sakstype: tuple[Code | None, str | None] = (None, None)
    facts: Document | None = None
    if kind in REQUESTS:
        question = _question(kind)
        if kind == "DIALOG_INNBYGGER_EKONSULTASJON":
            markup = (
                f'<Sporsmal xmlns="{DIALOG_11_NS}"><p xmlns="http://www.w3.org/1999/xhtml">Utslett på '
                "<b>venstre</b> underarm i tre dager.</p> Bilde vedlagt.</Sporsmal>"
            ).encode()
            question = Foresporsel(
                type_foresp=question.type_foresp,
                emne_sporsmal=question.emne_sporsmal,
                sporsmal=RichText(
                    text="Utslett på venstre underarm i tre dager. Bilde vedlagt.", markup=markup
                ),
            )
            extra = (attachment(jpeg(), "image/jpeg", "Bilde av utslett", "2024-05-02T08:20:00+02:00"),)
        if kind == "DIALOG_INNBYGGER_TIMEONSKE":
            question = Foresporsel(
                type_foresp=question.type_foresp,
                emne_sporsmal=question.emne_sporsmal,
                sporsmal=question.sporsmal,
                fra_dato="2024-05-06",
                til_dato="2024-05-10",
                kodet_opplysning=Code(v="AP", dn="Hentes på apotek", s="8324"),
            )
        if kind == "DIALOG_INNBYGGER_FINN_DOKUMENTER":
            facts, extra = document_facts()
        if kind == "DIALOG_INNBYGGER_DIGITALBRUKER":
            sakstype = (Code(v="DB", dn="Digital bruker"), "Digital bruker")
        model = Dialogmelding(sakstype_kodet=sakstype[0], sakstype=sakstype[1], foresporsler=(question,))
        sender, receiver = HELSENORGE, GP_OFFICE
    elif kind in ANSWERS:
        roles: tuple[RollerRelatertNotat, ...] = ()
        if kind == "DIALOG_INNBYGGER_KOORDINATOR":
            unit = TilknyttetEnhet(
                kontaktenhet=COORDINATION_UNIT,
                merknad="Koordinator for pasienten",
                healthcare_professional=COORDINATOR,
            )
            roles = (
                RollerRelatertNotat(
                    role_to_patient=Code.of("8", "Koordinator Individuell plan", 9034), tilknyttet_enhet=unit
                ),
            )
        note = Notat(
            tema_kodet=Code.of("5", "Svar på forespørsel", 9069),
            tekst_notat_innhold=RichText(text="Takk for henvendelsen. Vi tar kontakt i løpet av uken."),
            foresporsel=_question(kind),
            roller=roles,
        )
        if kind == "DIALOG_INNBYGGER_HELSEPERSONELL":
            extra = (
                attachment(pdf("Epikrise"), "application/pdf", "Epikrise", "2024-04-30T14:00:00+02:00"),
                Document(
                    ref_doc=RefDoc(
                        msg_type=Code(v="A", dn="Vedlegg"),
                        mime_type="application/pdf",
                        description="Behandlingsplan",
                        file_reference="https://dokumenter.test.invalid/behandlingsplan.pdf",
                    )
                ),
            )
        model = Dialogmelding(notater=(note,))
        sender, receiver, conversation = GP_OFFICE, HELSENORGE, QUESTION_ASKED
    else:
        rich = None
        if kind == "DIALOG_INNBYGGER_TIMERESERVASJON":
            rich = (
                f'<TekstNotatInnhold xmlns="{DIALOG_11_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
                ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xsi:type="xsd:string">Timen er reservert.'
                "</TekstNotatInnhold>"
            ).encode()
        note = Notat(
            tema_kodet=Code.of("1", "Notat om pasient", 7321),
            tema=display("8279", kind),
            tekst_notat_innhold=RichText(
                text="Timen er reservert." if rich else "Melding til innbygger.", markup=rich
            ),
            dato_notat="2024-05-02",
        )
        model = Dialogmelding(notater=(note,))
        sender, receiver = GP_OFFICE, HELSENORGE
    payload = payload_of(serialize_dialogmelding(model))
    return hodemelding(
        name, kind, payload, sender, receiver, conversation, extra, display("8279", kind), facts
    )


def document_facts() -> tuple[Document, tuple[Document, ...]]:
    """Every Document and RefDoc fact of the Hodemelding, on the main document and on an attachment."""
    main = Document(
        document_connection=Code(v="H", dn="Hoveddokument"),
        content_type=Code(v="SOK", dn="Søk etter dokumenter"),
        content_category=Code(v="INNB", dn="Innbyggertjeneste"),
        annotation="Søket gjelder de siste to årene",
        from_date="2022-05-01",
        to_date="2024-05-01T23:59:59+02:00",
        oid_ref="2.16.578.1.12.4.1.1.8279",
        enquiry_ref_id="SOK-2024-17",
        ref_doc=RefDoc(
            msg_type=Code(v="XML", dn="XML-instans"),
            issue_date="2024-05-02T08:29:00+02:00",
            id="DOK-SOK-17",
            mime_type="text/xml",
        ),
    )
    attached = Document(
        document_connection=Code(v="V", dn="Vedlegg"),
        content_type=Code(v="LISTE", dn="Dokumentliste"),
        content_description="Dokumenter funnet",
        content_category=Code(v="INNB", dn="Innbyggertjeneste"),
        consent=Code.of("1", "Ja", 3109),
        annotation="Listen er ufullstendig",
        from_date="2022-05-01",
        to_date="2024-05-01",
        oid_ref="2.16.578.1.12.4.1.1.8114",
        enquiry_ref_id="SOK-2024-17",
        ref_doc=RefDoc(
            msg_type=Code(v="A", dn="Vedlegg"),
            issue_date="2024-05-02T08:25:00+02:00",
            id="DOK-LISTE-17",
            mime_type="text/plain",
            description="Dokumentliste",
            content=Attachment(mime_type="text/plain", data=b"Epikrise 2023-11-02\nSvar lab 2024-01-15\n"),
        ),
    )
    return main, (attached,)


def helsenorge_types() -> list[str]:
    """Every DIALOG_INNBYGGER_* type of code table 8279."""
    return sorted(code for code in table("8279").codes if code.startswith("DIALOG_INNBYGGER_"))


def plo_with_attachments() -> bytes:
    """Helseopplysninger til lege with a PDF (Document[2]) and a JPEG (Document[3])."""
    message, sender, receiver, conversation = plo_messages()["helseopplysninger_lege_1_6"]
    documents = (
        attachment(pdf("Sarjournal"), "application/pdf", "Sårjournal uke 17", "2024-04-29T10:00:00+02:00"),
        attachment(jpeg(), "image/jpeg", "Foto av sår", "2024-04-29T10:05:00+02:00"),
    )
    payload = payload_of(serialize_plo(message))
    return hodemelding(
        "helseopplysninger_lege_vedlegg_1_6", message.kind, payload, sender, receiver, conversation, documents
    )


def main() -> None:
    HELSENORGE_DIR.mkdir(exist_ok=True)
    for kind in helsenorge_types():
        if kind not in SAMPLED:
            (HELSENORGE_DIR / f"{kind.lower()}.xml").write_bytes(helsenorge_message(kind))
    (PLO_DIR / "helseopplysninger_lege_vedlegg_1_6.xml").write_bytes(plo_with_attachments())


__all__ = ["helsenorge_message", "helsenorge_types", "jpeg", "main", "pdf", "plo_with_attachments"]


if __name__ == "__main__":
    main()
