"""PLO through the Hodemelding: the payload registry hands PLO payloads to this adapter."""

from __future__ import annotations

from dataclasses import replace

import pytest
from lxml import etree

from samband.adapters.msghead import Payload, parse_msghead, parse_payload, to_payload, validate_msghead
from samband.adapters.plo import PloMessage, parse_plo
from samband.adapters.xml.safe import parse_xml
from samband.kernel.problems import Severity
from tests.conftest import SAMPLES

V16 = SAMPLES / "plo" / "1_6"
PO = "{http://www.kith.no/xmlstds/po/poKomponent/2012-04-01}"

pytestmark = pytest.mark.skipif(not V16.is_dir(), reason="PLO 1.6 samples not found")


def _payload(raw: bytes) -> Payload:
    content = parse_msghead(raw).documents[0].ref_doc.content
    assert isinstance(content, Payload)
    return content


def test_msghead_payload_parses_to_the_plo_model() -> None:
    raw = (V16 / "Pasientlogistikk_Melding_om_utskrevet_pasient_v1-6_Ny.xml").read_bytes()
    model = parse_payload(_payload(raw))
    assert isinstance(model, PloMessage)
    assert model == parse_plo(raw)
    assert model.logistikk is not None and model.logistikk.utskrevet_til is not None
    assert model.logistikk.utskrevet_til.ut_til is not None
    assert model.logistikk.utskrevet_til.ut_til.v == "1"


def test_changed_model_goes_back_into_a_payload() -> None:
    raw = (V16 / "Orientering_om_tjenestetilbud_v1-6_Ny.xml").read_bytes()
    model = parse_plo(raw)
    fewer = replace(model, tjenester=model.tjenester[:1])
    payload = to_payload(fewer, model.namespace)
    assert payload.root == "OrienteringOmTjenestetilbud"
    assert len(parse_plo(payload.xml).tjenester) == 1


def test_hodemelding_validation_reports_plo_rules() -> None:
    root = parse_xml((V16 / "Innleggelsesrapport_v1-6_Ny.xml").read_bytes())
    next(root.iter(f"{PO}Forsendelsesstatus")).set("V", "Q")
    findings = validate_msghead(etree.tostring(root))
    rule = next(f for f in findings if f.code == "plo.forsendelsesstatus")
    assert rule.severity is Severity.ERROR
    assert rule.path is not None and rule.path.startswith("/MsgHead/Document/RefDoc/Content/")
