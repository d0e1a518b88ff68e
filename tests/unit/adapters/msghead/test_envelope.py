"""read_envelope: the cheap facts the store indexes, for any readable Hodemelding."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from samband.adapters.msghead import read_envelope
from tests.conftest import SAMPLES

HELSENORGE = SAMPLES / "msghead" / "helsenorge"


def test_level_two_her_ids_and_payload_version() -> None:
    envelope = read_envelope(
        (SAMPLES / "dialogmelding" / "sarepta" / "Dialogmelding-v1-1" / "Helsefaglig dialog.xml").read_bytes()
    )
    assert envelope.sender_her == "258521"  # the GP (HealthcareProfessional at level 2)
    assert envelope.receiver_her == "90998"  # the department (Organisation at level 2), not the hospital 59
    assert envelope.msg_id == "de1a95c0-4d0c-11e7-9598-0800200c9a66"
    assert envelope.conversation_ref == envelope.parent_ref == "d14ea2f3-d796-4d7b-8271-a4480d2b4035"
    assert envelope.patient_id == "13116900216"
    assert envelope.version == "1.1"


def test_level_one_her_when_level_two_has_none() -> None:
    raw = (
        SAMPLES / "dialogmelding" / "nav" / "dialogmelding_dialog_svar_foresporsel_om_pasient.xml"
    ).read_bytes()
    envelope = read_envelope(raw)  # NAV Drammen at level 2 carries only a LIN ident
    assert envelope.receiver_her == "79768"


def test_iso_8859_1_fellesformat_message_with_offset_gendate() -> None:
    raw = (SAMPLES / "dialogmelding" / "nav" / "dialogmelding_dialog_notat.xml").read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    envelope = read_envelope(raw)
    assert envelope.msg_type == "DIALOG_NOTAT"
    assert envelope.generated_at == datetime(
        2019, 1, 16, 22, 51, 35, 531767, tzinfo=timezone(timedelta(hours=1))
    )
    assert envelope.conversation_ref == "37340D30-FE14-42B5-985F-A8FF8FFA0C99"


def test_envelope_of_a_message_with_unknown_payload_names_its_namespace() -> None:
    envelope = read_envelope((SAMPLES / "msghead" / "nav" / "egenandelforesporsel.xml").read_bytes())
    assert envelope.namespace == "http://www.kith.no/xmlstds/nav/egenandel/2010-02-01"
    assert envelope.version is None
