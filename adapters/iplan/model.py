"""ip-export v1: the individual plan (IndividualPlan) and the export document around it (IpExport).

The nine content items of Forskrift om individuell plan ved ytelse av velferdstjenester (2022) are
cited in ``reg``; docs/ip-export.md is generated from the same field docs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from samband.adapters.iplan import enums as e
from samband.adapters.iplan.model_parts import (
    Code,
    Consent,
    Need,
    Participant,
    Period,
    Person,
    PlanResource,
    RelatedPerson,
)
from samband.adapters.iplan.model_work import (
    Archive,
    Attachment,
    Closure,
    Cooperation,
    Evaluation,
    Goal,
    LogEntry,
    Measure,
    Meeting,
    PsfsAssessment,
    RemovedEntity,
    SectoralPlan,
)
from samband.adapters.iplan.spec import spec_field as f

SCHEMA_VERSION = "1.0"
XML_NAMESPACE = "urn:no:samband:ip-export:1"
JSON_SCHEMA_ID = "urn:no:samband:ip-export:1:schema.json"
ROOT_ELEMENT = "IndividualPlanExport"


@dataclass(frozen=True, kw_only=True)
class SourceSystem:
    product: e.Product = f("The IP tool")
    product_version: str | None = f("Its version", default=None)
    municipality_number: str = f("Kommunenummer of the plan's municipality", pattern=r"^\d{4}$")
    organization_number: str | None = f("Organisasjonsnummer", default=None, pattern=r"^\d{9}$")
    her_id: int | None = f("HER-id of the municipality's IP service", default=None)


@dataclass(frozen=True, kw_only=True)
class IndividualPlan:
    """Individuell plan. In a delta export the header is complete and collections hold changed items."""

    id: str = f("Source plan id; never re-used across plans", xml="attr")
    plan_type: e.PlanType = f("IP, IOP, IUP, Stafettlogg")
    legal_basis: tuple[e.LegalBasis, ...] = f("Legal bases", item="legalBasis", min_items=1)
    status: e.PlanStatus = f("Plan status")
    ip_status: Code | None = f("IP status, Volven 8705 (e.g. 101 Ja, virksom plan)", default=None)
    title: str | None = f("Title", default=None)
    plan_period: Period = f("Planperiode", reg="7")
    revision_schedule: tuple[date, ...] = f(
        "Planned revision points", default=(), item="revisionDate", reg="7"
    )
    next_revision_date: date | None = f("Next revision", default=None, reg="7")
    revision: int = f("Increases on every change; equals the last changeLog sequence", minimum=1)
    last_modified: datetime = f("Last change")
    background: str | None = f("Bakgrunn", default=None)
    subject: Person = f("The plan owner (planeier)")
    related_persons: tuple[RelatedPerson, ...] = f(
        "Pårørende, foresatte, verge", default=(), item="relatedPerson", reg="4"
    )
    coordinator_ref: str | None = f(
        "The one active koordinator/barnekoordinator", default=None, xml="ref", reg="3"
    )
    coordinator_status: Code | None = f("Coordinator status, Volven 9188", default=None, reg="3")
    participants: tuple[Participant, ...] = f(
        "Plan participants incl. the owner", default=(), item="participant", reg="2, 4"
    )
    consents: tuple[Consent, ...] = f("Consents", default=(), item="consent", reg="8")
    resources: tuple[PlanResource, ...] = f("Ressurser", default=(), item="resource", reg="1")
    needs: tuple[Need, ...] = f("Behov", default=(), item="need", reg="1")
    goals: tuple[Goal, ...] = f("Hovedmål and delmål", default=(), item="goal", reg="1")
    psfs_assessments: tuple[PsfsAssessment, ...] = f("PSFS scorings", default=(), item="psfsAssessment")
    measures: tuple[Measure, ...] = f("Tiltak", default=(), item="measure", reg="5, 6")
    cooperation: tuple[Cooperation, ...] = f("Samarbeid", default=(), item="cooperationItem", reg="9")
    meetings: tuple[Meeting, ...] = f("Møter", default=(), item="meeting")
    evaluations: tuple[Evaluation, ...] = f("Evalueringer", default=(), item="evaluation", reg="7")
    sectoral_plans: tuple[SectoralPlan, ...] = f("Fagplaner", default=(), item="sectoralPlan")
    attachments: tuple[Attachment, ...] = f("Vedlegg", default=(), item="attachment", roundtrip=False)
    change_log: tuple[LogEntry, ...] = f("Logg, append-only", default=(), item="entry", roundtrip=False)
    archive: Archive | None = f("Last archiving (PDF/A)", default=None)
    closure: Closure | None = f("Avslutning; required when status = closed", default=None)


@dataclass(frozen=True, kw_only=True)
class IpExport:
    """IndividualPlanExport: one export of one plan from an IP tool, full or delta."""

    schema_version: str = f("Always 1.0", xml="attr", pattern=r"^1\.0$")
    export_id: str = f("UUID of this export", pattern=r"^[0-9a-fA-F-]{36}$")
    generated_at: datetime = f("When the export was made")
    view: e.View = f("Filtering applied: full, participant or gp-summary")
    view_for_participant_ref: str | None = f("Required when view = participant", default=None, xml="ref")
    export_kind: e.ExportKind = f("full or delta")
    since_revision: int | None = f("Required for a delta: the revision it applies to", default=None)
    source: SourceSystem = f("Exporting system")
    plan: IndividualPlan = f("The plan")
    removed_entities: tuple[RemovedEntity, ...] = f(
        "Delta only: entities deleted since sinceRevision", default=(), item="removed", roundtrip=False
    )


__all__ = ["IndividualPlan", "IpExport", "SourceSystem"]
