"""The KE loop's negative and edge variants through the running service: consent withdrawn mid-plan,
a declined or unconsented flag, sixteen minor edits in a day, the Adresseregister down, a negative or
missing AppRec, and a DIALOG_AVVIK from the GP.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from samband.adapters.apprec import build_apprec, serialize_apprec
from samband.adapters.iplan.model import IpExport
from samband.adapters.iplan.model_work import Meeting, MeetingDecision
from samband.adapters.msghead import Code, parse_msghead
from samband.features.feedback import runner
from samband.features.feedback.loop import FeedbackLoop
from samband.mappings.base import fixed_context
from samband.mappings.iplan_fhir.facade import ip_export_to_fhir
from tests.integration.conftest import AUTH
from tests.integration.ke_support import Loop, loop_fixture
from tools.scenarios import all_steps
from tools.scenarios import people as p
from tools.scenarios.build import Step, by_id, edit, oslo, revise, upsert
from tools.scenarios.feedback import GP_PERSON_HER, flag, gp_answer, gp_avvik
from tools.scenarios.kari_closure import consent_withdrawn
from tools.scenarios.replay import encode

__all__ = ["loop_fixture"]

STEPS = {s.key: s for s in all_steps()}
UP_TO_MEETING = [
    "s01-referral/01-registered",
    "s02-gp-answer/01-consent-recorded",
    "s03-decision/01-decided-delta",
    "s04-coordinator/01-appointed",
    "s05-ip-created/01-active",
    "s06-meeting/01-scheduled",
    "s06-meeting/02-held",
]


def step(export: IpExport, name: str = "variant") -> Step:
    return Step("variant", name, export, None)


def headings(raws: list[bytes]) -> list[str]:
    out = []
    for raw in raws:
        text = raw.decode("utf-8")
        for tag in ("<Tema>", "<EmneSporsmal>", "<Merknad>"):
            if tag in text:
                out.append(text.split(tag, 1)[1].split("<", 1)[0].split("\n", 1)[0])
                break
    return out


def run_chain(loop: Loop, keys: list[str]) -> None:
    for key in keys:
        loop.post_export(STEPS[key])
    loop.end_of_day()
    loop.gp_messages()


def decisions(loop: Loop) -> list[dict[str, Any]]:
    entries = loop.gw.get(f"/patients/{p.KARI_FNR}/timeline")["entries"]
    return [e for e in entries if e["type"] in ("decision", "feedback")]


def test_consent_withdrawn_mid_plan_stops_plan_content_but_not_the_notice(loop: Loop) -> None:
    run_chain(loop, UP_TO_MEETING)
    withdrawn = consent_withdrawn(STEPS["s06-meeting/02-held"].export)
    loop.post_export(step(withdrawn, "withdrawn"))
    meeting = Meeting(
        id="mt-9",
        type="teammoete",
        scheduled_start=oslo(2026, 3, 17, 13),
        status="held",
        decisions=(MeetingDecision(text="Ny legemiddelgjennomgang"),),
    )
    goal = edit(by_id(withdrawn.plan.goals, "g-1b"), text="Dusje uten hjelp, med dusjstol")
    later = revise(
        withdrawn,
        oslo(2026, 3, 17, 14),
        "p-ola",
        [("meeting-held", "meeting", "mt-9"), ("updated", "goal", "g-1b")],
        meetings=upsert(withdrawn.plan.meetings, meeting),
        goals=upsert(withdrawn.plan.goals, goal),
    )
    loop.post_export(step(later, "after-withdrawal"))
    loop.end_of_day()
    sent = headings(loop.gp_messages())
    assert sent == ["Individuell plan: endret samtykke", "Oppfølgingsteam: teamet er etablert eller endret"]
    suppressed = {(d["rule"], d.get("reason")) for d in decisions(loop) if d["status"] == "suppressed"}
    assert ("F6", "no-consent") in suppressed, "the meeting summary is plan content"
    digest_sent = [d for d in decisions(loop) if d["rule"] == "D1" and d["type"] == "feedback"]
    assert all(d["at"] < "2026-03-10" for d in digest_sent), "no digest after the withdrawal"


def test_a_flag_without_consent_never_leaves_the_gateway(loop: Loop) -> None:
    declined = loop.gw.client.post("/referrals", json=flag("declined-by-patient", False), headers=AUTH)
    assert declined.status_code == 200 and declined.json() == {
        "status": "kept-local",
        "reason": "patient-declined",
        "flag_id": "flag-kari",
    }
    pending = loop.gw.client.post("/referrals", json=flag("pending", False, "flag-2"), headers=AUTH)
    assert pending.json()["reason"] == "gp-decision-pending"
    unconsented = loop.gw.client.post("/referrals", json=flag("referred", False, "flag-3"), headers=AUTH)
    assert unconsented.status_code == 422
    assert unconsented.json()["errors"][0]["code"] == "referral.no-consent"
    bad = flag(flag_id="flag-4")
    bad["patient"]["nationalId"] = "12345678901"
    assert loop.gw.client.post("/referrals", json=bad, headers=AUTH).status_code == 422
    loop.run()
    assert loop.ke.requests == []
    assert loop.gw.get("/messages", patient=p.KARI_FNR)["items"] == []
    assert loop.gw.get(f"/patients/{p.KARI_FNR}/timeline")["entries"] == []


def test_sixteen_minor_edits_in_one_day_give_one_digest(loop: Loop) -> None:
    run_chain(loop, UP_TO_MEETING)
    export = STEPS["s06-meeting/02-held"].export
    for n in range(16):
        goal = by_id(export.plan.goals, "g-1")
        export = revise(
            export,
            oslo(2026, 3, 5, 8, n * 3),
            "p-ola",
            [("updated", "goal", "g-1")],
            goals=upsert(export.plan.goals, edit(goal, what_matters_to_me=f"Versjon {n}")),
        )
        loop.post_export(step(export, f"edit-{n}"))
    assert loop.gp_messages() == [], "minor edits wait for the digest"
    loop.end_of_day()
    [digest] = loop.gp_messages()
    assert "Mål endret: Klare meg selv hjemme (16 endringer)" in digest.decode("utf-8")
    loop.at(loop.gw.clock.moment + timedelta(hours=2))
    loop.run()
    assert loop.gp_messages() == [], "at most one digest per patient per day"


def test_the_adresseregister_down_does_not_block_or_lose_feedback(loop: Loop) -> None:
    loop.ar.register.down = True
    loop.post_export(STEPS["s01-referral/01-registered"])
    loop.post_export(STEPS["s02-gp-answer/01-consent-recorded"])
    sent = loop.gp_messages()
    assert len(sent) == 2, "F1 and F4C went out while the register was down"
    for raw in sent:
        receiver = parse_msghead(raw).msg_info.receiver.organisation
        assert receiver.her_id == "80101", "addressed to the practice the plan names"
    loop.ar.register.down = False
    loop.post_export(STEPS["s03-decision/01-decided-delta"])
    [orientering] = loop.gp_messages()
    receiver = parse_msghead(orientering).msg_info.receiver.organisation
    assert receiver.healthcare_professional is not None
    assert receiver.healthcare_professional.her_id == GP_PERSON_HER, "the register gives the GP's own HER-id"
    loop.ar.register.down = True
    loop.post_export(STEPS["s04-coordinator/01-appointed"])
    later = loop.gp_messages()
    assert len(later) == 2 and all(b"80111" in raw for raw in later), "the cached answer serves while down"


def test_negative_apprec_resends_then_alerts(loop: Loop) -> None:
    loop.post_export(STEPS["s01-referral/01-registered"])
    loop.gp_messages()
    loop.gw.drain()
    export = STEPS["s02-gp-answer/01-consent-recorded"]
    loop.at(oslo(2026, 1, 20, 10, 30))
    assert loop.gw.client.post("/ip-exports", content=_encode(export), headers=_json()).status_code == 202
    loop.gw.drain()
    runner.run_once(loop.fb)
    loop.gw.drain()
    [first] = loop.gp.requests
    loop.answered = 1
    refuse = build_apprec(
        parse_msghead(first.body), status="2", errors=(Code.of("E35", "Pasient finnes ikke", 8221),)
    )
    assert loop.gw.post(serialize_apprec(refuse)).status_code in (200, 202)
    loop.gw.drain()
    runner.run_once(loop.fb)
    loop.gw.drain()
    assert len(loop.gp.requests) == 2 and loop.gp.requests[1].msg_id != first.msg_id
    second = loop.gp.requests[1]
    refuse = build_apprec(
        parse_msghead(second.body), status="2", errors=(Code.of("E35", "Pasient finnes ikke", 8221),)
    )
    loop.gw.post(serialize_apprec(refuse))
    loop.gw.drain()
    runner.run_once(loop.fb)
    alerts = [
        e["kind"] for e in loop.gw.get(f"/patients/{p.KARI_FNR}/timeline")["entries"] if e["type"] == "alert"
    ]
    assert "apprec-negative" in alerts and "apprec-negative-final" in alerts


def test_missing_apprec_resends_after_the_timeout(loop: Loop) -> None:
    loop.post_export(STEPS["s01-referral/01-registered"])
    loop.gp_messages()
    loop.at(oslo(2026, 1, 20, 10, 30))
    loop.gw.client.post(
        "/ip-exports", content=_encode(STEPS["s02-gp-answer/01-consent-recorded"]), headers=_json()
    )
    loop.gw.drain()
    runner.run_once(loop.fb)
    loop.gw.drain()
    assert len(loop.gp.requests) == 1
    loop.at(oslo(2026, 1, 25, 10, 30))
    runner.run_once(loop.fb)
    loop.gw.drain()
    assert len(loop.gp.requests) == 2, "no AppRec after 96 h: sent again"


def test_dialog_avvik_from_the_gp_stops_feedback_to_that_gp(loop: Loop) -> None:
    loop.post_export(STEPS["s01-referral/01-registered"])
    [f1] = loop.gp_messages()
    avvik = gp_avvik("Ikke min pasient")
    assert loop.gw.post(avvik).status_code == 202
    loop.run()
    loop.post_export(STEPS["s02-gp-answer/01-consent-recorded"])
    loop.post_export(STEPS["s03-decision/01-decided-delta"])
    assert loop.gp_messages() == []
    timeline = loop.gw.get(f"/patients/{p.KARI_FNR}/timeline")["entries"]
    assert any(e["type"] == "alert" and e["kind"] == "gp-avvik" for e in timeline)
    blocked = [e for e in timeline if e.get("reason") == "gp-blocked"]
    assert blocked, "later messages are held back and say why"
    assert f1


def _encode(s: Step) -> bytes:
    return encode(s)


def _json() -> dict[str, str]:
    return {**AUTH, "Content-Type": "application/json"}


def as_message_bundle(collection: bytes) -> bytes:
    """The plan's collection Bundle sent as a FHIR message (MessageHeader first, focus on the CarePlan)."""
    bundle = json.loads(collection)
    plan = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan")
    header_id = "0b6f1d7e-1111-4c1a-9a7e-000000000001"
    header = {
        "resourceType": "MessageHeader",
        "id": header_id,
        "eventCoding": {"system": "urn:samband:event", "code": "ip-plan-oppdatert"},
        "source": {"endpoint": "urn:samband:ip-tool"},
        "focus": [{"reference": plan["fullUrl"]}],
    }
    entries = [{"fullUrl": f"urn:uuid:{header_id}", "resource": header}, *bundle["entry"]]
    return json.dumps({**bundle, "type": "message", "entry": entries}).encode()


