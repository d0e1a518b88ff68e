"""A translation never rewrites a MsgId: a non-UUID one survives the pivot, and a Bundle without one
says that its Hodemelding got a new id."""

from __future__ import annotations

import pytest

from samband.adapters.formats import source_format
from samband.adapters.msghead.parse import parse_msghead
from samband.mappings.base import fixed_context
from samband.mappings.common.systems import MSG_ID
from samband.mappings.registry import from_fhir, mapping_for, to_fhir
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "dialogmelding/sarepta/Dialogmelding-v1-1/Helsefaglig dialog.xml"
UUID_ID = "2b1f5f3a-8a5c-4e55-9d3c-6a1b2c3d4e5f"


def _with_msgid(msg_id: str) -> bytes:
    raw = SAMPLE.read_bytes()
    original = parse_msghead(raw).msg_info.msg_id
    return raw.replace(original.encode(), msg_id.encode(), 1)


@pytest.mark.parametrize("msg_id", ["MSG-2024-0001", "4c661458-c412-4c14-baae-8f092g54f6e2", UUID_ID])
def test_the_msgid_survives_the_pivot_as_sent(msg_id: str) -> None:
    if not SAMPLE.is_file():
        pytest.skip("reference samples not available")
    raw = _with_msgid(msg_id)
    bundle = to_fhir(raw, fixed_context()).result
    identifier = bundle["identifier"]
    assert isinstance(identifier, dict)
    assert identifier["value"] == (f"urn:uuid:{msg_id}" if msg_id == UUID_ID else msg_id)
    assert (identifier["system"] == MSG_ID) is (msg_id != UUID_ID)
    back = from_fhir(bundle, "dialogmelding", fixed_context())
    assert parse_msghead(back.result).msg_info.msg_id == msg_id
    assert "pivot.msgid-assigned" not in {issue.code for issue in back.issues}
    same = mapping_for(source_format(raw), "dialogmelding").translate(raw, fixed_context())
    assert parse_msghead(same.result).msg_info.msg_id == msg_id


def test_a_bundle_without_a_msgid_gets_one_and_says_so() -> None:
    if not SAMPLE.is_file():
        pytest.skip("reference samples not available")
    bundle = to_fhir(_with_msgid(UUID_ID), fixed_context()).result
    del bundle["identifier"]
    written = from_fhir(bundle, "dialogmelding", fixed_context())
    assigned = [issue for issue in written.issues if issue.code == "pivot.msgid-assigned"]
    assert len(assigned) == 1
    assert parse_msghead(written.result).msg_info.msg_id in assigned[0].text
