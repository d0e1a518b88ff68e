"""PLO common components (poKomponent) about people: AnsvarForRapport, KontaktpersonHelsepersonell,
TilknyttetEnhet, ParorendeForesatt, TilleggsopplysningPasient → PractitionerRole, Organization,
RelatedPerson and the CareTeam around the patient.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from samband.adapters.kith.codec import read
from samband.adapters.kith.shapes import FK1, HEALTHCARE_PROFESSIONAL, ORGANISATION, PERSON
from samband.mappings.common import participants as p
from samband.mappings.common.head import Frame
from samband.mappings.common.ids import ref
from samband.mappings.common.kith_parts import add_organisation, add_professional, person
from samband.mappings.common.systems import EXT_REMARK
from samband.mappings.common.xmlsource import Node

JsonDict = dict[str, object]


@dataclass
class Team:
    """Participants collected from a PLO message, and the report's responsible person."""

    participants: list[JsonDict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    author_id: str | None = None
    approved: str | None = None

    def add(self, member_id: str, role: JsonDict | None) -> None:
        entry: JsonDict = {"member": ref(member_id)}
        if role:
            entry["role"] = [role]
        self.participants.append(entry)

    def remark(self, block: Node, who: str | None) -> None:
        """A block's Merknad → CareTeam.note, prefixed with who it is about, and the ``merknad``
        extension of the participant the block names (written back from there)."""
        text = block.text("Merknad")
        if text:
            self.notes.append(f"{who}: {text}" if who else text)
            if self.participants:
                self.participants[-1]["extension"] = [{"url": EXT_REMARK, "valueString": text}]


def _name(*parts: str | None) -> str | None:
    return " ".join(p for p in parts if p) or None


def responsible(frame: Frame, root: Node, team: Team) -> None:
    """AnsvarForRapport/AnsvarligRapport → PractitionerRole (report author), GodkjentDato → date."""
    for index, block in enumerate(root.all("AnsvarForRapport")):
        block.touch()
        hp_node = block.one("AnsvarligRapport")
        if hp_node is None:
            continue
        hp_node.consume()
        hp = read(FK1, HEALTHCARE_PROFESSIONAL, hp_node.element)
        role_id = add_professional(
            frame.state, frame.builder, hp, frame.sender.org_id, hp_node.path, frame.sender_key
        )
        concept = frame.state.concept(hp.role_to_patient, "9034", f"{hp_node.path}/RoleToPatient")
        team.add(role_id, concept)
        team.remark(block, _name(hp.given_name, hp.family_name))
        if index == 0:
            team.author_id = role_id
            team.approved = block.text("GodkjentDato")


def contact_persons(frame: Frame, root: Node, team: Team) -> None:
    """KontaktpersonHelsepersonell/Kontaktperson → PractitionerRole in the CareTeam (role 9034)."""
    for block in root.all("KontaktpersonHelsepersonell"):
        block.touch()
        node = block.one("Kontaktperson")
        if node is None:
            continue
        node.consume()
        hp = read(FK1, HEALTHCARE_PROFESSIONAL, node.element)
        role_id = add_professional(frame.state, frame.builder, hp, None, node.path, frame.sender_key)
        team.add(role_id, frame.state.concept(hp.role_to_patient, "9034", f"{node.path}/RoleToPatient"))
        team.remark(block, _name(hp.given_name, hp.family_name))


def contact_units(frame: Frame, root: Node, team: Team) -> None:
    """TilknyttetEnhet/Kontaktenhet → Organization (a sub-unit as a second Organization, partOf the
    first; a person in it as PractitionerRole) as a CareTeam member."""
    for block in root.all("TilknyttetEnhet"):
        block.touch()
        node = block.one("Kontaktenhet")
        if node is None:
            continue
        node.consume()
        org = read(FK1, ORGANISATION, node.element)
        unit = add_organisation(frame.state, frame.builder, org, node.path)
        team.add(unit.party_id, None)
        team.remark(block, unit.display)


def next_of_kin(frame: Frame, root: Node, team: Team) -> None:
    """ParorendeForesatt → RelatedPerson with Slektskap (9033); Omsorgsfunksjon (9050) as a second role."""
    if frame.patient_id is None:
        return
    for block in root.all("ParorendeForesatt"):
        block.touch()
        relation = frame.state.concept(block.code("Slektskap"), "9033", f"{block.path}/Slektskap")
        node = block.one("Referanseperson")
        if node is None:
            continue
        node.consume()
        who = person(read(FK1, PERSON, node.element))
        rid, resource = p.related_person(frame.patient_id, who, relation, frame.sender_key)
        care = frame.state.concept(block.code("Omsorgsfunksjon"), "9050", f"{block.path}/Omsorgsfunksjon")
        if care:
            resource["relationship"] = [r for r in (relation, care) if r]
        team.add(frame.builder.add_distinct(resource), relation)
        team.remark(block, _name(who.given, who.family))


def collect(frame: Frame, root: Node) -> Team:
    team = Team()
    responsible(frame, root, team)
    contact_persons(frame, root, team)
    contact_units(frame, root, team)
    next_of_kin(frame, root, team)
    return team


def care_team(frame: Frame, team: Team, name: str) -> str | None:
    """CareTeam with every person and unit named in the message, managed by the sender."""
    if not team.participants or frame.patient_id is None:
        return None
    resource: JsonDict = {
        "resourceType": "CareTeam",
        "id": frame.rid("CareTeam"),
        "status": "active",
        "name": name,
        "subject": ref(frame.patient_id),
        "participant": team.participants,
        "managingOrganization": [ref(frame.sender.top_id)],
    }
    if team.notes:
        resource["note"] = [{"text": note} for note in team.notes]
    return frame.builder.add(resource)
