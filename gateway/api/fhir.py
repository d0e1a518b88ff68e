"""FHIR read endpoints over the gateway's own store: the current pivot state as searchset Bundles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import JSONResponse

from samband.gateway.deps import Reader, ServicesDep
from samband.gateway.store import fhir as fhir_store

router = APIRouter(prefix="/fhir", tags=["fhir"])

FHIR_JSON = "application/fhir+json"
RESOURCE_TYPES = frozenset(
    {
        "Patient", "Practitioner", "PractitionerRole", "Organization", "CarePlan", "CareTeam", "Goal",
        "ServiceRequest", "Communication", "Task", "EpisodeOfCare", "Condition", "MedicationStatement",
        "Observation", "Provenance", "DocumentReference", "Encounter", "RelatedPerson",
    }
)  # fmt: skip


def _check_type(resource_type: str) -> None:
    if resource_type not in RESOURCE_TYPES:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail={"code": "fhir.unknown-type", "detail": f"{resource_type} is not kept here"},
        )


@router.get("/{resource_type}")
def search(
    resource_type: str,
    request: Request,
    svc: ServicesDep,
    _caller: Reader,
    patient: str | None = None,
    identifier: str | None = None,
) -> JSONResponse:
    """Current versions of one resource type: ``?patient=`` (``Patient/<id>`` or the FNR/DNR),
    ``?identifier=`` (``value`` or ``system|value``)."""
    _check_type(resource_type)
    with svc.reads.begin() as conn:
        found = fhir_store.search(conn, resource_type, patient, identifier)
    base = str(request.base_url) + "fhir/"
    return JSONResponse(fhir_store.searchset(found, base), media_type=FHIR_JSON)


@router.get("/{resource_type}/{resource_id}")
def read(resource_type: str, resource_id: str, svc: ServicesDep, _caller: Reader) -> JSONResponse:
    """The current version of one resource."""
    _check_type(resource_type)
    with svc.reads.begin() as conn:
        found: dict[str, Any] | None = fhir_store.read(conn, resource_type, resource_id)
    if found is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail={"code": "fhir.not-found", "detail": f"no {resource_type}/{resource_id}"},
        )
    return JSONResponse(found, media_type=FHIR_JSON)
