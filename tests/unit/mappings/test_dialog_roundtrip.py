"""Dialogmelding → FHIR → Dialogmelding keeps the payload (mappings/README.md), and the Hodemelding
parts that round-trip; the result is schema-valid (the serializers check the XSD).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from samband.adapters.dialogmelding.model import (
    Dialogmelding,
    Foresporsel,
    Notat,
    RichText,
)
from samband.adapters.msghead.parse import parse_msghead
from samband.adapters.msghead.payloads import parse_payload
from samband.adapters.xml.safe import parse_xml
from samband.mappings.base import fixed_context
from samband.mappings.registry import from_fhir, to_fhir
from tests.conftest import SAMPLES
from tests.unit.mappings.test_plo_roundtrip import head_fields

TESTS = Path(__file__).resolve().parents[2]


def _files() -> list[Path]:
    own = sorted((TESTS / "messages" / "dialogmelding").rglob("*.xml"))
    official = sorted(SAMPLES.glob("dialogmelding/**/*.xml")) if SAMPLES.is_dir() else []
    return own + official


def _canonical(markup: bytes | None) -> bytes | None:
    """The element as exclusive C14N (the prefixes QName values use kept): the same XML, whichever
    namespace declarations happen to be in scope."""
    if markup is None:
        return None
    element = parse_xml(markup)
    values = (v for el in element.iter() for v in el.attrib.values())
    prefixes = sorted({v.split(":", 1)[0] for v in values if ":" in v} & set(element.nsmap))
    return bytes(etree.tostring(element, method="c14n", exclusive=True, inclusive_ns_prefixes=prefixes))


def _text(value: RichText | None) -> RichText | None:
    return RichText(text=" ".join(value.text.split()), markup=_canonical(value.markup)) if value else None


def _question(f: Foresporsel | None) -> Foresporsel | None:
    if f is None:
        return None
    return replace(f, sporsmal=_text(f.sporsmal))


def _note(n: Notat) -> Notat:
    return replace(n, tekst_notat_innhold=_text(n.tekst_notat_innhold), foresporsel=_question(n.foresporsel))


def comparable(model: Dialogmelding) -> Dialogmelding:
    """The model with whitespace in the free texts collapsed; everything else must be equal."""
    return replace(
        model,
        foresporsler=tuple(q for q in (_question(f) for f in model.foresporsler) if q),
        notater=tuple(_note(n) for n in model.notater),
    )


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_dialog_fhir_dialog_keeps_the_payload(path: Path) -> None:
    raw = path.read_bytes()
    back = from_fhir(to_fhir(raw, fixed_context()).result, "dialogmelding", fixed_context()).result
    before, after = parse_msghead(raw), parse_msghead(back)
    assert head_fields(after) == head_fields(before)
    assert before.payload is not None and after.payload is not None
    assert comparable(parse_payload(after.payload)) == comparable(parse_payload(before.payload))
    assert [(d.ref_doc.mime_type, d.ref_doc.description, d.ref_doc.contents) for d in after.attachments] == [
        (d.ref_doc.mime_type, d.ref_doc.description, d.ref_doc.contents) for d in before.attachments
    ]
