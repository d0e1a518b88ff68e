"""Orientering om tjenestetilbud (HIS 1146) → CarePlan whose activities reference one ServiceRequest per
EksisterendeTjeneste (IPLOS tjenestetype 9151, extent, start/end), plus the CareTeam.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from samband.mappings.common.head import Frame
from samband.mappings.common.ids import ref
from samband.mappings.common.systems import (
    CAREPLAN_CATEGORY,
    EXT_PRIVATE_SERVICE,
    EXT_SERVICE_INFO,
    EXT_SERVICE_PROVIDER,
)
from samband.mappings.common.xmlsource import Node
from samband.mappings.plo_fhir.contacts import Team, care_team

JsonDict = dict[str, object]
STATUS_BY_FORSENDELSE = {"C": "revoked"}


def _number(text: str | None) -> int | float | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() and "." not in text else float(value)


def service_request(frame: Frame, node: Node, index: int, status: str) -> str:
    """EksisterendeTjeneste → ServiceRequest (intent plan) for the patient."""
    path = node.path
    node.touch()
    code = frame.state.concept(
        node.code("IPLOStjenestetype"), "9151", f"{path}/IPLOStjenestetype", node.text("BetegnelseTjeneste")
    )
    resource: JsonDict = {
        "resourceType": "ServiceRequest",
        "id": frame.rid("ServiceRequest", str(index)),
        "status": status,
        "intent": "plan",
        "code": code or {"text": "Tjeneste"},
        "subject": ref(frame.patient_id or frame.sender.top_id),
    }
    extensions: list[JsonDict] = []
    private = node.flag("PrivatTjeneste")
    if private is not None:
        extensions.append({"url": EXT_PRIVATE_SERVICE, "valueBoolean": private})
    info = node.text("OpplysningerOmTjenesten")
    if info:
        extensions.append({"url": EXT_SERVICE_INFO, "valueString": info})
    provider = node.text("TjenestenLevertAv")
    if provider:
        extensions.append({"url": EXT_SERVICE_PROVIDER, "valueString": provider})
    if extensions:
        resource["extension"] = extensions
    amount, unit = _number(node.text("AntallEnheter")), node.text("Enhet")
    if amount is not None or unit:
        quantity: JsonDict = {} if amount is None else {"value": amount}
        if unit:
            quantity["unit"] = unit
        resource["quantityQuantity"] = quantity
    period = {k: v for k, v in (("start", node.text("Startdato")), ("end", node.text("Sluttdato"))) if v}
    if period:
        resource["occurrencePeriod"] = period
    note = node.text("Merknad")
    if note:
        resource["note"] = [{"text": note}]
    return frame.builder.add(resource)


def orientering(frame: Frame, root: Node, team: Team, forsendelse: str | None) -> None:
    """CarePlan (intent plan, category tjenestetilbud) → activities → ServiceRequests; CareTeam."""
    status = STATUS_BY_FORSENDELSE.get(forsendelse or "", "active")
    services = [
        service_request(frame, node, index, status)
        for index, node in enumerate(root.all("EksisterendeTjeneste"))
    ]
    team_id = care_team(frame, team, "Tjenesteytere og kontaktpersoner")
    plan: JsonDict = {
        "resourceType": "CarePlan",
        "id": frame.rid("CarePlan"),
        "status": status,
        "intent": "plan",
        "category": [
            {"coding": [{"system": CAREPLAN_CATEGORY, "code": "tjenestetilbud", "display": "Tjenestetilbud"}]}
        ],
        "title": "Orientering om tjenestetilbud",
        "subject": ref(frame.patient_id or frame.sender.top_id),
    }
    if team.approved:
        plan["created"] = team.approved
    if team.author_id:
        plan["author"] = ref(team.author_id)
    if team_id:
        plan["careTeam"] = [ref(team_id)]
    if services:
        plan["activity"] = [{"reference": ref(s)} for s in services]
    frame.focus.append(frame.builder.add(plan))
