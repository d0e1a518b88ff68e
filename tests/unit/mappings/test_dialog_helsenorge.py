"""Every Helsenorge digital-dialog type (``DIALOG_INNBYGGER_*`` of code table 8279) goes to FHIR and
back as itself: the Bundle names the type and version, the way back writes exactly that type, with a
Foresporsel for a request (Task) and a Notat for an answer or note (Communication), or refuses with
a code; never another type.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from samband.adapters.dialogmelding.model import Dialogmelding
from samband.adapters.msghead.parse import parse_msghead
from samband.adapters.msghead.payloads import parse_payload
from samband.kernel.errors import MappingError
from samband.kernel.formats import Format
from samband.mappings.base import fixed_context
from samband.mappings.common.systems import EXT_RICH_TEXT
from samband.mappings.common.view import BundleView
from samband.mappings.registry import can_write, from_fhir, to_fhir
from tests.conftest import SAMPLES
from tests.messages.dialogmelding.generate import helsenorge_message, helsenorge_types

HELSENORGE = SAMPLES / "msghead" / "helsenorge"
TYPES = helsenorge_types()


def _model(raw: bytes) -> Dialogmelding:
    payload = parse_msghead(raw).payload
    assert payload is not None
    model = parse_payload(payload)
    assert isinstance(model, Dialogmelding)
    return model


def _back(bundle: dict[str, Any]) -> bytes:
    return from_fhir(bundle, "dialogmelding", fixed_context()).result


def test_the_table_has_the_helsenorge_processes() -> None:
    assert {"DIALOG_INNBYGGER_EKONTAKT", "DIALOG_INNBYGGER_RESEPTFORNYELSE", "DIALOG_INNBYGGER_TEST"} <= set(
        TYPES
    )
    assert {"DIALOG_INNBYGGER_EKONSULTASJON", "DIALOG_INNBYGGER_TIMERESERVASJON"} <= set(TYPES)
    assert can_write(Format.DIALOGMELDING, Format.DIALOGMELDING, TYPES)
    assert can_write(Format.FHIR, Format.DIALOGMELDING, TYPES)


@pytest.mark.parametrize("kind", TYPES)
def test_each_helsenorge_type_keeps_its_type_and_content(kind: str) -> None:
    raw = helsenorge_message(kind)
    bundle = to_fhir(raw, fixed_context()).result
    header: dict[str, Any] = BundleView.of(bundle).header()
    assert header["eventCoding"]["code"] == kind
    assert header["definition"].endswith(f"/{kind}|1.1")
    back = _back(bundle)
    assert parse_msghead(back).msg_type == kind
    before, after = _model(raw), _model(back)
    assert (len(after.foresporsler), len(after.notater)) == (len(before.foresporsler), len(before.notater))
    assert after.version == "1.1"


@pytest.mark.parametrize(
    "name",
    [
        "DIALOG_INNBYGGER_EKONTAKT.xml",
        "Helsenorge_Message.xml",
        "Dialogtjeneste12_Kommunikasjonstest_Request.xml",
        "DIALOG_INNBYGGER_RESEPTFORNYELSE.xml",
    ],
)
def test_official_helsenorge_samples_are_written_back_as_themselves(name: str) -> None:
    path = HELSENORGE / name
    if not path.is_file():
        pytest.skip(f"reference sample not found: {path}")
    raw = path.read_bytes()
    bundle = to_fhir(raw, fixed_context()).result
    kinds = {r["resourceType"] for r in BundleView.of(bundle).focus()}
    back = _back(bundle)
    assert parse_msghead(back).msg_type == parse_msghead(raw).msg_type
    before, after = _model(raw), _model(back)
    if "Task" in kinds:
        assert after.foresporsler and before.foresporsler
        assert after.foresporsler[0].type_foresp == before.foresporsler[0].type_foresp
    else:
        assert after.notater[0].foresporsel == before.notater[0].foresporsel


def test_a_request_is_a_task_in_focus_and_comes_back_as_a_foresporsel() -> None:
    bundle = to_fhir(helsenorge_message("DIALOG_INNBYGGER_EKONSULTASJON"), fixed_context()).result
    focus = BundleView.of(bundle).focus()
    assert [r["resourceType"] for r in focus] == ["Task", "DocumentReference"]
    task: dict[str, Any] = next(r for r in focus if r["resourceType"] == "Task")
    assert task["description"] == "Utslett på venstre underarm i tre dager. Bilde vedlagt."
    assert [e["url"] for e in task["extension"]] == [EXT_RICH_TEXT]
    sporsmal = _model(_back(bundle)).foresporsler[0].sporsmal
    assert sporsmal is not None and sporsmal.markup is not None and b"<b>venstre</b>" in sporsmal.markup


def test_an_edited_text_is_sent_plain_and_said_so() -> None:
    bundle = to_fhir(helsenorge_message("DIALOG_INNBYGGER_EKONSULTASJON"), fixed_context()).result
    task = next(r for r in BundleView.of(bundle).focus() if r["resourceType"] == "Task")
    task["description"] = "Utslettet er borte."
    done = from_fhir(bundle, "dialogmelding", fixed_context())
    sporsmal = _model(done.result).foresporsler[0].sporsmal
    assert sporsmal is not None and (sporsmal.text, sporsmal.markup) == ("Utslettet er borte.", None)
    assert "dialog.markup-dropped" in {i.code for i in done.issues}


def test_case_type_coded_unit_and_code_system_as_sent_come_back() -> None:
    for kind in (
        "DIALOG_INNBYGGER_DIGITALBRUKER",
        "DIALOG_INNBYGGER_KOORDINATOR",
        "DIALOG_INNBYGGER_TIMEONSKE",
    ):
        raw = helsenorge_message(kind)
        assert _model(_back(to_fhir(raw, fixed_context()).result)) == _model(raw)


def _bundle(kind: str = "DIALOG_INNBYGGER_TIMEONSKE") -> dict[str, Any]:
    return copy.deepcopy(to_fhir(helsenorge_message(kind), fixed_context()).result)


def test_a_version_the_mapping_cannot_write_is_refused() -> None:
    bundle = _bundle()
    header = bundle["entry"][0]["resource"]
    header["definition"] = header["definition"].replace("|1.1", "|1.2")
    with pytest.raises(MappingError) as caught:
        _back(bundle)
    assert caught.value.code == "dialog.unsupported-version"


def test_a_type_outside_the_table_is_refused_not_replaced() -> None:
    bundle = _bundle()
    bundle["entry"][0]["resource"]["eventCoding"]["code"] = "DIALOG_INNBYGGER_UKJENT"
    with pytest.raises(MappingError) as caught:
        _back(bundle)
    assert caught.value.code == "dialog.unsupported-event"


def test_a_focus_with_both_tasks_and_communications_is_refused() -> None:
    bundle = _bundle("DIALOG_INNBYGGER_TIMER")
    note: dict[str, Any] = BundleView.of(bundle).focus()[0]
    bundle["entry"][0]["resource"]["focus"].append(note["basedOn"][0])
    with pytest.raises(MappingError) as caught:
        _back(bundle)
    assert caught.value.code == "dialog.mixed-focus"
