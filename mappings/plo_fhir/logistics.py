"""Pasientlogistikk (HIS 1149): innlagt, utskrivningsklar, avmelding, utskrevet, dødsfall → Encounter
events (Hendelsekode 9121, time, estimate) and, for dødsfall, Patient.deceasedDateTime.
"""

from __future__ import annotations

from samband.mappings.common.head import Frame
from samband.mappings.common.head_time import fhir_datetime
from samband.mappings.common.ids import ref
from samband.mappings.common.systems import EXT_DISCHARGE_STATE, EXT_ESTIMATED
from samband.mappings.common.xmlsource import Node
from samband.mappings.plo_fhir.contacts import Team, care_team

JsonDict = dict[str, object]
ENCOUNTER_STATUS = {
    "MeldingInnlagtPasient": "in-progress",
    "MeldingUtskrivningsklarPasient": "in-progress",
    "AvmeldingUtskrivningsklarPasient": "in-progress",
    "MeldingOmUtskrevetPasient": "finished",
    "OrienteringOmDod": "finished",
}
PERIOD_SIDE = {
    "MeldingInnlagtPasient": "start",
    "MeldingOmUtskrevetPasient": "end",
    "OrienteringOmDod": "end",
}
INPATIENT = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
    "code": "IMP",
    "display": "inpatient encounter",
}


def _event(frame: Frame, kind: str, node: Node, forsendelse: str | None) -> str:
    node.touch()
    when = fhir_datetime(node.value("TidspunktForHendelse"))
    event = frame.state.concept(
        node.code("Hendelsekode"), "9121", f"{node.path}/Hendelsekode", node.text("BeskrivelseAvHendelse")
    )
    status = "cancelled" if forsendelse == "C" else ENCOUNTER_STATUS[kind]
    resource: JsonDict = {
        "resourceType": "Encounter",
        "id": frame.rid("Encounter", node.path),
        "status": status,
        "class": INPATIENT,
        "subject": ref(frame.patient_id or frame.sender.top_id),
        "serviceProvider": ref(frame.sender.top_id),
    }
    if event:
        resource["type"] = [event]
    if when:
        resource["period"] = {PERIOD_SIDE.get(kind, "start"): when}
    estimated = node.flag("Anslag")
    if estimated is not None:
        resource["extension"] = [{"url": EXT_ESTIMATED, "valueBoolean": estimated}]
    remark = node.text("Merknad")
    if remark:
        resource["reasonCode"] = [{"text": remark}]
    if kind == "OrienteringOmDod" and when and forsendelse != "C":
        _deceased(frame, when)
    return frame.builder.add(resource)


def _discharge(frame: Frame, block: Node, encounter: JsonDict) -> None:
    """UtskrevetTil: UtTil (8408) → hospitalization.dischargeDisposition, Uttilstand (8431) → extension."""
    node = block.one("UtskrevetTil")
    if node is None:
        return
    node.touch()
    destination = frame.state.concept(node.code("UtTil"), "8408", f"{node.path}/UtTil", node.text("Merknad"))
    if destination:
        encounter["hospitalization"] = {"dischargeDisposition": destination}
    state = frame.state.concept(node.code("Uttilstand"), "8431", f"{node.path}/Uttilstand")
    if state:
        extensions = encounter.setdefault("extension", [])
        if isinstance(extensions, list):
            extensions.append({"url": EXT_DISCHARGE_STATE, "valueCodeableConcept": state})


def _deceased(frame: Frame, when: str) -> None:
    patient = frame.builder.entries.get(frame.patient_id or "")
    if patient is not None:
        patient["deceasedDateTime"] = when


def logistics(frame: Frame, root: Node, team: Team, forsendelse: str | None) -> None:
    """Each logistics child (MeldingInnlagtPasient …) → Encounter with its TidsfestetHendelse."""
    author = [{"individual": ref(team.author_id)}] if team.author_id else None
    for kind in ENCOUNTER_STATUS:
        for block in root.all(kind):
            block.touch()
            events = [_event(frame, kind, node, forsendelse) for node in block.all("TidsfestetHendelse")]
            for event in events if author else ():
                frame.builder.entries[event]["participant"] = author
            frame.focus.extend(events)
            if events:
                _discharge(frame, block, frame.builder.entries[events[-1]])
    team_id = care_team(frame, team, "Kontaktpersoner")
    if team_id and not frame.focus:
        frame.focus.append(team_id)
