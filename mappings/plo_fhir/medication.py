"""EPJ Legemiddelinfo/ForenkletForskrivning (epj3, used by PLO 1.5/1.6) → MedicationStatement with a
Medication (ATC 7180, Legemiddelform 7448, Styrke), dosage text, Bruk (9101) and the dosing period.
"""

from __future__ import annotations

from samband.mappings.common.head import Frame
from samband.mappings.common.head_time import fhir_datetime
from samband.mappings.common.ids import ref
from samband.mappings.common.state import local_concept
from samband.mappings.common.systems import EXT_MULTIDOSE, EXT_NOT_WITH_OTHER, KOMPONENT_ID
from samband.mappings.common.xmlsource import Node

JsonDict = dict[str, object]
STATUS = {"2": "stopped"}
"""StatusTilForskrivningen: 2 Seponering → stopped; everything else is active."""


def _medication(frame: Frame, info: Node, key: str) -> str:
    name = info.text("Navn")
    code = frame.state.concept(info.code("Atc"), "7180", f"{info.path}/Atc", name)
    resource: JsonDict = {
        "resourceType": "Medication",
        "id": frame.rid("Medication", key),
        "code": code or {"text": "Legemiddel"},
    }
    form = frame.state.concept(info.code("Legemiddelform"), "7448", f"{info.path}/Legemiddelform")
    if form:
        resource["form"] = form
    strength = info.one("Styrke")
    if strength is not None:
        strength.consume()
        value, unit = strength.element.get("V"), strength.element.get("U")
        if value:
            numerator: JsonDict = {"value": float(value) if "." in value else int(value)}
            if unit:
                numerator["unit"] = unit
            resource["ingredient"] = [
                {
                    "itemCodeableConcept": code or {"text": name or ""},
                    "strength": {"numerator": numerator, "denominator": {"value": 1}},
                }
            ]
    return frame.builder.add(resource)


def _statement(frame: Frame, block: Node, prescription: Node, info: Node) -> str:
    medication_id = _medication(frame, info, block.path)
    status_code = prescription.code("StatusTilForskrivningen")
    resource: JsonDict = {
        "resourceType": "MedicationStatement",
        "id": frame.rid("MedicationStatement", block.path),
        "status": STATUS.get(status_code.v or "", "active") if status_code else "active",
        "medicationReference": ref(medication_id),
        "subject": ref(frame.patient_id or frame.sender.top_id),
    }
    status_reason = local_concept(status_code, "StatusTilForskrivningen")
    if status_reason:
        resource["statusReason"] = [status_reason]
    bruk = info.code("Bruk")
    use = frame.state.concept(bruk, "9101", f"{info.path}/Bruk")
    if use:
        resource["category"] = use
    start = fhir_datetime(info.value("DoseringStarttidspunkt"))
    end = fhir_datetime(info.value("DoseringSluttidspunkt"))
    period = {k: v for k, v in (("start", start), ("end", end)) if v}
    if period:
        resource["effectivePeriod"] = period
    dosage: JsonDict = {}
    if text := info.text("DosVeiledEnkel"):
        dosage["text"] = text
    if purpose := info.text("BruksomradeTekst"):
        dosage["patientInstruction"] = purpose
    if bruk is not None and bruk.v == "3":
        dosage["asNeededBoolean"] = True
    if dosage:
        resource["dosage"] = [dosage]
    key = block.element.get("komponentID")
    if key:
        resource["identifier"] = [{"system": KOMPONENT_ID, "value": str(key)}]
    if remark := prescription.text("Merknad"):
        resource["note"] = [{"text": remark}]
    extensions: list[JsonDict] = []
    multidose = local_concept(prescription.code("InngaarIMultidose"), "InngaarIMultidose")
    if multidose:
        extensions.append({"url": EXT_MULTIDOSE, "valueCodeableConcept": multidose})
    apart = info.flag("SkalIkkeTasSammenMedAnnetLegemiddel")
    if apart is not None:
        extensions.append({"url": EXT_NOT_WITH_OTHER, "valueBoolean": apart})
    if extensions:
        resource["extension"] = extensions
    return frame.builder.add(resource)


def medications(frame: Frame, root: Node) -> list[str]:
    out: list[str] = []
    for block in root.all("Legemiddelinfo"):
        block.touch()
        prescription = block.one("ForenkletForskrivning")
        if prescription is None:
            continue
        prescription.touch()
        info = prescription.one("Forskrivningsinfo")
        if info is None:
            continue
        info.touch()
        out.append(_statement(frame, block, prescription, info))
    return out
