"""Smaller PLO blocks around the clinical content: TypeInnholdIMelding and InnholdKonsultasjon
(→ Communication.reasonCode), OpplysningOpphold (→ Encounter), InfoTidligereSykdommer (→ Condition,
resolved), SamletVurderingFunksjonsniva (→ Observation), TilleggsopplysningPasient (→ Patient).
"""

from __future__ import annotations

from samband.mappings.common.carry import own
from samband.mappings.common.head import Frame
from samband.mappings.common.head_time import fhir_datetime
from samband.mappings.common.ids import ref
from samband.mappings.common.state import local_concept
from samband.mappings.common.systems import EXT_ESTIMATED, EXT_LIVES_ALONE, PLO_SECTION
from samband.mappings.common.xmlsource import Node

JsonDict = dict[str, object]
CLINICAL_STATUS = "http://terminology.hl7.org/CodeSystem/condition-clinical"


def reasons(frame: Frame, root: Node) -> list[JsonDict]:
    """TypeInnholdIMelding/TypeInnhold (9137–9140, from ``S``) and InnholdKonsultasjon (no code system)."""
    out: list[JsonDict] = []
    for block in root.all("TypeInnholdIMelding"):
        block.touch()
        concept = frame.state.concept(
            block.code("TypeInnhold"), "9140", f"{block.path}/TypeInnhold", block.text("Merknad")
        )
        if concept:
            out.append(concept)
    content = root.one("InnholdKonsultasjon")
    if content is not None:
        content.touch()
        concept = local_concept(
            content.code("TypeInnholdKonsultasjon"), "TypeInnholdKonsultasjon", content.text("Merknad")
        )
        if concept:
            out.append(concept)
    return out


def stays(frame: Frame, root: Node) -> list[str]:
    """OpplysningOpphold/TidsfestetHendelse → Encounter (Hendelsekode 9121 as type, time as
    period.start, Anslag as extension, Merknad as reasonCode text)."""
    out: list[str] = []
    for block in root.all("OpplysningOpphold"):
        block.touch()
        for node in block.all("TidsfestetHendelse"):
            node.touch()
            when = fhir_datetime(node.value("TidspunktForHendelse"))
            kind = frame.state.concept(
                node.code("Hendelsekode"),
                "9121",
                f"{node.path}/Hendelsekode",
                node.text("BeskrivelseAvHendelse"),
            )
            resource: JsonDict = {
                "resourceType": "Encounter",
                "id": frame.rid("Encounter", node.path),
                "status": "in-progress",
                "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
                "subject": ref(frame.patient_id or frame.sender.top_id),
            }
            if kind:
                resource["type"] = [kind]
            if when:
                resource["period"] = {"start": when}
            estimated = node.flag("Anslag")
            if estimated is not None:
                resource["extension"] = [{"url": EXT_ESTIMATED, "valueBoolean": estimated}]
            remark = node.text("Merknad")
            if remark:
                resource["reasonCode"] = [{"text": remark}]
            out.append(frame.builder.add(resource))
    return out


def previous_illnesses(frame: Frame, parent: Node) -> list[str]:
    """InfoTidligereSykdommer → Condition (clinicalStatus resolved) with the code and text given; the
    block itself is carried on the Condition and written back from there."""
    out: list[str] = []
    for block in parent.all("InfoTidligereSykdommer"):
        block.touch()
        fragment = block.one("TidligereSykdomFragment")
        code = None
        texts: list[str] = []
        if fragment is not None:
            fragment.touch()
            code = frame.state.coding(fragment.code("Diagnosekode"), "7170", f"{fragment.path}/Diagnosekode")
            texts += [t for t in (fragment.text("TidligereSykdom"),) if t]
            fragment.consume()
        journal = block.one("Journaltekst")
        if journal is not None:
            texts += [" ".join(journal.element.itertext()).strip()]
            journal.consume()
        concept: JsonDict = {"text": " ".join(" ".join(texts).split()) or "Tidligere sykdom"}
        if code:
            concept["coding"] = [code]
        resource: JsonDict = {
            "resourceType": "Condition",
            "id": frame.rid("Condition", block.path),
            "clinicalStatus": {"coding": [{"system": CLINICAL_STATUS, "code": "resolved"}]},
            "code": concept,
            "subject": ref(frame.patient_id or frame.sender.top_id),
        }
        own(frame.state, resource, block)
        out.append(frame.builder.add(resource))
    return out


def overall_function(frame: Frame, block: Node) -> list[str]:
    """SamletVurderingFunksjonsniva → Observation (Pleietyngde as value, VurderingPleietyngde as
    interpretation text, Merknad as note)."""
    node = block.one("SamletVurderingFunksjonsniva")
    if node is None:
        return []
    node.touch()
    resource: JsonDict = {
        "resourceType": "Observation",
        "id": frame.rid("Observation", node.path),
        "status": "final",
        "code": {
            "coding": [
                {
                    "system": PLO_SECTION,
                    "code": "SamletVurderingFunksjonsniva",
                    "display": "Samlet vurdering funksjonsnivå",
                }
            ]
        },
        "subject": ref(frame.patient_id or frame.sender.top_id),
    }
    load = node.text("Pleietyngde")
    if load is not None:
        resource["valueQuantity"] = {"value": float(load)}
    judgement = node.text("VurderingPleietyngde")
    if judgement:
        resource["interpretation"] = [{"text": judgement}]
    remark = node.text("Merknad")
    if remark:
        resource["note"] = [{"text": remark}]
    return [frame.builder.add(resource)]


def patient_extras(frame: Frame, root: Node) -> None:
    """TilleggsopplysningPasient: SivilStatus (8724) → maritalStatus, Sprak (3303) → communication,
    BorAlene → extension."""
    block = root.one("TilleggsopplysningPasient")
    patient = frame.builder.entries.get(frame.patient_id or "")
    if block is None or patient is None:
        return
    block.touch()
    marital = frame.state.concept(block.code("SivilStatus"), "8724", f"{block.path}/SivilStatus")
    if marital:
        patient["maritalStatus"] = marital
    language = frame.state.concept(block.code("Sprak"), "3303", f"{block.path}/Sprak")
    if language:
        patient["communication"] = [{"language": language}]
    alone = block.flag("BorAlene")
    if alone is not None:
        extensions = patient.setdefault("extension", [])
        if isinstance(extensions, list):
            extensions.append({"url": EXT_LIVES_ALONE, "valueBoolean": alone})
