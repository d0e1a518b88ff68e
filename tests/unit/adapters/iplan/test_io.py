"""Reading and writing ip-export documents: both encodings carry the same plan, every scenario step."""

from __future__ import annotations

import pytest

from samband.adapters.iplan import (
    IpExport,
    looks_like_ip_export,
    parse,
    parse_json,
    parse_xml,
    serialize_json,
    serialize_xml,
    validate_iplan,
)
from samband.adapters.iplan.model import XML_NAMESPACE
from samband.adapters.xml.safe import parse_xml as safe_parse
from tools.scenarios import Step, all_steps

VALID_STEPS = [s for s in all_steps() if s.error is None]


@pytest.mark.parametrize("step", VALID_STEPS, ids=lambda s: s.key)
def test_json_round_trip_keeps_the_whole_plan(step: Step) -> None:
    export = step.export
    assert parse_json(serialize_json(export)) == export


@pytest.mark.parametrize("step", VALID_STEPS, ids=lambda s: s.key)
def test_xml_round_trip_keeps_the_whole_plan(step: Step) -> None:
    export = step.export
    assert parse_xml(serialize_xml(export)) == export


def test_json_and_xml_describe_the_same_plan(kari_active: IpExport) -> None:
    from_json = parse(serialize_json(kari_active))
    from_xml = parse(serialize_xml(kari_active))
    assert from_json == from_xml == kari_active


def test_xml_uses_the_contract_namespace_attributes_and_containers(kari_active: IpExport) -> None:
    root = safe_parse(serialize_xml(kari_active))
    ns = {"ipx": XML_NAMESPACE}
    assert root.tag == f"{{{XML_NAMESPACE}}}IndividualPlanExport"
    assert root.get("schemaVersion") == "1.0"
    assert root.xpath("string(ipx:plan/ipx:coordinatorRef/@ref)", namespaces=ns) == "p-ola"
    roles = root.xpath(
        "ipx:plan/ipx:participants/ipx:participant[@id='p-ola']/ipx:role/text()", namespaces=ns
    )
    assert roles == ["koordinator", "teammedlem"]
    assert root.xpath("string(ipx:plan/ipx:ipStatus/@code)", namespaces=ns) == "101"


def test_valid_documents_have_no_findings(kari_active: IpExport) -> None:
    assert validate_iplan(serialize_json(kari_active)) == []
    assert validate_iplan(serialize_xml(kari_active)) == []


def test_sniffing_tells_ip_exports_from_other_documents(kari_active: IpExport) -> None:
    assert looks_like_ip_export(serialize_json(kari_active))
    assert looks_like_ip_export(serialize_xml(kari_active))
    assert not looks_like_ip_export(b'{"resourceType": "Bundle"}')
    assert not looks_like_ip_export(b"<MsgHead xmlns='http://www.kith.no/xmlstds/msghead/2006-05-24'/>")


def test_json_output_is_plain_contract_json(kari_active: IpExport) -> None:
    text = serialize_json(kari_active).decode("utf-8")
    assert '"responsibleRef": "p-fysio"' in text
    assert '"amount": 2,' in text
    assert "Gå til butikken" in text


def test_the_adapter_gives_envelope_facts(kari_active: IpExport) -> None:
    from samband.adapters.base import Adapter
    from samband.adapters.iplan.adapter import IpExportAdapter
    from samband.kernel.formats import Format

    adapter = IpExportAdapter(xml=True)
    as_protocol: Adapter[IpExport] = adapter
    raw = adapter.serialize(kari_active)
    facts = as_protocol.envelope(raw)
    assert adapter.format is Format.IP_EXPORT
    assert (facts.msg_id, facts.msg_type, facts.conversation_ref) == (
        kari_active.export_id,
        "IP_EXPORT",
        "sampro-ip-4711",
    )
    assert facts.patient_id == kari_active.plan.subject.national_id.value
    assert facts.sender_her == "80001" and facts.namespace == XML_NAMESPACE
    assert adapter.parse(raw) == kari_active
