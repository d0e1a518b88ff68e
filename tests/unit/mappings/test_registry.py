"""The MAPPINGS registry: every pair writes a real sample as its target, keeping the message type;
a pair that is not there, or a type a mapping does not name, is refused."""

from __future__ import annotations

import pytest

from samband.adapters.fhir import serialize_bundle
from samband.adapters.formats import read_envelope, source_format
from samband.kernel.errors import UnsupportedMessage
from samband.kernel.formats import TRANSLATABLE, Format
from samband.mappings.base import fixed_context
from samband.mappings.registry import MAPPINGS, can_write, mapping_for, read_types, targets_of
from tests.conftest import ROOT, SAMPLES

ORIENTERING = SAMPLES / "plo" / "1_6" / "Orientering_om_tjenestetilbud_v1-6_Ny.xml"
NOTAT = SAMPLES / "dialogmelding" / "nav" / "dialogmelding_dialog_notat.xml"
EXPORT = ROOT / "tests" / "messages" / "ip-export" / "valid" / "kari-active.json"
NATIVE = {Format.PLO: ORIENTERING, Format.DIALOGMELDING: NOTAT, Format.IP_EXPORT: EXPORT}
FOR_TARGET = {
    Format.PLO: Format.PLO,
    Format.DIALOGMELDING: Format.DIALOGMELDING,
    Format.IP_EXPORT: Format.IP_EXPORT,
}


def sample(source: Format, target: Format) -> bytes:
    """A real sample of ``source``: a reference message, or the FHIR pivot of the one ``target`` needs."""
    if source is not Format.FHIR:
        return NATIVE[source].read_bytes()
    native = NATIVE[FOR_TARGET.get(target, Format.PLO)]
    origin = source_format(native.read_bytes())
    pivot = MAPPINGS[(origin, Format.FHIR)].to_fhir(native.read_bytes(), fixed_context())
    return serialize_bundle(pivot.result)


def test_every_translatable_format_is_written_by_a_mapping_and_read_into_fhir() -> None:
    assert {target for _source, target in MAPPINGS} == set(TRANSLATABLE)
    for source, _target in MAPPINGS:
        assert (source, Format.FHIR) in MAPPINGS, f"{source} has no way into the pivot"
        assert Format.AS_IS not in (source, _target)


@pytest.mark.parametrize(("source", "target"), sorted(MAPPINGS), ids=lambda f: str(f))
def test_every_pair_writes_a_real_sample_and_keeps_its_type(source: Format, target: Format) -> None:
    raw = sample(source, target)
    mapping = MAPPINGS[(source, target)]
    _kind, before = read_envelope(raw)
    done = mapping.translate(raw, fixed_context())
    assert source_format(done.result) is target
    _kind, after = read_envelope(done.result)
    if target is not Format.FHIR and source is not Format.FHIR:
        assert after.msg_type == before.msg_type, "never another message type"
    assert mapping.types is None or before.msg_type in mapping.types


def test_native_to_native_of_another_family_has_no_mapping() -> None:
    for source, target in [(Format.PLO, Format.DIALOGMELDING), (Format.DIALOGMELDING, Format.PLO)]:
        assert (source, target) not in MAPPINGS
    assert (Format.PLO, Format.IP_EXPORT) not in MAPPINGS
    assert targets_of(Format.PLO) == [Format.FHIR, Format.PLO]
    with pytest.raises(UnsupportedMessage) as caught:
        mapping_for(Format.PLO, Format.IP_EXPORT)
    assert caught.value.code == "mapping.no-pair"
    assert caught.value.received == "plo → ip-export"
    with pytest.raises(UnsupportedMessage):
        mapping_for(Format.FHIR, "hl7v2")


def test_a_caller_can_ask_which_types_a_pair_writes() -> None:
    assert can_write(Format.PLO, Format.FHIR)
    assert can_write(Format.FHIR, Format.FHIR, ["ANYTHING"])
    assert can_write(Format.PLO, Format.PLO, ["ORIENTERING_TJENESTETILBUD", "LOG_INNLAGT"])
    assert can_write(Format.PLO, Format.PLO, ["INNLEGGELSESRAPPORT", "FRAVARSMELDING"])
    assert can_write(Format.PLO, Format.PLO), "every PLO type read is written back"
    assert not can_write(Format.PLO, Format.PLO, ["DIALOG_NOTAT"]), "no PLO builder for it"
    assert not can_write(Format.FHIR, Format.PLO), "a FHIR message may carry any event"
    assert not can_write(Format.PLO, Format.DIALOGMELDING, ["HELSEOPPLYSNINGER_LEGE"])
    assert read_types(Format.FHIR) is None
    assert read_types(Format.IP_EXPORT) == frozenset({"IP_EXPORT"})
