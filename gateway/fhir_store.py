"""The gateway's own FHIR store: the current pivot state per patient (CarePlan, CareTeam, …), versioned.

The default route delivers into it through ``FhirStoreTransport`` (transport name ``fhir-store``);
the FHIR read endpoints serve it as searchset Bundles. A bundle entry replaces the resource's
current version only when its content changed (FHIR ``meta.versionId`` counts the changes).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, update

from gateway.delivery.transports.base import DeliveryRequest, Receipt
from gateway.errors import DeliveryRefused
from gateway.store.tables import fhir_identifiers, fhir_resources

Resource = dict[str, Any]
SKIPPED = frozenset({"MessageHeader", "Bundle"})  # the envelope of a message Bundle is not state


def patient_of(resource: Resource) -> str | None:
    """The patient a resource belongs to: the Patient itself, else its subject/patient/beneficiary."""
    if resource.get("resourceType") == "Patient":
        return str(resource.get("id")) if resource.get("id") else None
    for key in ("subject", "patient", "beneficiary"):
        ref = resource.get(key)
        if isinstance(ref, dict) and isinstance(ref.get("reference"), str):
            return str(ref["reference"]).removeprefix("Patient/").split("/")[0]
    return None


def _comparable(resource: Resource) -> Resource:
    return {k: v for k, v in resource.items() if k != "meta"}


def upsert_resource(
    conn: Connection, resource: Resource, source_message_id: str | None, now: datetime
) -> int:
    """Store ``resource`` as the new current version when it differs; return the current version."""
    rtype, rid = str(resource["resourceType"]), str(resource["id"])
    key = (fhir_resources.c.resource_type == rtype, fhir_resources.c.resource_id == rid)
    current = conn.execute(select(fhir_resources).where(*key, fhir_resources.c.current.is_(True))).first()
    if current is not None and _comparable(current.body) == _comparable(resource):
        return int(current.version)
    version = 1 if current is None else int(current.version) + 1
    if current is None:
        last = conn.execute(
            select(fhir_resources.c.version).where(*key).order_by(fhir_resources.c.version.desc())
        )
        version = int(last.scalar() or 0) + 1
    else:
        conn.execute(update(fhir_resources).where(*key).values(current=False))
    index_identifiers(conn, rtype, rid, resource)
    meta = {**resource.get("meta", {}), "versionId": str(version), "lastUpdated": now.isoformat()}
    conn.execute(
        fhir_resources.insert().values(
            resource_type=rtype,
            resource_id=rid,
            version=version,
            patient=patient_of(resource),
            current=True,
            body={**resource, "meta": meta},
            source_message_id=source_message_id,
            updated_at=now,
        )
    )
    return version


def index_identifiers(conn: Connection, rtype: str, rid: str, resource: Resource) -> None:
    """Keep the identifier index of the current version (Patient FNR/DNR, Organization HER-id, …)."""
    key = (fhir_identifiers.c.resource_type == rtype, fhir_identifiers.c.resource_id == rid)
    conn.execute(delete(fhir_identifiers).where(*key))
    values: dict[str, str | None] = {}
    for ident in resource.get("identifier") or []:
        if isinstance(ident, dict) and ident.get("value"):
            values.setdefault(str(ident["value"])[:255], str(ident.get("system") or "")[:255] or None)
    for value, system in values.items():
        conn.execute(
            fhir_identifiers.insert().values(resource_type=rtype, resource_id=rid, value=value, system=system)
        )


def with_identifier(conn: Connection, rtype: str, value: str) -> list[str]:
    """Ids of ``rtype`` resources carrying identifier ``value`` (``system|value`` accepted)."""
    system, _, bare = value.rpartition("|")
    query = select(fhir_identifiers.c.resource_id).where(
        fhir_identifiers.c.resource_type == rtype, fhir_identifiers.c.value == bare
    )
    if system:
        query = query.where(fhir_identifiers.c.system == system)
    return [rid for (rid,) in conn.execute(query)]


def delete_resource(conn: Connection, rtype: str, rid: str) -> None:
    """A DELETE entry: the resource has no current version any more (its history stays)."""
    conn.execute(
        update(fhir_resources)
        .where(fhir_resources.c.resource_type == rtype, fhir_resources.c.resource_id == rid)
        .values(current=False)
    )


def _entries(bundle: Resource) -> Iterable[tuple[str, Resource | None, str | None]]:
    """(method, resource, url) per Bundle.entry; a message Bundle's entries are all upserts."""
    for entry in bundle.get("entry", []):
        request = entry.get("request") or {}
        yield str(request.get("method", "PUT")).upper(), entry.get("resource"), request.get("url")


def apply_bundle(conn: Connection, bundle: Resource, source_message_id: str | None, now: datetime) -> int:
    """Apply every entry of a transaction/batch/message Bundle; returns the number of resources written."""
    if bundle.get("resourceType") != "Bundle":
        upsert_resource(conn, bundle, source_message_id, now)
        return 1
    written = 0
    for method, resource, url in _entries(bundle):
        if method == "DELETE" and url:
            rtype, _, rid = url.partition("/")
            delete_resource(conn, rtype, rid.split("?")[0])
        elif resource and resource.get("id") and resource.get("resourceType") not in SKIPPED:
            upsert_resource(conn, resource, source_message_id, now)
            written += 1
    return written


def search(
    conn: Connection,
    rtype: str,
    patient: str | None = None,
    identifier: str | None = None,
    limit: int = 500,
) -> list[Resource]:
    """Current versions of ``rtype``: of one patient (``Patient/<id>``, ``<id>`` or the patient's
    FNR/DNR), and/or with one identifier (``value`` or ``system|value``)."""
    query = select(fhir_resources.c.body).where(
        fhir_resources.c.resource_type == rtype, fhir_resources.c.current.is_(True)
    )
    if patient:
        bare = patient.removeprefix("Patient/")
        query = query.where(fhir_resources.c.patient.in_([bare, *with_identifier(conn, "Patient", bare)]))
    if identifier:
        query = query.where(fhir_resources.c.resource_id.in_(with_identifier(conn, rtype, identifier)))
    rows = conn.execute(query.order_by(fhir_resources.c.resource_id).limit(limit))
    return [dict(body) for (body,) in rows]


def read(conn: Connection, rtype: str, rid: str) -> Resource | None:
    row = conn.execute(
        select(fhir_resources.c.body).where(
            fhir_resources.c.resource_type == rtype,
            fhir_resources.c.resource_id == rid,
            fhir_resources.c.current.is_(True),
        )
    ).first()
    return None if row is None else dict(row.body)


def searchset(resources: list[Resource], base: str = "") -> Resource:
    """A FHIR R4 searchset Bundle around ``resources``."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [
            {"fullUrl": f"{base}{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "match"}}
            for r in resources
        ],
    }


class FhirStoreTransport:
    """Transport ``fhir-store``: delivers a FHIR Bundle into this gateway's own store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def send(self, request: DeliveryRequest) -> Receipt:
        try:
            bundle = json.loads(request.payload)
        except ValueError as exc:
            raise DeliveryRefused(
                f"fhir-store takes FHIR JSON only: {exc}", code="delivery.fhir-store.not-json"
            ) from exc
        if not isinstance(bundle, dict) or "resourceType" not in bundle:
            raise DeliveryRefused("not a FHIR resource", code="delivery.fhir-store.not-fhir")
        with self.engine.begin() as conn:
            written = apply_bundle(conn, bundle, request.message_id, datetime.now(UTC))
        return Receipt(status_code=200, detail=f"{written} resources stored")
