"""The gateway's own FHIR store: the current pivot state per patient (CarePlan, CareTeam, …), versioned.

The default route delivers into it through ``FhirStoreTransport`` (transport name ``fhir-store``);
``/fhir`` serves it (``gateway/api/fhir.py``). Storing a message Bundle makes its resources server
resources: every ``urn:uuid`` reference to an entry becomes ``Type/id``, each resource gets
``meta.versionId`` and ``meta.lastUpdated``, and a new version is written only when the content changed.
Later plans supersede earlier ones (``fhir_supersede``). A Bundle is written with one statement per
kind (retire, insert versions, insert index rows), whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, bindparam, func, select, text, update

from samband.adapters.fhir.identifiers import DNR, FNR
from samband.gateway.store.fhir_index import index_rows
from samband.gateway.store.fhir_supersede import supersede
from samband.gateway.store.tables import fhir_index, fhir_resources

Resource = dict[str, Any]
Key = tuple[str, str]
SKIPPED = frozenset({"MessageHeader", "Bundle"})  # the envelope of a message Bundle is not state
CHUNK = 400


def patient_of(resource: Resource) -> str | None:
    """The patient a resource belongs to: the Patient itself, else its subject/patient/beneficiary/for."""
    if resource.get("resourceType") == "Patient":
        return str(resource.get("id")) if resource.get("id") else None
    for key in ("subject", "patient", "beneficiary", "for"):
        ref = resource.get(key)
        if isinstance(ref, dict) and isinstance(ref.get("reference"), str):
            reference = str(ref["reference"]).removeprefix("urn:uuid:")
            if "/" not in reference or reference.startswith("Patient/"):
                return reference.removeprefix("Patient/").split("/")[0]
    return None


def _comparable(resource: Resource) -> Resource:
    return {k: v for k, v in resource.items() if k != "meta"}


@dataclass(frozen=True)
class Stored:
    """What the store holds for one key: its current body and version (None, 0: none) and its last version."""

    body: Resource | None
    version: int
    last: int


def _current_by_key() -> ColumnElement[bool]:
    """``current``, as a filter of rows found by key (type, id): wrapped in a function so that no
    planner takes the (type, current) indexes for the lookup instead of the primary key (SQLite,
    without statistics, does), which would read every current row of the type."""
    return func.coalesce(fhir_resources.c.current, False).is_(True)


# built once: the batched statements only take parameters
_RETIRE = (
    update(fhir_resources)
    .where(
        fhir_resources.c.resource_type == bindparam("key_type"),
        fhir_resources.c.resource_id == bindparam("key_id"),
        _current_by_key(),  # only the current row: history is never rewritten
    )
    .values(current=False)
)


def _chunks(keys: Iterable[Key]) -> Iterable[list[Key]]:
    ordered = sorted(set(keys))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def of_keys(chunk: list[Key]) -> list[ColumnElement[bool]]:
    """Rows of the keys in ``chunk`` and perhaps a few more: ``type IN (…) AND id IN (…)``, an index
    lookup on both databases (SQLite scans the table for a row-value IN); callers keep the exact keys."""
    return [
        fhir_resources.c.resource_type.in_(sorted({rtype for rtype, _rid in chunk})),
        fhir_resources.c.resource_id.in_(sorted({rid for _rtype, rid in chunk})),
    ]


def stored(conn: Connection, keys: Iterable[Key]) -> dict[Key, Stored]:
    """Current body and highest version of every key, looked up by primary key (type, id)."""
    wanted = set(keys)
    current: dict[Key, tuple[Resource, int]] = {}
    last: dict[Key, int] = {}
    c = fhir_resources.c
    for chunk in _chunks(wanted):
        rows = conn.execute(
            select(c.resource_type, c.resource_id, func.max(c.version))
            .where(*of_keys(chunk))
            .group_by(c.resource_type, c.resource_id)
        )
        last.update(((rtype, rid), int(top or 0)) for rtype, rid, top in rows if (rtype, rid) in wanted)
        bodies = conn.execute(
            select(c.resource_type, c.resource_id, c.version, c.body).where(
                *of_keys(chunk), _current_by_key()
            )
        )
        current.update(((t, i), (dict(body), int(v))) for t, i, v, body in bodies if (t, i) in wanted)
    found: dict[Key, Stored] = {}
    for key in wanted:
        body, version = current.get(key) or (None, 0)
        found[key] = Stored(body, version, last.get(key, 0))
    return found


def write(conn: Connection, resources: list[Resource], source_message_id: str | None, now: datetime) -> int:
    """Store each resource as the new current version of its key when its content changed: one retire,
    one version insert and one index insert for all of them. Returns the number of versions written."""
    latest = {(str(r["resourceType"]), str(r["id"])): r for r in resources}  # a repeated key: the last wins
    known = stored(conn, latest)
    retire: list[dict[str, str]] = []
    versions: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for key, resource in latest.items():
        had = known[key]
        if had.body is not None and _comparable(had.body) == _comparable(resource):
            continue
        if had.body is not None:
            retire.append({"key_type": key[0], "key_id": key[1]})
        version = had.last + 1
        meta = {**resource.get("meta", {}), "versionId": str(version), "lastUpdated": now.isoformat()}
        body = {**resource, "meta": meta}
        versions.append(
            {"resource_type": key[0], "resource_id": key[1], "version": version, "patient": patient_of(body),
             "current": True, "body": body, "source_message_id": source_message_id, "updated_at": now}
        )  # fmt: skip
        rows.extend(index_rows(body, version))
    if retire:
        conn.execute(_RETIRE, retire)
    if versions:
        conn.execute(fhir_resources.insert(), versions)
    if rows:
        conn.execute(fhir_index.insert(), rows)
    return len(versions)


def upsert_resource(
    conn: Connection, resource: Resource, source_message_id: str | None, now: datetime
) -> int:
    """Store one resource (a new version when its content changed); returns its current version."""
    write(conn, [resource], source_message_id, now)
    key = (str(resource["resourceType"]), str(resource["id"]))
    return stored(conn, [key])[key].version


def delete_resources(conn: Connection, keys: Iterable[Key]) -> None:
    """DELETE entries: the resources have no current version any more (their history stays)."""
    params = [{"key_type": rtype, "key_id": rid} for rtype, rid in set(keys)]
    if params:
        conn.execute(_RETIRE, params)


def server_references(bundle: Resource) -> dict[str, str]:
    """Each entry's ``fullUrl`` (``urn:uuid:…`` or absolute) → ``Type/id`` of the resource it will be."""
    found: dict[str, str] = {}
    for entry in bundle.get("entry") or []:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and entry.get("fullUrl") and _kept(resource):
            found[str(entry["fullUrl"])] = f"{resource['resourceType']}/{resource['id']}"
    return found


