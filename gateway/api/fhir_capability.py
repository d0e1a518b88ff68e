"""``GET /fhir/metadata``: the CapabilityStatement (FHIR R4 capabilitystatement.html), generated from the
registry the store indexes and searches with (``fhir_params``), so it lists exactly what is served."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from samband import __version__
from samband.gateway.api.fhir_wire import FHIR_JSON, FHIR_XML, MEDIA
from samband.gateway.store.fhir_params import COMMON_PARAMS, SEARCH_PARAMS, Kind, sortable

SPEC = "http://hl7.org/fhir/SearchParameter"
MESSAGE_MEDIA = (FHIR_JSON, FHIR_XML)
"""What ``POST /fhir`` takes as a message Bundle (FHIR XML is read by ``adapters/fhir/from_xml.py``)."""
TRANSPORT = "http://terminology.hl7.org/CodeSystem/message-transport"
COMMON_DOCS = {
    "_id": "the resource id",
    "_lastUpdated": "when the current version was stored (meta.lastUpdated)",
}


def _param(rtype: str, name: str, kind: Kind) -> dict[str, Any]:
    base = "Resource" if name in COMMON_PARAMS else rtype
    return {"name": name, "definition": f"{SPEC}/{base}-{name.lstrip('_')}", "type": str(kind)}


def _includes(rtype: str) -> tuple[list[str], list[str]]:
    include = [
        f"{rtype}:{name}" for name, p in SEARCH_PARAMS[rtype].items() if p.kind is Kind.REFERENCE and p.paths
    ]
    revinclude = [
        f"{source}:{name}"
        for source, params in SEARCH_PARAMS.items()
        for name, p in params.items()
        if p.kind is Kind.REFERENCE and p.paths and rtype in p.targets
    ]
    return include, revinclude


def _resource(rtype: str) -> dict[str, Any]:
    include, revinclude = _includes(rtype)
    params = [_param(rtype, name, kind) for name, kind in COMMON_PARAMS.items()]
    params += [_param(rtype, name, p.kind) for name, p in SEARCH_PARAMS[rtype].items()]
    return {
        "type": rtype,
        "interaction": [{"code": code} for code in ("read", "vread", "history-instance", "search-type")],
        "versioning": "versioned",
        "readHistory": True,
        "updateCreate": False,
        "conditionalRead": "not-match",
        "searchInclude": include,
        "searchRevInclude": revinclude,
        "searchParam": params,
        "documentation": f"_sort on {', '.join(sortable(rtype))}",
    }


def capability_statement(base: str, now: datetime) -> dict[str, Any]:
    """What this server supports: every served type with its interactions and search parameters,
    ``$validate``, JSON and XML; ``POST /fhir`` takes message Bundles (``messaging``)."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": now.date().isoformat(),
        "publisher": "Samband",
        "kind": "instance",
        "software": {"name": "Samband", "version": __version__},
        "implementation": {"description": "Samband FHIR store (current pivot state)", "url": base},
        "fhirVersion": "4.0.1",
        "format": list(MEDIA),  # every _format and Accept value answered (fhir_wire.MEDIA)
        "rest": [
            {
                "mode": "server",
                "documentation": "Read-only for clients; message Bundles are received by POST to the base.",
                "security": {"description": "Bearer token (HelseID) or the development key; role read."},
                "resource": [_resource(rtype) for rtype in sorted(SEARCH_PARAMS)],
                "operation": [
                    {
                        "name": "validate",
                        "definition": "http://hl7.org/fhir/OperationDefinition/Resource-validate",
                    }
                ],
            }
        ],
        "messaging": [
            {
                "endpoint": [
                    {"protocol": {"system": TRANSPORT, "code": "http"}, "address": base.rstrip("/")}
                ],
                "documentation": "POST a FHIR message Bundle to the base, as "
                + " or ".join(MESSAGE_MEDIA)
                + "; $validate takes a resource or Bundle the same ways.",
            }
        ],
    }