def test_a_fhir_bundle_describing_the_plan_is_a_feedback_source(loop: Loop) -> None:
    collection = ip_export_to_fhir(_encode(STEPS["s01-referral/01-registered"]), fixed_context()).result
    loop.at(oslo(2026, 1, 12, 9, 30))
    headers = {**AUTH, "Content-Type": "application/fhir+json"}
    posted = loop.gw.client.post("/fhir", content=as_message_bundle(collection), headers=headers)
    assert posted.status_code == 202, posted.text
    loop.run()
    [f1] = loop.gp_messages()
    assert "henvendelsen er registrert" in f1.decode("utf-8")


def test_the_feedback_job_runs_once_under_the_lease(loop: Loop) -> None:
    first, second = FeedbackLoop(loop.gw.services, interval=60), FeedbackLoop(loop.gw.services, interval=60)
    headers = {**AUTH, "Content-Type": "application/json"}
    loop.at(oslo(2026, 1, 20, 10, 30))
    for key in ("s01-referral/01-registered", "s02-gp-answer/01-consent-recorded"):
        posted = loop.gw.client.post("/ip-exports", content=_encode(STEPS[key]), headers=headers)
        assert posted.status_code == 202
        loop.gw.drain()
        (first if key.startswith("s01") else second).run_pass()
        loop.gw.drain()
    assert len(loop.gp_messages()) == 1, "the second worker waits while the first holds the lease"
    loop.gw.clock.advance(61)
    second.run_pass()
    loop.gw.drain()
    assert len(loop.gp_messages()) == 1, "once the lease ends the next pass takes the rest"


def test_a_gp_answer_that_needs_consent_gives_the_coordinator_a_task(loop: Loop) -> None:
    loop.post_export(STEPS["s01-referral/01-registered"])
    answer = gp_answer("4", "Krever pasientens samtykke", "Trenger samtykke før jeg sender legemiddellisten")
    assert loop.gw.post(answer).status_code == 202
    loop.run()
    alerts = [e for e in loop.gw.get(f"/patients/{p.KARI_FNR}/timeline")["entries"] if e["type"] == "alert"]
    [task] = [a for a in alerts if a["kind"] == "coordinator-task"]
    assert task["detail"]["rule"] == "K2" and "legemiddellisten" in task["detail"]["text"]
