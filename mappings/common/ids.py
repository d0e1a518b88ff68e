"""Deterministic resource ids: derived from identifiers, so the same message gives the same Bundle."""

from __future__ import annotations

from samband.kernel.ids import stable_id


def resource_id(resource_type: str, *key: str) -> str:
    """A UUIDv5 id for ``resource_type`` from its identifying ``key`` parts."""
    return stable_id(resource_type, *key)


def urn(resource_id_: str) -> str:
    """The ``fullUrl``/reference form of an id inside a message Bundle."""
    return f"urn:uuid:{resource_id_}"


def ref(resource_id_: str, display: str | None = None) -> dict[str, object]:
    """A FHIR Reference to a Bundle entry."""
    out: dict[str, object] = {"reference": urn(resource_id_)}
    if display:
        out["display"] = display
    return out
