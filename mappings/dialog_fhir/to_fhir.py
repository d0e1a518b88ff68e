"""Dialogmelding 1.0/1.1 (HIS 80603) → FHIR message Bundle.

Foresporsel → Task (TypeForesp as code, the question as description, the other fields as typed
``input``); Notat (notat, svar, avvik, helsefaglig dialog) → Communication (TemaKodet as category,
text and attachments as payload); RollerRelatertNotat → a CareTeam of the people the note names.
"""

from __future__ import annotations

import base64

from samband.adapters.dialogmelding.model import Dialogmelding, Foresporsel, Notat
from samband.adapters.msghead.model import Attachment, MsgHead
from samband.adapters.msghead.payloads import parse_payload
from samband.kernel.errors import MappingError
from samband.mappings.common.head import Frame, close_frame, open_frame
from samband.mappings.common.ids import ref
from samband.mappings.common.state import MapState
from samband.mappings.common.systems import DOK_ID, TASK_INPUT
from samband.mappings.dialog_fhir.roles import roles_team

JsonDict = dict[str, object]
CONTENT = "/MsgHead/Document/RefDoc/Content/Dialogmelding"
FORESP_TABLE = "9152"
TEMA_TABLE = "7321"
ROOTS = frozenset({"Dialogmelding"})
"""The payload root element this mapping reads."""

TYPES: frozenset[str] = frozenset(
    {
        "DIALOG_FORESPORSEL",
        "DIALOG_SVAR",
        "DIALOG_NOTAT",
        "DIALOG_AVVIK",
        "DIALOG_HELSEFAGLIG",
        "DIALOG_STATUS_HENVISNING",
        "DIALOG_INNBYGGER_EKONTAKT",
        "DIALOG_INNBYGGER_RESEPTFORNYELSE",
        "DIALOG_INNBYGGER_TEST",
    }
)
"""The Dialogmelding MsgInfo/Type codes (8279) this mapping writes as FHIR."""


def _input(kind: str, value: JsonDict) -> JsonDict:
    return {"type": {"coding": [{"system": TASK_INPUT, "code": kind}]}, **value}


def _task_inputs(frame: Frame, f: Foresporsel, path: str) -> list[JsonDict]:
    """The Foresporsel fields that have no Task element of their own, as typed Task.input."""
    texts = (
        ("EmneSporsmal", f.emne_sporsmal),
        ("Begrunnelse", f.begrunnelse),
        ("DokIdForesp", f.dok_id_foresp),
    )
    out = [_input(kind, {"valueString": text}) for kind, text in texts if text]
    coded = [("Formål", f.formal, "9068"), ("Hastegrad", f.hastegrad, "9067")]
    coded += [("KodetOpplysning", f.kodet_opplysning, "8324")]
    coded += [("TypeJournalinfo", c, "9066") for c in f.type_journalinfo]
    for kind, code, table in coded:
        concept = frame.state.concept(code, table, f"{path}/{kind}")
        if concept:
            out.append(_input(kind, {"valueCodeableConcept": concept}))
    return out


def task(frame: Frame, f: Foresporsel, path: str, status: str, key: str) -> str:
    """Foresporsel → Task (intent order): code TypeForesp, description Sporsmal, period Fra/TilDato."""
    code = frame.state.concept(f.type_foresp, FORESP_TABLE, f"{path}/TypeForesp")
    resource: JsonDict = {
        "resourceType": "Task",
        "id": frame.rid("Task", key),
        "status": status,
        "intent": "order",
        "code": code or {"text": "Forespørsel"},
        "authoredOn": frame.timestamp,
        "requester": ref(frame.sender.party_id),
        "owner": ref(frame.receiver.party_id),
    }
    if frame.patient_id:
        resource["for"] = ref(frame.patient_id)
    if f.sporsmal:
        resource["description"] = f.sporsmal.text
        if f.sporsmal.markup:
            frame.state.issue(
                f"{path}/Sporsmal",
                "dialog.markup-flattened",
                "xhtml in Sporsmal is carried as plain text",
                "Formatering i spørsmålet er fjernet",
            )
    period = {k: v for k, v in (("start", f.fra_dato), ("end", f.til_dato)) if v}
    if period:
        resource["restriction"] = {"period": period}
    inputs = _task_inputs(frame, f, path)
    team = roles_team(frame, f.roller, f"{path}/RollerRelatertNotat", key)
    if team:
        inputs.append(_input("RollerRelatertNotat", {"valueReference": ref(team)}))
    if inputs:
        resource["input"] = inputs
    return frame.builder.add(resource)


