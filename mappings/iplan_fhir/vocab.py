"""Code systems, extension URLs and value maps of the ip-export ↔ FHIR mapping (domain.md §2.6).

The contract's own enumerations are published as local CodeSystems under the project canonical
(fhir.md §6.8: no national code system exists for IP roles, sectors or plan categories). The maps
are plain dicts: contract value → FHIR code; the reverse direction reads the local codings.
"""

from __future__ import annotations

from samband.mappings.common.systems import CANONICAL, CAREPLAN_CATEGORY

CS = f"{CANONICAL}/CodeSystem"
SD = f"{CANONICAL}/StructureDefinition"

ROLE = f"{CS}/ip-role"
SECTOR = f"{CS}/ip-sector"
RELATIONSHIP = f"{CS}/ip-relationship"
GOAL_STATUS = f"{CS}/ip-goal-status"
LIFE_AREA = f"{CS}/ip-life-area"
PSFS = f"{CS}/psfs"
PSFS_ITEM = f"{CS}/psfs-item"
ICF = "http://www.who.int/classifications/icf"
MEASURE_STATUS = f"{CS}/ip-measure-status"
MEETING_TYPE = f"{CS}/ip-meeting-type"
MEETING_STATUS = f"{CS}/ip-meeting-status"
MEETING_OUTPUT = f"{CS}/ip-meeting-output"
EVALUATION = f"{CS}/ip-evaluation"
EVALUATION_RESULT = f"{CS}/ip-evaluation-result"
CONSENT_TYPE = f"{CS}/ip-consent-type"
ACCESS_SCOPE = f"{CS}/ip-access-scope"
EPISODE_TYPE = f"{CS}/episode-type"
TEAM_CATEGORY = f"{CS}/careteam-category"
EXPORT_TAG = f"{CS}/ip-export"
PLAN_CATEGORY = CAREPLAN_CATEGORY
LOINC = "http://loinc.org"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
V3_ROLE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
PERTAINS_TO_GOAL = "http://hl7.org/fhir/StructureDefinition/resource-pertainsToGoal"
GOAL_RELATIONSHIP = "http://hl7.org/fhir/StructureDefinition/goal-relationship"
GOAL_RELATIONSHIP_TYPE = "http://terminology.hl7.org/CodeSystem/goal-relationship-type"


def source_system(plan_id: str, collection: str) -> str:
    """Identifier system for the source ids of one plan's entities (``participants``, ``goals`` …)."""
    return f"{CANONICAL}/sid/ip-export/{plan_id}/{collection}"


PLAN_SYSTEM = f"{CANONICAL}/sid/ip-plan"
EXPORT_SYSTEM = "urn:ietf:rfc:3986"

PLAN_CATEGORY_CODE = {
    "IP": "individuell-plan",
    "IOP": "iop",
    "IUP": "iup",
    "Stafettlogg": "stafettlogg",
    "Other": "annen",
}
CAREPLAN_STATUS = {
    "draft": "draft",
    "active": "active",
    "on-hold": "on-hold",
    "closed": "completed",
    "entered-in-error": "entered-in-error",
}
EPISODE_STATUS = {
    "draft": "planned",
    "active": "active",
    "on-hold": "onhold",
    "closed": "finished",
    "entered-in-error": "entered-in-error",
}
CARETEAM_STATUS = {
    "draft": "proposed",
    "active": "active",
    "on-hold": "suspended",
    "closed": "inactive",
    "entered-in-error": "entered-in-error",
}
GOAL_LIFECYCLE = {
    "proposed": "proposed",
    "active": "active",
    "achieved": "completed",
    "partly-achieved": "completed",
    "not-achieved": "completed",
    "cancelled": "cancelled",
    "on-hold": "on-hold",
}
GOAL_ACHIEVED = {
    "proposed": "in-progress",
    "active": "in-progress",
    "achieved": "achieved",
    "partly-achieved": "improving",
    "not-achieved": "not-achieved",
    "cancelled": "not-attainable",
    "on-hold": "no-progress",
}
REQUEST_STATUS = {
    "proposed": "draft",
    "applied-for": "draft",
    "granted": "active",
    "rejected": "revoked",
    "active": "active",
    "paused": "on-hold",
    "completed": "completed",
    "cancelled": "revoked",
}
TASK_STATUS = {"planned": "requested", "postponed": "on-hold", "held": "completed", "cancelled": "cancelled"}
CONSENT_STATUS = {"active": "active", "expired": "inactive", "withdrawn": "inactive"}
RELATIONSHIP_V3 = {
    "mor": "MTH",
    "far": "FTH",
    "foresatt": "GUARD",
    "verge": "GUARD",
    "ektefelle": "SPS",
    "barn": "CHILD",
    "annen": "FAMMEMB",
}

EXT_REVISION = f"{SD}/ip-revision"
EXT_LEGAL_BASIS = f"{SD}/ip-legal-basis"
EXT_IP_STATUS = f"{SD}/ip-status"
EXT_COORDINATOR_STATUS = f"{SD}/ip-coordinator-status"
EXT_REVISION_SCHEDULE = f"{SD}/ip-revision-schedule"
EXT_NEXT_REVISION = f"{SD}/ip-next-revision"
EXT_SOURCE = f"{SD}/ip-source"
EXT_RESOURCE = f"{SD}/ip-resource"
EXT_NEED = f"{SD}/ip-need"
EXT_COOPERATION = f"{SD}/ip-cooperation"
EXT_SECTORAL_PLAN = f"{SD}/ip-sectoral-plan"
EXT_ARCHIVE = f"{SD}/ip-archive"
EXT_CLOSURE = f"{SD}/ip-closure"
EXT_PARTICIPANT = f"{SD}/ip-participant"
EXT_RELATED_PERSON = f"{SD}/ip-related-person"
EXT_WHAT_MATTERS = f"{SD}/ip-what-matters-to-me"
EXT_SCALE_DIRECTION = f"{SD}/psfs-scale-direction"
EXT_MEASURE_STATUS = f"{SD}/ip-measure-status"
EXT_EXTENT = f"{SD}/ip-extent"
EXT_DECISION = f"{SD}/ip-decision"
EXT_MEETING = f"{SD}/ip-meeting"
EXT_EVALUATION = f"{SD}/ip-evaluation"
EXT_CONSENT = f"{SD}/ip-consent"


def coding(system: str, code: str, display: str | None = None) -> dict[str, object]:
    out: dict[str, object] = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def concept(system: str, code: str, display: str | None = None) -> dict[str, object]:
    return {"coding": [coding(system, code, display)]}
