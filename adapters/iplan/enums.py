"""The closed value sets of ip-export v1; the XSD and JSON Schema name their enumerations after these.

Norwegian terms stay as the sector and the forskrift use them (koordinator, barnekoordinator, PPT).
"""

from __future__ import annotations

from typing import Literal

View = Literal["full", "participant", "gp-summary"]
ExportKind = Literal["full", "delta"]
Product = Literal["SamPro", "Samspill", "Acos", "Profil", "Gerica", "Lifecare", "DIPS", "Other"]
PlanType = Literal["IP", "IOP", "IUP", "Stafettlogg", "Other"]
LegalBasis = Literal["hol-7-1", "sphl-2-5", "phvl-4-1", "sotjl-28", "sotjl-33", "navl-15", "bvl", "other"]
PlanStatus = Literal["draft", "active", "on-hold", "closed", "entered-in-error"]
IdentType = Literal["fnr", "dnr"]
Gender = Literal["female", "male", "other", "unknown"]
Relationship = Literal["mor", "far", "foresatt", "verge", "ektefelle", "barn", "annen"]
ParticipantKind = Literal["person", "unit"]
Sector = Literal[
    "kommune-helse-omsorg",
    "fastlege",
    "spesialisthelsetjeneste",
    "tannhelse",
    "NAV",
    "sosialtjeneste",
    "barnevern",
    "barnehage",
    "skole",
    "PPT",
    "helsestasjon-skolehelse",
    "bolig",
    "arbeidsgiver",
    "frivillig",
    "privat-nettverk",
    "bruker",
    "annet",
]
Role = Literal[
    "planeier",
    "koordinator",
    "barnekoordinator",
    "teammedlem",
    "fastlege",
    "kontaktperson",
    "paaroerende",
    "verge",
    "observatoer",
]
AccessScope = Literal["goals", "measures", "meetings", "messages", "documents", "log", "all"]
ConsentType = Literal["plan-creation", "participant-access", "information-sharing", "coordinator", "closure"]
ConsentStatus = Literal["active", "expired", "withdrawn"]
ResourceHolder = Literal["self", "paaroerende", "nettverk", "annet"]
LifeArea = Literal[
    "helse",
    "funksjon-ADL",
    "bolig",
    "arbeid-utdanning",
    "oekonomi",
    "sosialt-nettverk",
    "fritid",
    "familie",
    "psykisk-helse-rus",
    "annet",
]
GoalStatus = Literal[
    "proposed", "active", "achieved", "partly-achieved", "not-achieved", "cancelled", "on-hold"
]
PsfsMethod = Literal["self-report", "interview"]
ScaleDirection = Literal["0-unable_10-able", "0-no-problem_10-unable"]
ExtentUnit = Literal["hours", "visits", "days", "sessions", "other"]
ExtentPer = Literal["day", "week", "month", "year"]
MeasureStatus = Literal[
    "proposed", "applied-for", "granted", "rejected", "active", "paused", "completed", "cancelled"
]
Necessity = Literal["required", "desired"]
CooperationStatus = Literal["planned", "established", "ended"]
MeetingType = Literal["oppstartsmoete", "teammoete", "evalueringsmoete", "avslutningsmoete", "annet"]
MeetingMode = Literal["fysisk", "video", "telefon"]
MeetingStatus = Literal["planned", "held", "cancelled", "postponed"]
InvitationResponse = Literal["accepted", "declined", "no-response"]
Attendance = Literal["attended", "absent", "unknown"]
EvaluationTarget = Literal["plan", "goal", "measure"]
EvaluationResult = Literal["achieved", "progress", "no-change", "worse", "not-assessable"]
SectoralPlanType = Literal[
    "IOP",
    "pleieplan",
    "rehabiliteringsplan",
    "behandlingsplan",
    "aktivitetsplan-NAV",
    "tiltaksplan-barnevern",
    "annet",
]
AttachmentCategory = Literal["samtykke", "referat", "kartlegging", "fagplan", "vedtak", "arkivkopi", "annet"]
LogAction = Literal[
    "created",
    "updated",
    "deleted",
    "status-changed",
    "participant-added",
    "participant-removed",
    "coordinator-changed",
    "consent-granted",
    "consent-withdrawn",
    "meeting-scheduled",
    "meeting-held",
    "meeting-cancelled",
    "evaluation-recorded",
    "psfs-recorded",
    "attachment-added",
    "archived",
    "closed",
    "reopened",
]
TargetType = Literal[
    "plan",
    "participant",
    "consent",
    "goal",
    "psfs",
    "measure",
    "meeting",
    "evaluation",
    "attachment",
    "other",
]
ClosureReason = Literal[
    "goals-achieved",
    "owner-withdrew",
    "no-longer-needed",
    "moved-to-other-municipality",
    "transferred",
    "deceased",
    "other",
]
Collection = Literal[
    "relatedPersons",
    "participants",
    "consents",
    "resources",
    "needs",
    "goals",
    "psfsAssessments",
    "measures",
    "cooperation",
    "meetings",
    "evaluations",
    "sectoralPlans",
    "attachments",
]
