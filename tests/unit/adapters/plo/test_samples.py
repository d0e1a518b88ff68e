"""Every official PLO sample (whole Hodemelding) parses to the right kind, version and status,
round-trips to an equal model and comes out valid against the official XSD of its version."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from samband.adapters.plo import parse_plo, serialize_plo, serialize_plo_bytes, validate_plo
from samband.adapters.plo.parse import MSGHEAD_NS, locate_payload
from samband.adapters.xml.safe import parse_xml
from samband.adapters.xml.schemas import compiled_schema, xsd_findings
from samband.kernel.problems import Severity
from tests.conftest import SAMPLES

PLO = SAMPLES / "plo"
ALL = sorted(PLO.rglob("*.xml")) if PLO.is_dir() else []
STATUS = {"Ny": "N", "Endring": "M", "Kansellering": "C"}
ROOTS = {
    "HELSEOPPLYSNINGER_LEGE": "Konsultasjon",
    "HELSEOPPL_SOKNAD": "HelseopplysningerVedSoknad",
    "MEDISINSKE_OPPLYSNINGER": "OverforingMedisinskeOpplysninger",
    "ORIENTERING_TJENESTETILBUD": "OrienteringOmTjenestetilbud",
    "INNLEGGELSESRAPPORT": "Innleggelsesrapport",
    "UTSKRIVNINGSRAPPORT": "TverrfagligEpikrise",
}

pytestmark = pytest.mark.skipif(not ALL, reason=f"PLO samples not found under {PLO}")


def _ids(paths: list[Path]) -> list[str]:
    return [f"{p.parent.name}/{p.stem}" for p in paths]


def _msginfo_type(raw: bytes) -> str:
    type_el = parse_xml(raw).find(f"{{{MSGHEAD_NS}}}MsgInfo/{{{MSGHEAD_NS}}}Type")
    assert type_el is not None
    return str(type_el.get("V"))


def _expected_status(path: Path) -> str:
    word = path.stem.rsplit("_", 1)[-1].rstrip("0123456789")
    return STATUS[word]


def test_all_samples_found() -> None:
    assert len(ALL) >= 20
    assert {p.parent.name for p in ALL} == {"1_5", "1_6"}


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_sample_parses_to_kind_version_and_status(path: Path) -> None:
    raw = path.read_bytes()
    msg = parse_plo(raw)
    assert msg.kind == _msginfo_type(raw)
    assert msg.version == path.parent.name.replace("_", ".")
    assert msg.forsendelsesstatus == _expected_status(path)
    if msg.kind.startswith("LOG_"):
        assert msg.root == "Pasientlogistikk"
        assert msg.logistikk is not None and msg.logistikk.hendelser
    else:
        assert msg.root == ROOTS[msg.kind]


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_sample_round_trips_and_validates(path: Path) -> None:
    msg = parse_plo(path.read_bytes())
    element = serialize_plo(msg)
    assert parse_plo(element) == msg
    assert xsd_findings(element, compiled_schema([msg.namespace])) == []
    assert parse_plo(serialize_plo_bytes(msg)) == msg


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_untouched_sample_comes_back_byte_for_byte(path: Path) -> None:
    payload = locate_payload(parse_xml(path.read_bytes()))
    original = etree.tostring(parse_xml(etree.tostring(payload)), method="c14n")
    assert etree.tostring(serialize_plo(parse_plo(path.read_bytes())), method="c14n") == original


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_sample_has_no_rule_errors(path: Path) -> None:
    findings = validate_plo(path.read_bytes())
    assert [f for f in findings if f.severity is Severity.ERROR] == []


def test_payload_element_and_whole_msghead_give_the_same_model() -> None:
    path = PLO / "1_6" / "Orientering_om_tjenestetilbud_v1-6_Ny.xml"
    whole = parse_plo(path.read_bytes())
    alone = parse_plo(etree.tostring(locate_payload(parse_xml(path.read_bytes()))))
    assert whole == alone
