"""FHIR read endpoints over the gateway's own store: the current pivot state as searchset Bundles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy import Connection

from samband.gateway.audit import one_patient, record
from samband.gateway.deps import Reader, ServicesDep
from samband.gateway.store import fhir as fhir_store
from samband.gateway.store.audit import Action, Entry

router = APIRouter(prefix="/fhir", tags=["fhir"])

FHIR_JSON = "application/fhir+json"
RESOURCE_TYPES = frozenset(
    {
        "Patient",
        "Practitioner",
        "PractitionerRole",
        "Organization",
        "CarePlan",
        "CareTeam",
        "Goal",
        "ServiceRequest",
        "Communication",
        "Task",
        "EpisodeOfCare",
        "Condition",
        "MedicationStatement",
        "Observation",
        "Provenance",
        "DocumentReference",
        "Encounter",
        "RelatedPerson",
    }
)


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
    caller: Reader,
    patient: str | None = None,
    identifier: str | None = None,
) -> JSONResponse:
    """Current versions of one resource type: ``?patient=`` (``Patient/<id>`` or the FNR/DNR),
    ``?identifier=`` (``value`` or ``system|value``). Audited (``fhir-search``) with every patient found."""
    _check_type(resource_type)
    with svc.reads.begin() as conn:
        found = fhir_store.search(conn, resource_type, patient, identifier)
        patients = _patients(conn, found)
    query = {k: v for k, v in {"patient": patient, "identifier": identifier}.items() if v is not None}
    named = patient.removeprefix("Patient/") if patient else None
    record(
        svc,
        caller,
        Entry(
            Action.FHIR_SEARCH,
            target=resource_type,
            patient=one_patient(named, patients),
            patients=patients,
            detail={"query": query, "total": len(found)},
        ),
    )
    base = str(request.base_url) + "fhir/"
    return JSONResponse(fhir_store.searchset(found, base), media_type=FHIR_JSON)


@router.get("/{resource_type}/{resource_id}")
def read(resource_type: str, resource_id: str, svc: ServicesDep, caller: Reader) -> JSONResponse:
    """The current version of one resource."""
    _check_type(resource_type)
    with svc.reads.begin() as conn:
        found: dict[str, Any] | None = fhir_store.read(conn, resource_type, resource_id)
        patients = _patients(conn, [found] if found else [])
    if found is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail={"code": "fhir.not-found", "detail": f"no {resource_type}/{resource_id}"},
        )
    target = f"{resource_type}/{resource_id}"
    record(svc, caller, Entry(Action.FHIR_READ, target=target, patient=one_patient(None, patients)))
    return JSONResponse(found, media_type=FHIR_JSON)


def _patients(conn: Connection, resources: list[dict[str, Any]]) -> list[str]:
    """The patients of ``resources`` as the audit trail names them: the FNR/DNR of the stored
    Patient (referred to as ``Patient/<id>`` or, inside a message Bundle, ``urn:uuid:<id>``), else
    ``Patient/<id>``."""
    ids = {p.removeprefix("urn:uuid:") for r in resources if (p := fhir_store.patient_of(r))}
    national = fhir_store.national_ids(conn, ids)
    return sorted(national.get(p, f"Patient/{p}") for p in ids)