def _attachments(frame: Frame) -> list[JsonDict]:
    """Hodemelding attachments (Base64Container) → Communication.payload.contentAttachment."""
    out: list[JsonDict] = []
    for index, document in enumerate(frame.head.documents, start=1):
        content = document.ref_doc.content
        if isinstance(content, Attachment):
            attachment: JsonDict = {"data": base64.b64encode(content.data).decode("ascii")}
            mime = document.ref_doc.mime_type or content.mime_type
            if mime:
                attachment["contentType"] = mime
            if document.ref_doc.description:
                attachment["title"] = document.ref_doc.description
            out.append({"contentAttachment": attachment})
        elif document.ref_doc.file_reference:
            out.append({"contentAttachment": {"url": document.ref_doc.file_reference}})
        elif index > 1:
            frame.state.not_mapped(f"/MsgHead/Document[{index}]", "extra XML Document")
    return out


def communication(frame: Frame, n: Notat, path: str, key: str, with_attachments: bool) -> str:
    """Notat → Communication: TemaKodet → category, Tema → topic, text → payload, Merknad → note."""
    category = frame.state.concept(n.tema_kodet, TEMA_TABLE, f"{path}/TemaKodet")
    resource: JsonDict = {
        "resourceType": "Communication",
        "id": frame.rid("Communication", key),
        "status": "completed",
        "category": [category or {"text": "Notat"}],
        "sent": n.dato_notat or frame.timestamp,
        "recipient": [ref(frame.receiver.party_id)],
        "sender": ref(frame.sender.party_id),
    }
    if n.dok_id_notat:
        resource["identifier"] = [{"system": DOK_ID, "value": n.dok_id_notat}]
    if frame.patient_id:
        resource["subject"] = ref(frame.patient_id)
    if n.tema:
        resource["topic"] = {"text": n.tema}
    payload: list[JsonDict] = []
    if n.tekst_notat_innhold:
        payload.append({"contentString": n.tekst_notat_innhold.text})
    if with_attachments:
        payload += _attachments(frame)
    if payload:
        resource["payload"] = payload
    if n.merknad:
        resource["note"] = [{"text": n.merknad}]
    if n.foresporsel is not None:
        answered = task(frame, n.foresporsel, f"{path}/Foresporsel", "completed", f"{key}/Foresporsel")
        resource["basedOn"] = [ref(answered)]
    team = roles_team(frame, n.roller, f"{path}/RollerRelatertNotat", key)
    if team:
        resource["about"] = [ref(team)]
    return frame.builder.add(resource)


def dialog_to_fhir(head: MsgHead, state: MapState) -> JsonDict:
    """A parsed Dialogmelding Hodemelding → FHIR message Bundle dict (not yet validated)."""
    payload = head.payload
    model = parse_payload(payload) if payload is not None else None
    if not isinstance(model, Dialogmelding):
        raise MappingError(
            "the Hodemelding carries no Dialogmelding", code="dialog.no-payload", where=CONTENT
        )
    frame = open_frame(head, state)
    if model.sakstype_kodet is not None or model.sakstype:
        state.not_mapped(f"{CONTENT}/SakstypeKodet", "Sakstype/SakstypeKodet")
    for index, f in enumerate(model.foresporsler, start=1):
        frame.focus.append(
            task(frame, f, f"{CONTENT}/Foresporsel[{index}]", "requested", f"Foresporsel{index}")
        )
    for index, n in enumerate(model.notater, start=1):
        path = f"{CONTENT}/Notat[{index}]"
        frame.focus.append(communication(frame, n, path, f"Notat{index}", with_attachments=index == 1))
    if not frame.focus:
        raise MappingError(
            "Dialogmelding has neither Foresporsel nor Notat", code="dialog.empty", where=CONTENT
        )
    if not model.notater:
        for index, document in enumerate(head.documents[1:], start=2):
            state.not_mapped(f"/MsgHead/Document[{index}]", f"Document ({document.ref_doc.msg_type.v})")
    return close_frame(frame)
