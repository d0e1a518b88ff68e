"""The gateway's own FHIR store: the current pivot state per patient (CarePlan, CareTeam, …), versioned.

The default route delivers into it through ``FhirStoreTransport`` (transport name ``fhir-store``);
the FHIR read endpoints serve it as searchset Bundles. A bundle entry replaces the resource's
current version only when its content changed (FHIR ``meta.versionId`` counts the changes).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, func, select, update

from samband.adapters.fhir.identifiers import DNR, FNR
from samband.gateway.store.tables import fhir_identifiers, fhir_resources

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


# built once: the per-resource statements only take parameters
_RETIRE = (
    update(fhir_resources)
    .where(
        fhir_resources.c.resource_type == bindparam("key_type"),
        fhir_resources.c.resource_id == bindparam("key_id"),
    )
    .values(current=False)
)
_UNINDEX = delete(fhir_identifiers).where(
    fhir_identifiers.c.resource_type == bindparam("key_type"),
    fhir_identifiers.c.resource_id == bindparam("key_id"),
)
Key = tuple[str, str]
Known = tuple[Row[Any] | None, int]
"""What is stored for one key: its current row (or None) and its highest version (0: none)."""


def _known(conn: Connection, keys: set[Key]) -> dict[Key, Known]:
    """Current row and highest version of every key, in two queries for the whole set."""
    ids = sorted({rid for _rtype, rid in keys})
    current: dict[Key, Row[Any]] = {}
    for start in range(0, len(ids), 500):
        rows = conn.execute(
            select(fhir_resources).where(
                fhir_resources.c.resource_id.in_(ids[start : start + 500]), fhir_resources.c.current.is_(True)
            )
        )
        current.update(((row.resource_type, row.resource_id), row) for row in rows)
    missing = sorted({rid for rtype, rid in keys if (rtype, rid) not in current})
    last: dict[Key, int] = {}
    for start in range(0, len(missing), 500):
        rows = conn.execute(
            select(
                fhir_resources.c.resource_type,
                fhir_resources.c.resource_id,
                func.max(fhir_resources.c.version),
            )
            .where(fhir_resources.c.resource_id.in_(missing[start : start + 500]))
            .group_by(fhir_resources.c.resource_type, fhir_resources.c.resource_id)
        )
        last.update(((rtype, rid), int(top or 0)) for rtype, rid, top in rows)
    return {key: (current.get(key), last.get(key, 0)) for key in keys}


def upsert_resource(
    conn: Connection,
    resource: Resource,
    source_message_id: str | None,
    now: datetime,
    known: Known | None = None,
) -> int:
    """Store ``resource`` as the new current version when it differs; return the current version.

    ``known`` is what ``_known`` read for its key in this transaction (read here when absent).
    """
    rtype, rid = str(resource["resourceType"]), str(resource["id"])
    current, last = known if known is not None else _known(conn, {(rtype, rid)})[(rtype, rid)]
    if current is not None and _comparable(current.body) == _comparable(resource):
        return int(current.version)
    if current is None:
        version = last + 1
    else:
        version = int(current.version) + 1
        conn.execute(_RETIRE, {"key_type": rtype, "key_id": rid})
    index_identifiers(conn, rtype, rid, resource)
    meta = {**resource.get("meta", {}), "versionId": str(version), "lastUpdated": now.isoformat()}
    row = {
        "resource_type": rtype,
        "resource_id": rid,
        "version": version,
        "patient": patient_of(resource),
        "current": True,
        "body": {**resource, "meta": meta},
        "source_message_id": source_message_id,
        "updated_at": now,
    }
    conn.execute(fhir_resources.insert(), row)
    return version


def index_identifiers(conn: Connection, rtype: str, rid: str, resource: Resource) -> None:
    """Keep the identifier index of the current version (Patient FNR/DNR, Organization HER-id, …)."""
    conn.execute(_UNINDEX, {"key_type": rtype, "key_id": rid})
    values: dict[str, str | None] = {}
    for ident in resource.get("identifier") or []:
        if isinstance(ident, dict) and ident.get("value"):
            values.setdefault(str(ident["value"])[:255], str(ident.get("system") or "")[:255] or None)
    if values:  # one executemany for all of them
        conn.execute(
            fhir_identifiers.insert(),
            [
                {"resource_type": rtype, "resource_id": rid, "value": value, "system": system}
                for value, system in values.items()
            ],
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


def national_ids(conn: Connection, patient_ids: Iterable[str]) -> dict[str, str]:
    """The FNR (else D-number) of each stored Patient among ``patient_ids`` that has one."""
    ids = sorted(set(patient_ids))
    if not ids:
        return {}
    query = select(fhir_identifiers.c.resource_id, fhir_identifiers.c.value).where(
        fhir_identifiers.c.resource_type == "Patient",
        fhir_identifiers.c.resource_id.in_(ids),
        fhir_identifiers.c.system.in_((FNR, DNR)),
    )
    found: dict[str, str] = {}
    for rid, value in conn.execute(query.order_by(fhir_identifiers.c.system.desc())):
        found[rid] = value  # FNR (…4.1) sorts last, so it wins over a D-number (…4.2)
    return found


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
    entries = list(_entries(bundle))
    upserts = [r for method, r, url in entries if not (method == "DELETE" and url) and _stored(r)]
    known = _known(conn, {(str(r["resourceType"]), str(r["id"])) for r in upserts if r is not None})
    written = 0
    for method, resource, url in entries:
        if method == "DELETE" and url:
            rtype, _, rid = url.partition("/")
            delete_resource(conn, rtype, rid.split("?")[0])
            known.pop((rtype, rid.split("?")[0]), None)
        elif resource is not None and _stored(resource):
            key = (str(resource["resourceType"]), str(resource["id"]))
            upsert_resource(conn, resource, source_message_id, now, known.pop(key, None))
            written += 1  # a key written once more in this Bundle is read again (known popped)
    return written


def _stored(resource: Resource | None) -> bool:
    return bool(resource and resource.get("id") and resource.get("resourceType") not in SKIPPED)


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
