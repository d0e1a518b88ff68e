"""The FHIR REST API over the gateway's own store (FHIR R4 http.html, read-only for clients): metadata,
read, vread and ``_history`` with ETags, search with paging, ``_sort``, ``_include``/``_revinclude``,
``$validate``; JSON or XML; every error an OperationOutcome (``fhir_wire``). Message Bundles come in
by ``POST /fhir`` (``inbound.py``). Every read of stored resources is audited with its patients.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy import Connection

from samband.adapters.formats import validate
from samband.adapters.json.safe import read_json
from samband.gateway.api.fhir_capability import capability_statement
from samband.gateway.api.fhir_query import Parsed, parse
from samband.gateway.api.fhir_wire import (
    FHIR_JSON,
    answer,
    body_of,
    finding_issue,
    media_type,
    outcome,
    outcome_issue,
)
from samband.gateway.api.inbound import read_body
from samband.gateway.audit import one_patient, record
from samband.gateway.deps import Reader, ServicesDep, Submitter
from samband.gateway.store import fhir as fhir_store
from samband.gateway.store import fhir_search
from samband.gateway.store.audit import Action, Entry
from samband.gateway.store.fhir_params import RESOURCE_TYPES
from samband.kernel.errors import FhirGone, FhirNotFound, FhirReadOnly, GatewayError

router = APIRouter(prefix="/fhir", tags=["fhir"])
Resource = dict[str, Any]


def _check_type(resource_type: str) -> None:
    if resource_type not in RESOURCE_TYPES:
        raise FhirNotFound(
            f"{resource_type} is not kept here", code="fhir-api.unknown-type", where=resource_type,
            expected=", ".join(sorted(RESOURCE_TYPES)),
        )  # fmt: skip


def _base(request: Request) -> str:
    return str(request.base_url) + "fhir/"


@router.get("/metadata")
def metadata(request: Request, svc: ServicesDep, _caller: Reader) -> Response:
    """The CapabilityStatement: every served type, its interactions and search parameters."""
    return answer(request, capability_statement(_base(request), svc.now()))


@router.post("/$validate")
async def validate_resource(request: Request, svc: ServicesDep, _caller: Submitter) -> Response:
    """``$validate`` (R4 resource-operation-validate): the posted resource or Bundle (bare, or as the
    ``resource`` part of a Parameters) checked as ``samband validate`` checks it; always 200 with an
    OperationOutcome listing the findings."""
    raw = await read_body(request, svc.settings.max_body_bytes)
    return answer(request, await run_in_threadpool(_validation, raw))


@router.post("/{resource_type}/$validate")
async def validate_typed(
    resource_type: str, request: Request, svc: ServicesDep, _caller: Submitter
) -> Response:
    """``$validate`` on a type: the same checks as ``/fhir/$validate``."""
    _check_type(resource_type)
    raw = await read_body(request, svc.settings.max_body_bytes)
    return answer(request, await run_in_threadpool(_validation, raw))


def _validation(raw: bytes) -> Resource:
    try:
        data = read_json(raw)
    except GatewayError:
        data = None  # XML, or not a document: validated as sent, and the finding says why
    if isinstance(data, dict) and data.get("resourceType") == "Parameters":
        for part in data.get("parameter") or []:
            if (
                isinstance(part, dict)
                and part.get("name") == "resource"
                and isinstance(part.get("resource"), dict)
            ):
                raw = body_of(part["resource"], FHIR_JSON)
    _kind, findings = validate(raw)
    issues = [finding_issue(f) for f in findings]
    return outcome(issues or [outcome_issue("fhir-api.valid", "no findings", "information", 200)])


@router.get("/{resource_type}")
def search(resource_type: str, request: Request, svc: ServicesDep, caller: Reader) -> Response:
    """Search one resource type (R4 search.html): the parameters of ``/fhir/metadata``; ``Prefer:
    handling=lenient`` leaves unknown ones out. Audited (``fhir-search``) with every patient found."""
    _check_type(resource_type)
    media_type(request)  # an unknown _format is refused before any work
    lenient = "handling=lenient" in request.headers.get("prefer", "").replace(" ", "")
    items = list(request.query_params.multi_items())
    parsed = parse(resource_type, items, lenient)
    with svc.reads.begin() as conn:
        found = fhir_search.search(conn, parsed.query)
        patients = _patients(conn, found.matches + found.included)
    given: dict[str, list[str]] = {}
    for key, value in items:
        given.setdefault(key, []).append(value)
    named = request.query_params.get("patient")
    detail = {"query": {k: v[0] if len(v) == 1 else v for k, v in given.items()}, "total": found.total}
    entry = Entry(Action.FHIR_SEARCH, target=resource_type, patient=one_patient(named, patients),
                  patients=patients, detail=detail)  # fmt: skip
    record(svc, caller, entry)
    return answer(request, searchset(_base(request), parsed, found))


def searchset(base: str, parsed: Parsed, found: fhir_search.Found) -> Resource:
    """The searchset Bundle (R4 bundle.html): matches, includes, ``total``, ``self``/``next``/``previous``."""
    query = parsed.query

    def link(relation: str, offset: int) -> dict[str, str]:
        params = [*parsed.used, *([("_offset", str(offset))] if offset else [])]
        return {"relation": relation, "url": f"{base}{query.resource_type}?{urlencode(params)}"}

    links = [link("self", query.offset)]
    more = (found.total is not None and query.offset + query.count < found.total) or (
        found.total is None and len(found.matches) == query.count
    )
    if query.entries and more and query.count:
        links.append(link("next", query.offset + query.count))
    if query.entries and query.offset:
        links.append(link("previous", max(0, query.offset - query.count)))
    bundle: Resource = {"resourceType": "Bundle", "type": "searchset"}
    if found.total is not None:
        bundle["total"] = found.total
    bundle["link"] = links
    bundle["entry"] = [_entry(base, r, "match") for r in found.matches] + [
        _entry(base, r, "include") for r in found.included
    ]
    if not bundle["entry"]:
        del bundle["entry"]
    return bundle


def _entry(base: str, resource: Resource, mode: str) -> Resource:
    return {"fullUrl": f"{base}{resource['resourceType']}/{resource['id']}", "resource": resource,
            "search": {"mode": mode}}  # fmt: skip


def _etag(resource: Resource) -> dict[str, str]:
    meta = resource.get("meta") or {}
    headers = {"ETag": f'W/"{meta.get("versionId", "1")}"'}
    if meta.get("lastUpdated"):
        headers["Last-Modified"] = format_datetime(datetime.fromisoformat(meta["lastUpdated"]), usegmt=True)
    return headers


def _not_modified(request: Request, headers: dict[str, str]) -> bool:
    tags = [t.strip() for t in request.headers.get("if-none-match", "").split(",")]
    return headers["ETag"] in tags or headers["ETag"].removeprefix("W/") in tags or "*" in tags


@router.get("/{resource_type}/{resource_id}")
def read(
    resource_type: str, resource_id: str, request: Request, svc: ServicesDep, caller: Reader
) -> Response:
    """The current version (R4 read), with ``ETag``; ``304`` when ``If-None-Match`` names it; ``410``
    when it was deleted."""
    _check_type(resource_type)
    media_type(request)
    with svc.reads.begin() as conn:
        found = fhir_store.read(conn, resource_type, resource_id)
        history = fhir_store.versions(conn, resource_type, resource_id) if found is None else []
        patients = _patients(conn, [found] if found else [])
    _missing(found, history, f"{resource_type}/{resource_id}")
    assert found is not None
    target = f"{resource_type}/{resource_id}"
    record(svc, caller, Entry(Action.FHIR_READ, target=target, patient=one_patient(None, patients)))
    headers = _etag(found)
    if _not_modified(request, headers):
        return Response(status_code=304, headers=headers)
    return answer(request, found, headers=headers)


def _missing(found: Resource | None, history: list[Any], target: str) -> None:
    if found is not None:
        return
    if history:
        raise FhirGone(f"{target} was deleted", where=target)
    raise FhirNotFound(f"no {target}", where=target)


@router.get("/{resource_type}/{resource_id}/_history")
def history(
    resource_type: str, resource_id: str, request: Request, svc: ServicesDep, caller: Reader
) -> Response:
    """Every version, newest first (R4 history-instance), as a ``history`` Bundle."""
    _check_type(resource_type)
    media_type(request)
    with svc.reads.begin() as conn:
        found = fhir_store.versions(conn, resource_type, resource_id)
        patients = _patients(conn, [body for _v, _c, body in found[:1]])
    target = f"{resource_type}/{resource_id}"
    _missing(found[0][2] if found else None, found, target)
    record(
        svc, caller, Entry(Action.FHIR_READ, target=f"{target}/_history", patient=one_patient(None, patients))
    )
    base = _base(request)
    bundle = {
        "resourceType": "Bundle",
        "type": "history",
        "total": len(found),
        "link": [{"relation": "self", "url": f"{base}{target}/_history"}],
        "entry": [
            {"fullUrl": f"{base}{target}", "resource": body, "request": {"method": "PUT", "url": target},
             "response": {"status": "200", "etag": f'W/"{version}"'}}
            for version, _current, body in found
        ],
    }  # fmt: skip
    return answer(request, bundle)


@router.get("/{resource_type}/{resource_id}/_history/{version_id}")
def vread(
    resource_type: str, resource_id: str, version_id: str, request: Request, svc: ServicesDep, caller: Reader
) -> Response:
    """One version (R4 vread), with its ``ETag``."""
    _check_type(resource_type)
    media_type(request)
    target = f"{resource_type}/{resource_id}/_history/{version_id}"
    with svc.reads.begin() as conn:
        found = next(
            (
                body
                for v, _c, body in fhir_store.versions(conn, resource_type, resource_id)
                if str(v) == version_id
            ),
            None,
        )
        patients = _patients(conn, [found] if found else [])
    if found is None:
        raise FhirNotFound(f"no {target}", where=target)
    record(svc, caller, Entry(Action.FHIR_READ, target=target, patient=one_patient(None, patients)))
    headers = _etag(found)
    if _not_modified(request, headers):
        return Response(status_code=304, headers=headers)
    return answer(request, found, headers=headers)


@router.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
def elsewhere(path: str, request: Request, _caller: Reader) -> Response:
    """Anything else under ``/fhir/``: 405 for writes (the API is read-only), 404 for other paths."""
    if request.method != "GET":
        raise FhirReadOnly(f"{request.method} /fhir/{path}: read-only", where=path)
    raise FhirNotFound(f"no such FHIR path: /fhir/{path}", where=path)


def _patients(conn: Connection, resources: list[Resource]) -> list[str]:
    """The patients of ``resources`` as the audit trail names them: the FNR/DNR of the stored
    Patient, else ``Patient/<id>``."""
    ids = {p for r in resources if (p := fhir_store.patient_of(r))}
    national = fhir_store.national_ids(conn, ids)
    return sorted(national.get(p, f"Patient/{p}") for p in ids)
