"""The case a feedback message is written about: facts, sender and GP hints, from the plan's export.

Used by the runner (a new export) and by the jobs (digests, retries) that start from a patient id.
"""

from __future__ import annotations

from samband.adapters.iplan.io import parse as parse_ip_export
from samband.adapters.iplan.model import IndividualPlan, IpExport
from samband.adapters.msghead import ConversationRef
from samband.features.feedback import store
from samband.features.feedback.addressing import GpHint
from samband.features.feedback.facts import CaseFacts, OrgParty, PatientRef
from samband.features.feedback.plan_view import case_facts
from samband.features.feedback.service import Case, FeedbackService


def sender_of(export: IpExport) -> OrgParty:
    """The KE as sender: the municipality (the exporting system's HER-id) and the KE's service."""
    plan = export.plan
    officer = next((p for p in plan.participants if "kontaktperson" in p.roles), None)
    unit = officer.organization if officer else None
    municipality = (unit.name.split(",")[0] if unit else None) or "Kommunen"
    her = export.source.her_id or (unit.her_id if unit else None)
    return OrgParty(
        name=municipality,
        her_id=str(her or ""),
        unit_name=unit.name if unit else None,
        unit_her=str(unit.her_id) if unit and unit.her_id else None,
    )


def gp_hints(plan: IndividualPlan) -> tuple[GpHint, ...]:
    """Where the plan names the GP: the fastlege participant (CareTeam), then the plan owner's GP."""
    hints = []
    for p in plan.participants:
        if p.sector == "fastlege" and p.active:
            hpr = p.person.hpr_number if p.person else None
            office = str(p.organization.her_id) if p.organization.her_id else None
            name = p.person.name if p.person else None
            hints.append(
                GpHint(
                    hpr=hpr, name=name, office_name=p.organization.name, office_her=office, source="careteam"
                )
            )
    gp = plan.subject.gp
    if gp is not None:
        office = str(gp.her_id) if gp.her_id else None
        hints.append(GpHint(hpr=gp.hpr_number, name=gp.name, office_her=office, source="plan"))
    return tuple(hints)


def referral_conversation(fb: FeedbackService, patient_id: str) -> ConversationRef | None:
    """The GP's referral through the gateway opens the conversation every feedback message joins
    (HITS 1218: RefToParent and RefToConversation = the referral's MsgId), so the GP's EPJ and
    replies land on the right case."""
    with fb.svc.engine.begin() as conn:
        msg_id = store.referral_msg_id(conn, patient_id)
    if msg_id is None:
        return None
    return ConversationRef(ref_to_parent=msg_id, ref_to_conversation=msg_id)


def case_from_export(fb: FeedbackService, export: IpExport, message_id: str | None) -> Case:
    facts = case_facts(export.plan, fb.texts, sender_of(export), None)
    conversation = referral_conversation(fb, facts.patient.ident)
    return Case(
        facts=facts, gp_hints=gp_hints(export.plan), source_message_id=message_id, conversation=conversation
    )


def case_for_patient(fb: FeedbackService, patient_id: str, message_id: str | None) -> Case | None:
    """The case from the patient's last plan export; None when the gateway knows no plan for them."""
    with fb.svc.engine.begin() as conn:
        raw = store.plan_of_patient(conn, patient_id)
    if raw is None:
        return None
    return case_from_export(fb, parse_ip_export(raw, invariants=False), message_id)


def bare_case(patient_id: str, message_id: str) -> Case:
    facts = CaseFacts(patient=PatientRef(patient_id, "", ""), sender=OrgParty("", ""))
    return Case(facts=facts, source_message_id=message_id)
