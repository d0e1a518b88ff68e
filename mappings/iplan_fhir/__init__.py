"""ip-export ↔ FHIR R4: CarePlan, CareTeam, EpisodeOfCare, Goal, ServiceRequest, Task, Observation, Consent.

``to_fhir(export, ctx)`` gives a collection Bundle; ``from_fhir(bundle, ctx)`` reads one back into the
contract model, keeping every field docs/ip-export.md marks as round-trippable.
"""

from __future__ import annotations

from samband.mappings.iplan_fhir.from_fhir import from_fhir
from samband.mappings.iplan_fhir.to_fhir import to_fhir

__all__ = ["from_fhir", "to_fhir"]
