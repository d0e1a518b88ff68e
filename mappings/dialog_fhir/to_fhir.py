"""Dialogmelding 1.0/1.1 (HIS 80603) → FHIR message Bundle.

Foresporsel → Task (TypeForesp as code, the question as description, the other fields as typed
``input``); Notat (notat, svar, avvik, helsefaglig dialog, the Helsenorge processes) → Communication
(TemaKodet as category, the text as payload); RollerRelatertNotat → a CareTeam of the people the
note names; SakstypeKodet/Sakstype → MessageHeader extensions. Further Documents (attachments) are
the message frame's (``common/attachments.py``).
"""

from __future__ import annotations

from samband.adapters.dialogmelding.model import Dialogmelding, Foresporsel, Notat, RichText
from samband.adapters.dialogmelding.payload import DIALOG_TYPES
from samband.adapters.msghead.model import MsgHead
from samband.adapters.msghead.payloads import parse_payload
from samband.adapters.xml.safe import parse_xml
from samband.kernel.errors import MappingError
from samband.kernel.problems import Severity
from samband.mappings.common.head import Frame, close_frame, open_frame
from samband.mappings.common.ids import ref
from samband.mappings.common.state import MapState
from samband.mappings.common.systems import (
    DOK_ID,
    EXT_CASE_TYPE,
    EXT_CASE_TYPE_CODED,
    EXT_RICH_TEXT,
    TASK_INPUT,
)
from samband.mappings.dialog_fhir.roles import roles_team

JsonDict = dict[str, object]
CONTENT = "/MsgHead/Document/RefDoc/Content/Dialogmelding"
FORESP_TABLE = "9152"
TEMA_TABLE = "7321"
ROOTS = frozenset({"Dialogmelding"})
"""The payload root element this mapping reads."""

TYPES: frozenset[str] = DIALOG_TYPES
"""The Dialogmelding MsgInfo/Type codes (8279) this mapping writes as FHIR: every ``DIALOG_*`` type of
the table, the Helsenorge ``DIALOG_INNBYGGER_*`` processes among them."""


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
        if rich := _rich_text(frame, f.sporsmal, f"{path}/Sporsmal"):
            resource["extension"] = [rich]
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


def _rich_text(frame: Frame, value: RichText, path: str) -> JsonDict | None:
    """The anyType element as sent (xhtml, ``xsi:type``) in extension ``dialog-tekst-xml``; its plain
    text is the FHIR text. Markup is reported: a FHIR reader sees the plain text only."""
    if value.markup is None:
        return None
    if any(isinstance(node.tag, str) for node in parse_xml(value.markup)):
        frame.state.issue(
            path,
            "dialog.markup-flattened",
            "xhtml in the text is carried as plain text; the element as sent is kept in an extension",
            "Formatering i teksten vises som ren tekst",
            Severity.INFO,
        )
    return {"url": EXT_RICH_TEXT, "valueString": value.markup.decode("utf-8")}


def communication(frame: Frame, n: Notat, path: str, key: str) -> str:
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
    if n.tekst_notat_innhold:
        content: JsonDict = {"contentString": n.tekst_notat_innhold.text}
        if rich := _rich_text(frame, n.tekst_notat_innhold, f"{path}/TekstNotatInnhold"):
            content["extension"] = [rich]
        resource["payload"] = [content]
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
    if case_type := state.any_coding(model.sakstype_kodet, None, "sakstype", f"{CONTENT}/SakstypeKodet"):
        frame.extensions.append({"url": EXT_CASE_TYPE_CODED, "valueCoding": case_type})
    if model.sakstype:
        frame.extensions.append({"url": EXT_CASE_TYPE, "valueString": model.sakstype})
    for index, f in enumerate(model.foresporsler, start=1):
        frame.focus.append(
            task(frame, f, f"{CONTENT}/Foresporsel[{index}]", "requested", f"Foresporsel{index}")
        )
    for index, n in enumerate(model.notater, start=1):
        path = f"{CONTENT}/Notat[{index}]"
        frame.focus.append(communication(frame, n, path, f"Notat{index}"))
    if not frame.focus:
        raise MappingError(
            "Dialogmelding has neither Foresporsel nor Notat", code="dialog.empty", where=CONTENT
        )
    return close_frame(frame)
