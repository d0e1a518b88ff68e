"""Melding om fravær (FRAVARSMELDING, PLO 1.5, root MeldingFravar) → a Communication telling that the
receiver of earlier messages is away: the ``fravaer`` extension holds whether the receiver is away,
the period, whether the message was forwarded and to whom (a PractitionerRole); Merknad is the text.
"""

from __future__ import annotations

from samband.adapters.kith.codec import read
from samband.adapters.kith.shapes import FK1, HEALTHCARE_PROFESSIONAL
from samband.mappings.common.head import Frame
from samband.mappings.common.ids import ref
from samband.mappings.common.kith_parts import add_professional
from samband.mappings.common.systems import COMMUNICATION_CATEGORY, EXT_ABSENCE
from samband.mappings.common.xmlsource import Node
from samband.mappings.plo_fhir.contacts import Team, care_team

JsonDict = dict[str, object]
CATEGORY = {"system": COMMUNICATION_CATEGORY, "code": "fravarsmelding", "display": "Melding om fravær"}


def _absence(frame: Frame, node: Node) -> JsonDict:
    parts: list[JsonDict] = []
    away = node.flag("MottakerFravarende")
    if away is not None:
        parts.append({"url": "fravaerende", "valueBoolean": away})
    forwarded = node.flag("MeldingVideresendt")
    if forwarded is not None:
        parts.append({"url": "videresendt", "valueBoolean": forwarded})
    period = {
        k: v
        for k, v in (("start", node.text("FravarendeFraDato")), ("end", node.text("FravarendeTilDato")))
        if v
    }
    if period:
        parts.append({"url": "periode", "valuePeriod": period})
    target = node.one("VideresendtTil")
    if target is not None:
        target.consume()
        hp = read(FK1, HEALTHCARE_PROFESSIONAL, target.element)
        role_id = add_professional(frame.state, frame.builder, hp, None, target.path, frame.sender_key)
        parts.append({"url": "videresendt-til", "valueReference": ref(role_id)})
    return {"url": EXT_ABSENCE, "extension": parts}


def fravar(frame: Frame, root: Node, team: Team, forsendelse: str | None) -> None:
    """MeldingFravar/Fraversassistent → Communication (focus) with the ``fravaer`` extension."""
    resource: JsonDict = {
        "resourceType": "Communication",
        "id": frame.rid("Communication"),
        "status": "entered-in-error" if forsendelse == "C" else "completed",
        "category": [{"coding": [CATEGORY]}],
        "subject": ref(frame.patient_id or frame.sender.top_id),
        "sent": frame.timestamp,
        "recipient": [ref(frame.receiver.party_id)],
        "sender": ref(team.author_id or frame.sender.party_id),
    }
    node = root.one("Fraversassistent")
    if node is not None:
        node.touch()
        resource["extension"] = [_absence(frame, node)]
        remark = node.text("Merknad")
        if remark:
            resource["payload"] = [{"contentString": remark}]
    team_id = care_team(frame, team, "Kontaktpersoner")
    if team_id:
        resource["about"] = [ref(team_id)]
    frame.focus.append(frame.builder.add(resource))
