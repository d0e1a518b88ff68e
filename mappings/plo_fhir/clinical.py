"""Helseopplysninger, Medisinske opplysninger, Innleggelsesrapport and Utskrivningsrapport (HIS 1143–1148)
→ a Communication (the message itself) about Conditions, MedicationStatements, Observations (IPLOS
functional assessment), AllergyIntolerances and the CareTeam of contacts and next of kin.
"""

from __future__ import annotations

from samband.mappings.common.carry import own, read_from
from samband.mappings.common.head import Frame
from samband.mappings.common.ids import ref
from samband.mappings.common.systems import (
    COMMUNICATION_CATEGORY,
    EXT_MAIN_DIAGNOSIS,
    EXT_NOTE_HEADING,
    PLO_SECTION,
)
from samband.mappings.common.xmlsource import Node
from samband.mappings.plo_fhir.contacts import Team, care_team
from samband.mappings.plo_fhir.extras import overall_function, previous_illnesses, reasons, stays
from samband.mappings.plo_fhir.medication import medications
from samband.mappings.plo_fhir.sections import sections
from samband.mappings.plo_fhir.services import service_request

JsonDict = dict[str, object]
CATEGORY = {
    "Konsultasjon": ("helseopplysninger-til-lege", "Helseopplysninger til lege"),
    "HelseopplysningerVedSoknad": ("helseopplysninger", "Helseopplysninger"),
    "OverforingMedisinskeOpplysninger": ("medisinske-opplysninger", "Medisinske opplysninger"),
    "MedisinskeOpplysninger": ("medisinske-opplysninger", "Medisinske opplysninger"),
    "Innleggelsesrapport": ("innleggelsesrapport", "Innleggelsesrapport"),
    "TverrfagligEpikrise": ("utskrivningsrapport", "Utskrivningsrapport"),
}


def diagnoses(frame: Frame, root: Node) -> list[str]:
    """InfoMedisinskDiagnose/MedisinskDiagnose → Condition (ICD-10 7110 / ICPC-2 7170, Hoveddiagnose)."""
    out: list[str] = []
    for block in root.all("InfoMedisinskDiagnose"):
        block.touch()
        for node in block.all("MedisinskDiagnose"):
            node.touch()
            code = frame.state.concept(
                node.code("Diagnosekode"),
                "7110",
                f"{node.path}/Diagnosekode",
                node.text("DiagnoseBeskrivelse"),
            )
            resource: JsonDict = {
                "resourceType": "Condition",
                "id": frame.rid("Condition", node.path),
                "code": code or {"text": "Diagnose"},
                "subject": ref(frame.patient_id or frame.sender.top_id),
            }
            main = node.flag("Hoveddiagnose")
            if main is not None:
                resource["extension"] = [{"url": EXT_MAIN_DIAGNOSIS, "valueBoolean": main}]
            out.append(frame.builder.add(resource))
    return out


def _all_text(node: Node) -> str:
    node.consume()
    parts = (t.strip() for t in node.element.itertext())
    return " ".join(p for p in parts if p)


def allergies(frame: Frame, parent: Node) -> list[str]:
    """EPJ Cave and Allerginotat → AllergyIntolerance with the recorded text; the EPJ structure
    (keywords, substance codes, component ids) is carried on it and written back from there."""
    out: list[str] = []
    for node in [*parent.all("Cave"), *parent.all("Allerginotat")]:
        text = _all_text(node)
        if not text:
            continue
        resource: JsonDict = {
            "resourceType": "AllergyIntolerance",
            "id": frame.rid("AllergyIntolerance", node.path),
            "code": {"text": text},
            "patient": ref(frame.patient_id or frame.sender.top_id),
        }
        own(frame.state, resource, node)
        out.append(frame.builder.add(resource))
    return out


