"""FHIR message Bundle → Dialogmelding 1.0/1.1 Hodemelding of exactly the event's type (8279
``DIALOG_*``) and the version ``MessageHeader.definition`` names: Tasks in focus → Foresporsel,
Communications in focus → Notat (with the answered Task as its Foresporsel); CareTeam roles →
RollerRelatertNotat; SakstypeKodet/Sakstype from MessageHeader extensions. Further documents are
written by the message frame (``common/head_out.py``).
"""

from __future__ import annotations

from samband.adapters.dialogmelding.codec import serialize_dialogmelding
from samband.adapters.dialogmelding.model import NAMESPACES, Dialogmelding, Foresporsel, Notat, RichText
from samband.adapters.dialogmelding.payload import DIALOG_TYPES
from samband.adapters.kith.datatypes import Code
from samband.adapters.msghead.payloads import payload_of
from samband.adapters.xml.safe import parse_xml
from samband.kernel.errors import GatewayError, MappingError
from samband.kernel.problems import Severity
from samband.mappings.common import kith_out
from samband.mappings.common.definition import payload_version
from samband.mappings.common.head_out import build_msghead
from samband.mappings.common.state import MapState
from samband.mappings.common.systems import (
    DOK_ID,
    EXT_CASE_TYPE,
    EXT_CASE_TYPE_CODED,
    EXT_RICH_TEXT,
    TASK_INPUT,
)
from samband.mappings.common.view import BundleView, JsonDict, as_dict, as_list, text_of
from samband.mappings.dialog_fhir.roles_out import roles

DEFAULT_VERSION = "1.1"
EVENTS = DIALOG_TYPES
"""Every Dialogmelding MsgInfo/Type in code table 8279 (the Helsenorge ``DIALOG_INNBYGGER_*`` too)."""
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


def rich_text(text: str | None, holder: JsonDict, state: MapState | None, where: str) -> RichText | None:
    """The text of an anyType element: the element as sent (extension ``dialog-tekst-xml``) when its
    plain text is still ``text``, else ``text`` alone (edited in FHIR: the markup is not applied)."""
    if not text:
        return None
    kept = next(
        (
            text_of(e.get("valueString"))
            for e in as_list(holder.get("extension"))
            if e.get("url") == EXT_RICH_TEXT
        ),
        None,
    )
    if kept:
        try:
            plain = "".join(parse_xml(kept.encode("utf-8")).itertext())
        except GatewayError:
            plain = None
        if plain is not None and plain.split() == text.split():
            return RichText(text=text, markup=kept.encode("utf-8"))
        if state is not None:
            state.issue(
                where,
                "dialog.markup-dropped",
                "the text differs from the element kept in dialog-tekst-xml; it is sent as plain text",
                "Teksten er endret og sendes uten formatering",
                Severity.INFO,
            )
    return RichText(text=text)


def foresporsel(view: BundleView, task: JsonDict, state: MapState | None = None) -> Foresporsel:
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
        sporsmal=rich_text(description, task, state, f"Task/{task.get('id')}/description"),
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


def notat(view: BundleView, communication: JsonDict, state: MapState | None = None) -> Notat:
    """Communication → Notat: category → TemaKodet, topic → Tema, first text payload → TekstNotatInnhold."""
    categories = as_list(communication.get("category"))
    tema = kith_out.code_of(categories[0], "7321") if categories else None
    if tema is None:
        raise MappingError(
            "a Notat needs a coded Communication.category (TemaKodet)",
            code="dialog.no-temakodet",
            where=f"Communication/{communication.get('id')}/category",
        )
    texts = [p for p in as_list(communication.get("payload")) if text_of(p.get("contentString"))]
    where = f"Communication/{communication.get('id')}/payload"
    text = rich_text(text_of(texts[0].get("contentString")), texts[0], state, where) if texts else None
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
        tekst_notat_innhold=text,
        merknad=" ".join(n for n in notes if n) or None,
        dok_id_notat=next(iter(ids), None),
        dato_notat=sent if len(sent) == 10 else None,
        foresporsel=foresporsel(view, answered, state)
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


def dialog_version(view: BundleView) -> str:
    """The payload version ``MessageHeader.definition`` names (1.1 for a Bundle without one); a
    version this mapping cannot write is refused, never replaced by another."""
    version = payload_version(view, DEFAULT_VERSION)
    if version in NAMESPACES:
        return version
    raise MappingError(
        f"no Dialogmelding version {version!r}",
        code="dialog.unsupported-version",
        where="/entry/0/resource/definition",
        expected=" or ".join(sorted(NAMESPACES)),
        received=version,
    )


def _case_type(view: BundleView) -> tuple[Code | None, str | None]:
    """SakstypeKodet and Sakstype from the MessageHeader extensions."""
    coded: Code | None = None
    text: str | None = None
    for extension in as_list(view.header().get("extension")):
        if extension.get("url") == EXT_CASE_TYPE_CODED:
            coded = kith_out.code_of({"coding": [extension.get("valueCoding")]}, "")
        elif extension.get("url") == EXT_CASE_TYPE:
            text = text_of(extension.get("valueString"))
    return coded, text


def fhir_to_dialog(bundle: dict[str, object], state: MapState) -> bytes:
    """A FHIR message Bundle → Dialogmelding Hodemelding bytes (schema-valid) of the event's type.

    The payload follows the focus: Tasks → Foresporsel, Communications → Notat (a Dialogmelding
    holds one or the other); a focus with both, or with neither, is refused.
    """
    view = BundleView.of(bundle)
    event = dialog_event(view)
    version = dialog_version(view)
    focus = view.focus()
    tasks = [r for r in focus if r.get("resourceType") == "Task"]
    communications = [r for r in focus if r.get("resourceType") == "Communication"]
    if tasks and communications:
        raise MappingError(
            "a Dialogmelding holds Foresporsel or Notat, not both: the focus has Tasks and Communications",
            code="dialog.mixed-focus",
            where="/entry/0/resource/focus",
            expected="Tasks or Communications in focus",
        )
    if not tasks and not communications:
        raise MappingError(
            "nothing to send: no Task or Communication in focus",
            code="dialog.empty",
            where="/entry/0/resource/focus",
        )
    coded, text = _case_type(view)
    model = Dialogmelding(
        version=version,
        sakstype_kodet=coded,
        sakstype=text,
        foresporsler=tuple(foresporsel(view, t, state) for t in tasks),
        notater=tuple(notat(view, c, state) for c in communications),
    )
    return build_msghead(view, event, payload_of(serialize_dialogmelding(model)), state=state)