def rewrite_references(node: Any, targets: dict[str, str]) -> Any:
    """A copy of ``node`` (every dict and list new) with every ``reference`` naming a Bundle entry
    rewritten to that entry's ``Type/id``."""
    if isinstance(node, list):
        return [rewrite_references(it, targets) if isinstance(it, (dict, list)) else it for it in node]
    if not isinstance(node, dict):
        return node
    out = {
        key: rewrite_references(value, targets) if isinstance(value, (dict, list)) else value
        for key, value in node.items()
    }  # scalars (most values) are kept as they are, without a call each
    ref = out.get("reference")
    if isinstance(ref, str) and ref in targets:
        out["reference"] = targets[ref]
    return out


def _kept(resource: Resource | None) -> bool:
    return bool(resource and resource.get("id") and resource.get("resourceType") not in SKIPPED)


_LOCK = text(
    "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 5471003))) "
    "FROM (SELECT unnest(CAST(:keys AS text[])) AS k ORDER BY 1) AS keys"
)


def lock(conn: Connection, keys: Iterable[Key]) -> None:
    """Serialise writers of the same resources until the transaction ends (PostgreSQL: transaction
    advisory locks, taken in key order so two writers never deadlock; SQLite's writers are serial
    already). Two workers storing the same patient's messages then never compute the same version."""
    names = sorted({f"{rtype}/{rid}" for rtype, rid in keys})
    if names and conn.dialect.name == "postgresql":
        conn.execute(_LOCK, {"keys": names})


def _entries(bundle: Resource) -> tuple[list[Key], list[Resource]]:
    """A Bundle's DELETE entries (``request.url`` ``Type/id``: the keys they retire) and the
    resources of its other entries that are kept (as they are in the Bundle)."""
    deletes: list[Key] = []
    kept: list[Resource] = []
    for entry in bundle.get("entry") or []:
        request = entry.get("request") or {}
        if str(request.get("method", "PUT")).upper() == "DELETE" and request.get("url"):
            rtype, _, rid = str(request["url"]).partition("/")
            deletes.append((rtype, rid.split("?")[0]))
        elif _kept(entry.get("resource")):
            kept.append(entry["resource"])
    return deletes, kept