def journal_notes(frame: Frame, parent: Node) -> list[JsonDict]:
    """EPJ GenereltJournalnotat/Journaltekst → Communication.payload (heading 9141–9145 as extension).

    The payload is a reading of the note: the GenereltJournalnotat itself (component id, category,
    grouping of its texts) is carried on the focus and written back from there."""
    payloads: list[JsonDict] = []
    for note in parent.all("GenereltJournalnotat"):
        for text_node in note.peek().all("Journaltekst"):
            heading = frame.state.coding(
                text_node.code("Overskriftskode"), "9142", f"{text_node.path}/Overskriftskode"
            )
            content = text_node.text("Notat")
            if not content:
                continue
            item: JsonDict = {"contentString": content}
            if heading:
                item["extension"] = [{"url": EXT_NOTE_HEADING, "valueCoding": heading}]
            payloads.append(read_from(item, text_node))
            remark = text_node.text("Merknad")
            if remark:
                label = {"system": PLO_SECTION, "code": "Journaltekst/Merknad", "display": "Merknad"}
                extension = [{"url": EXT_NOTE_HEADING, "valueCoding": label}]
                payloads.append(read_from({"contentString": remark, "extension": extension}, text_node))
    return payloads


def functional(frame: Frame, root: Node) -> list[str]:
    """InfoKartleggingFunksjonsniva/KartlagtFunksjon → Observation (9111 variable, Vurdering 1–5)."""
    out: list[str] = []
    block = root.one("InfoKartleggingFunksjonsniva")
    if block is None:
        return out
    block.touch()
    out += overall_function(frame, block)
    for node in block.all("KartlagtFunksjon"):
        node.touch()
        code = frame.state.concept(node.code("Funksjonsvariabel"), "9111", f"{node.path}/Funksjonsvariabel")
        resource: JsonDict = {
            "resourceType": "Observation",
            "id": frame.rid("Observation", node.path),
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "survey",
                        }
                    ]
                }
            ],
            "code": code or {"text": "IPLOS funksjonsvurdering"},
            "subject": ref(frame.patient_id or frame.sender.top_id),
        }
        score = node.text("Vurdering")
        if score is not None and score.lstrip("-").isdigit():
            resource["valueInteger"] = int(score)
        remark = node.text("Merknad")
        if remark:
            resource["note"] = [{"text": remark}]
        out.append(frame.builder.add(resource))
    return out


def _opinions(frame: Frame, root: Node) -> tuple[list[str], list[JsonDict]]:
    found: list[str] = []
    payloads: list[JsonDict] = []
    for name in ("MedisinskfagligeOpplysninger", "InfoAndreViktigeOpplysninger"):
        for block in root.all(name):
            block.touch()
            found += allergies(frame, block) + previous_illnesses(frame, block)
            payloads += journal_notes(frame, block)
    return found, payloads


def clinical(frame: Frame, root: Node, team: Team, forsendelse: str | None) -> None:
    """The message → Communication (category per message type) about everything it carries."""
    about = diagnoses(frame, root)
    found, payloads = _opinions(frame, root)
    about += found + medications(frame, root) + functional(frame, root)
    about += [
        service_request(frame, node, i, "active") for i, node in enumerate(root.all("EksisterendeTjeneste"))
    ]
    payloads += sections(root)
    encounters = stays(frame, root)
    team_id = care_team(frame, team, "Kontaktpersoner og pårørende")
    if team_id:
        about.append(team_id)
    code, display = CATEGORY[root.name]
    resource: JsonDict = {
        "resourceType": "Communication",
        "id": frame.rid("Communication"),
        "status": "entered-in-error" if forsendelse == "C" else "completed",
        "category": [{"coding": [{"system": COMMUNICATION_CATEGORY, "code": code, "display": display}]}],
        "subject": ref(frame.patient_id or frame.sender.top_id),
        "sent": frame.timestamp,
        "recipient": [ref(frame.receiver.party_id)],
        "sender": ref(team.author_id or frame.sender.party_id),
    }
    if reason := reasons(frame, root):
        resource["reasonCode"] = reason
    if encounters:
        resource["encounter"] = ref(encounters[0])
        about += encounters[1:]
    if about:
        resource["about"] = [ref(a) for a in about]
    if payloads:
        resource["payload"] = payloads
    frame.focus.append(frame.builder.add(resource))
