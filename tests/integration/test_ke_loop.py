"""The KE loop end to end through the running service: the referral from a GP tool's flag, the ten
scenario chains (domain.md §5) as ip-exports and PLO messages, and exactly the GP messages each step
must produce (golden, tests/golden/feedback/<scenario>/), every one valid against the official XSDs.
"""

from __future__ import annotations

from datetime import datetime

from samband.adapters.msghead import parse_msghead
from samband.adapters.msghead.validate import validate_msghead
from tests.golden.compare import canonical_xml, diff
from tests.integration.conftest import AUTH
from tests.integration.ke_support import GOLDEN, OSLO, Loop, loop_fixture, masked
from tools.scenarios import people as p
from tools.scenarios.feedback import chain, flag, hospital_message

__all__ = ["loop_fixture"]


def check_golden(scenario: str, got: list[bytes], update: bool) -> None:
    """The GP messages of one scenario, exactly: same count, same content (MsgId and times masked)."""
    folder = GOLDEN / scenario
    for raw in got:
        findings = [f for f in validate_msghead(raw) if f.severity.value == "error"]
        assert not findings, f"{scenario}: GP message not schema-valid: {findings}"
    if update:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.xml"):
            old.unlink()
        for n, raw in enumerate(got, start=1):
            kind = parse_msghead(raw).msg_type
            (folder / f"{n:02d}-{kind}.xml").write_bytes(masked(raw))
    expected = sorted(folder.glob("*.xml")) if folder.is_dir() else []
    names = [f.name for f in expected]
    assert len(got) == len(expected), f"{scenario}: {len(got)} GP message(s), expected {names}"
    for path, raw in zip(expected, got, strict=True):
        want, have = canonical_xml(path.read_bytes()), canonical_xml(masked(raw))
        assert want == have, "\n" + diff(want, have, f"{scenario}/{path.name}")


def test_the_ke_loop_scenarios_produce_exactly_the_expected_gp_messages(
    loop: Loop, update_golden: bool
) -> None:
    loop.at(datetime(2026, 1, 9, 11, 0, tzinfo=OSLO))
    declined = loop.gw.client.post(
        "/referrals", json=flag("declined-by-patient", False, "flag-other"), headers=AUTH
    )
    assert declined.status_code == 200 and declined.json()["reason"] == "patient-declined"
    sent = loop.gw.client.post("/referrals", json=flag(), headers=AUTH)
    assert sent.status_code == 202, sent.text
    loop.run()
    [referral] = loop.ke.requests
    assert b"Oppf\xc3\xb8lgingsteam" in referral.body and b"Medrave4" in referral.body
    assert b"flag-other" not in referral.body and len(loop.ke.requests) == 1
    assert loop.gp_messages() == []

    referral_msg_id = sent.json()["msg_id"]
    for scenario, steps in chain().items():
        for step in steps:
            loop.post_export(step)
            if scenario == "s08-hospital" and step.name == "01-admitted":
                admitted = hospital_message("LOG_INNLAGT", "1", "2026-05-04T22:10:00+02:00")
                assert loop.gw.post(admitted).status_code == 202
                loop.run()
        loop.end_of_day()
        got = loop.gp_messages()
        for raw in got:
            ref = parse_msghead(raw).msg_info.conversation_ref
            if scenario != "s09-barnekoordinator":
                assert ref is not None and ref.ref_to_conversation == referral_msg_id, "joins the referral"
        check_golden(scenario, got, update_golden)

    timeline = loop.gw.get(f"/patients/{p.KARI_FNR}/timeline")["entries"]
    kinds = [e["kind"] for e in timeline if e["type"] == "event"]
    assert kinds[0] == "referral.sent" and "plan.closed" in kinds
    tasks = [e for e in timeline if e["type"] == "alert" and e["kind"] == "coordinator-task"]
    assert tasks, "the admission gives the coordinator a task"
    bundle = loop.gw.get(f"/patients/{p.KARI_FNR}/timeline", format="fhir")
    types = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert types == {"Task", "Communication", "Provenance"}