def written_keys(bundle: Resource) -> list[Key]:
    """The keys ``apply_bundle`` writes or retires for ``bundle`` (what it locks)."""
    if bundle.get("resourceType") != "Bundle":
        return [(str(bundle["resourceType"]), str(bundle["id"]))] if _kept(bundle) else []
    deletes, kept = _entries(bundle)
    return [*deletes, *((str(r["resourceType"]), str(r["id"])) for r in kept)]


def apply_bundle(
    conn: Connection, bundle: Resource, source_message_id: str | None, now: datetime, *, locked: bool = False
) -> int:
    """Store a message, transaction or batch Bundle (or one resource); returns the versions written.

    DELETE entries (``request.url`` ``Type/id``) retire; every other entry is an upsert. ``locked``:
    the caller already holds ``lock`` on the Bundle's ``written_keys``."""
    if not locked:
        lock(conn, written_keys(bundle))
    if bundle.get("resourceType") != "Bundle":
        return write(conn, [bundle], source_message_id, now) if _kept(bundle) else 0
    targets = server_references(bundle)
    deletes, kept = _entries(bundle)
    upserts = [rewrite_references(resource, targets) for resource in kept]  # copies: never the caller's
    delete_resources(conn, deletes)
    ended = supersede(conn, upserts, read_many)
    return write(conn, upserts + ended, source_message_id, now)


def with_identifier(conn: Connection, rtype: str, value: str) -> list[str]:
    """Ids of current ``rtype`` resources carrying identifier ``value`` (``system|value`` accepted)."""
    system, bar, bare = value.rpartition("|")
    query = (
        select(fhir_index.c.resource_id)
        .join(fhir_resources, _same_version())
        .where(fhir_index.c.resource_type == rtype, fhir_index.c.param == "identifier")
        .where(fhir_index.c.value == bare, fhir_resources.c.current.is_(True))
    )
    if bar and system:
        query = query.where(fhir_index.c.system == system)
    return sorted({rid for (rid,) in conn.execute(query)})


def _same_version() -> Any:
    return and_(
        fhir_index.c.resource_type == fhir_resources.c.resource_type,
        fhir_index.c.resource_id == fhir_resources.c.resource_id,
        fhir_index.c.version == fhir_resources.c.version,
    )


def national_ids(conn: Connection, patient_ids: Iterable[str]) -> dict[str, str]:
    """The FNR (else D-number) of each stored Patient among ``patient_ids`` that has one."""
    ids = sorted(set(patient_ids))
    found: dict[str, str] = {}
    for start in range(0, len(ids), CHUNK):
        query = (
            select(fhir_index.c.resource_id, fhir_index.c.value)
            .join(fhir_resources, _same_version())
            .where(fhir_index.c.resource_type == "Patient", fhir_index.c.param == "identifier")
            .where(
                fhir_index.c.resource_id.in_(ids[start : start + CHUNK]), fhir_resources.c.current.is_(True)
            )
            .where(fhir_index.c.system.in_((FNR, DNR)))
        )
        for rid, value in conn.execute(query.order_by(fhir_index.c.system.desc())):
            found[rid] = value  # FNR (…4.1) sorts last, so it wins over a D-number (…4.2)
    return found


def read(conn: Connection, rtype: str, rid: str) -> Resource | None:
    """The current version of ``rtype/rid``, or None (never stored, or deleted)."""
    row = conn.execute(
        select(fhir_resources.c.body).where(
            fhir_resources.c.resource_type == rtype,
            fhir_resources.c.resource_id == rid,
            _current_by_key(),
        )
    ).first()
    return None if row is None else dict(row.body)


def read_many(conn: Connection, keys: Iterable[Key]) -> list[Resource]:
    """The current versions of ``keys`` that have one, in key order."""
    return [s.body for _key, s in sorted(stored(conn, keys).items()) if s.body is not None]


def versions(conn: Connection, rtype: str, rid: str) -> list[tuple[int, bool, Resource]]:
    """Every version of ``rtype/rid``, newest first: (version, current, body)."""
    rows = conn.execute(
        select(fhir_resources.c.version, fhir_resources.c.current, fhir_resources.c.body)
        .where(fhir_resources.c.resource_type == rtype, fhir_resources.c.resource_id == rid)
        .order_by(fhir_resources.c.version.desc())
    )
    return [(int(v), bool(c), dict(body)) for v, c, body in rows]
