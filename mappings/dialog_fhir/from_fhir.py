"""FHIR message Bundle → Dialogmelding 1.0/1.1 Hodemelding: Task → Foresporsel (DIALOG_FORESPORSEL),
Communication → Notat (DIALOG_NOTAT, DIALOG_SVAR with the answered Task as Foresporsel, DIALOG_AVVIK,
DIALOG_HELSEFAGLIG); CareTeam roles → RollerRelatertNotat; attachments → Base64Container Documents.
"""

from __future__ import annotations

from samband.adapters.dialogmelding.codec import serialize_dialogmelding
from samband.adapters.dialogmelding.model import NAMESPACES, Dialogmelding, Foresporsel, Notat, RichText
from samband.adapters.kith.datatypes import Code
from samband.adapters.msghead.payloads import payload_of
from samband.kernel.codes import lookup
from samband.kernel.errors import MappingError
from samband.mappings.common import kith_out
from samband.mappings.common.definition import payload_version
from samband.mappings.common.head_out import attachment_documents, build_msghead
from samband.mappings.common.state import MapState
from samband.mappings.common.systems import DOK_ID, TASK_INPUT
from samband.mappings.common.view import BundleView, JsonDict, as_dict, as_list, text_of
from samband.mappings.dialog_fhir.roles_out import roles

DEFAULT_VERSION = "1.1"
EVENTS = frozenset(code for code in lookup.table("8279").codes if code.startswith("DIALOG_"))
"""Every Dialogmelding MsgInfo/Type in code table 8279."""
Inputs = dict[str, list[JsonDict]]


def _inputs(task: JsonDict) -> Inputs:
    out: Inputs = {}
    for item in as_list(task.get("input")):
        codings = as_list(as_dict(item.get("type")).get("coding"))
        kind = next((c.get("code") for c in codings if c.get("system") == TASK_INPUT), None)
        if kind:
            out.setdefault(str(kind), []).append(item)
    return out


def _text(inputs: Inputs, kind: str) -> str | None:
    return next((text_of(i.get("valueString")) for i in inputs.get(kind, [])), None)


def _coded(inputs: Inputs, kind: str, table: str) -> list[Code]:
    found = (kith_out.code_of(i.get("valueCodeableConcept"), table) for i in inputs.get(kind, []))
    return [c for c in found if c is not None]


def _first(inputs: Inputs, kind: str, table: str) -> Code | None:
    return next(iter(_coded(inputs, kind, table)), None)


def foresporsel(view: BundleView, task: JsonDict) -> Foresporsel:
    """Task → Foresporsel: code → TypeForesp (9152/9153), description → Sporsmal, inputs → the rest."""
    inputs = _inputs(task)
    period = as_dict(as_dict(task.get("restriction")).get("period"))
    team = next((view.resolve(i.get("valueReference")) for i in inputs.get("RollerRelatertNotat", [])), None)
    description = text_of(task.get("description"))
    type_foresp = kith_out.code_of(task.get("code"), "9152")
    if type_foresp is None:
        raise MappingError(
            "a Forespørsel needs a coded Task.code (TypeForesp)",
            code="dialog.no-typeforesp",
            where=f"Task/{task.get('id')}/code",
        )
    return Foresporsel(
        type_foresp=type_foresp,
        emne_sporsmal=_text(inputs, "EmneSporsmal"),
        sporsmal=RichText(text=description) if description else None,
        formal=_first(inputs, "Formål", "9068"),
        begrunnelse=_text(inputs, "Begrunnelse"),
        hastegrad=_first(inputs, "Hastegrad", "9067"),
        fra_dato=text_of(period.get("start")),
        til_dato=text_of(period.get("end")),
        type_journalinfo=tuple(_coded(inputs, "TypeJournalinfo", "9066")),
        kodet_opplysning=_first(inputs, "KodetOpplysning", "8324"),
        dok_id_foresp=_text(inputs, "DokIdForesp"),
        roller=roles(view, team),
    )


def notat(view: BundleView, communication: JsonDict) -> Notat:
    """Communication → Notat: category → TemaKodet, topic → Tema, first text payload → TekstNotatInnhold."""
    categories = as_list(communication.get("category"))
    tema = kith_out.code_of(categories[0], "7321") if categories else None
    if tema is None:
        raise MappingError(
            "a Notat needs a coded Communication.category (TemaKodet)",
            code="dialog.no-temakodet",
            where=f"Communication/{communication.get('id')}/category",
        )
    texts = [text_of(p.get("contentString")) for p in as_list(communication.get("payload"))]
    text = next((t for t in texts if t), None)
    notes = [text_of(n.get("text")) for n in as_list(communication.get("note"))]
    sent = text_of(communication.get("sent")) or ""
    ids = [
        text_of(i.get("value")) for i in as_list(communication.get("identifier")) if i.get("system") == DOK_ID
    ]
    answered = next((view.resolve(b) for b in as_list(communication.get("basedOn"))), None)
    team = next((view.resolve(a) for a in as_list(communication.get("about"))), None)
    return Notat(
        tema_kodet=tema,
        tema=text_of(as_dict(communication.get("topic")).get("text")),
        tekst_notat_innhold=RichText(text=text) if text else None,
        merknad=" ".join(n for n in notes if n) or None,
        dok_id_notat=next(iter(ids), None),
        dato_notat=sent if len(sent) == 10 else None,
        foresporsel=foresporsel(view, answered)
        if answered and answered.get("resourceType") == "Task"
        else None,
        roller=roles(view, team if team and team.get("resourceType") == "CareTeam" else None),
    )


def dialog_event(view: BundleView) -> str:
    """MessageHeader.eventCoding (8279); a type this mapping cannot write is refused, never guessed."""
    event = view.event()
    if event in EVENTS:
        return str(event)
    raise MappingError(
        f"no Dialogmelding for event {event!r}",
        code="dialog.unsupported-event",
        where="/entry/0/resource/eventCoding",
        expected="a DIALOG_* type of code table 8279",
        received=str(event),
    )


def fhir_to_dialog(bundle: dict[str, object], state: MapState) -> bytes:
    """A FHIR message Bundle → Dialogmelding Hodemelding bytes (schema-valid)."""
    view = BundleView.of(bundle)
    event = dialog_event(view)
    version = payload_version(view, DEFAULT_VERSION)
    if version not in NAMESPACES:
        version = DEFAULT_VERSION
    focus = view.focus()
    tasks = [r for r in focus if r.get("resourceType") == "Task"]
    communications = [r for r in focus if r.get("resourceType") == "Communication"]
    if event == "DIALOG_FORESPORSEL":
        model = Dialogmelding(version=version, foresporsler=tuple(foresporsel(view, t) for t in tasks))
    else:
        model = Dialogmelding(version=version, notater=tuple(notat(view, c) for c in communications))
    payloads = as_list(communications[0].get("payload")) if communications else []
    extra_docs = (
        attachment_documents(payloads, state, f"Communication/{communications[0].get('id')}/payload")
        if communications
        else ()
    )
    if not model.foresporsler and not model.notater:
        raise MappingError(
            "nothing to send: no Task or Communication in focus",
            code="dialog.empty",
            where="/entry/0/resource/focus",
        )
    return build_msghead(view, event, payload_of(serialize_dialogmelding(model)), extra_docs, state)
