"""GET /patients/{id}/timeline: what happened to the patient and what the GP was told (JSON or FHIR)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from samband.features.feedback.overview import overview
from samband.features.feedback.timeline import as_bundle, timeline
from samband.features.feedback.wiring import feedback_for
from samband.gateway.audit import record
from samband.gateway.deps import Reader, ServicesDep
from samband.gateway.runtime import Services
from samband.gateway.store.audit import Action, Entry

router = APIRouter(tags=["patients"])


def _read(svc: Services, patient_id: str) -> list[dict[str, Any]]:
    with svc.engine.begin() as conn:
        return timeline(conn, patient_id)


@router.get("/patients/{patient_id}/timeline")
async def get_timeline(
    patient_id: str,
    svc: ServicesDep,
    caller: Reader,
    format: Annotated[Literal["json", "fhir"], Query(description="json entries or a FHIR Bundle")] = "json",
) -> JSONResponse:
    """Referral, events, decisions (with the reason when nothing was sent), feedback messages with
    their AppRec status, and operator alerts, oldest first. ``?format=fhir`` gives a Bundle of
    Task (events), Communication (messages to the GP) and Provenance."""
    entries = await run_in_threadpool(_read, svc, patient_id)
    detail = {"format": format, "entries": len(entries)}
    target = f"/patients/{patient_id}/timeline"
    entry = Entry(Action.TIMELINE, target, patient_id, detail=detail)
    await run_in_threadpool(record, svc, caller, entry)
    if format == "fhir":
        return JSONResponse(as_bundle(entries, patient_id), media_type="application/fhir+json")
    return JSONResponse({"patient": patient_id, "entries": entries})


def _overview(svc: Services, patient_id: str) -> dict[str, Any]:
    fb = feedback_for(svc)
    with svc.reads.begin() as conn:
        return overview(conn, patient_id, fb.rules, fb.texts)


@router.get("/patients/{patient_id}/overview")
async def get_overview(patient_id: str, svc: ServicesDep, caller: Reader) -> dict[str, Any]:
    """Everything the gateway knows about the patient, in plain Norwegian for the coordinating unit:
    ``name``, ``plan`` (status, period, coordinator, goals, services), ``team``, ``feedback`` (what the
    GP was sent and its AppRec state), ``timeline`` (oldest first: ``at``, ``who``, ``what``, and
    ``detail``, ``state``, ``text``, ``rule``, ``message_id`` when known) and how many ``messages``
    name the patient. Audited as ``timeline`` (format ``overview``)."""
    body = await run_in_threadpool(_overview, svc, patient_id)
    shown = {"format": "overview", "entries": len(body["timeline"])}
    entry = Entry(Action.TIMELINE, f"/patients/{patient_id}/overview", patient_id, detail=shown)
    await run_in_threadpool(record, svc, caller, entry)
    return body
