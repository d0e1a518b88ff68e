"""ip-export v1: the contract IP tools (SamPro, Samspill, …) export individual plans to.

Typed model, JSON and XML parse/serialize with schema and invariant checks. Change detection between
revisions lives in ``samband.features.changes``. The contract reference is docs/ip-export.md.
"""

from __future__ import annotations

from samband.adapters.iplan.adapter import IpExportAdapter, envelope
from samband.adapters.iplan.io import (
    check_json,
    check_xml,
    looks_like_ip_export,
    parse,
    parse_json,
    parse_xml,
    serialize_json,
    serialize_xml,
    validate_iplan,
)
from samband.adapters.iplan.model import SCHEMA_VERSION, XML_NAMESPACE, IndividualPlan, IpExport

__all__ = [
    "IpExportAdapter",
    "envelope",
    "SCHEMA_VERSION",
    "XML_NAMESPACE",
    "IndividualPlan",
    "IpExport",
    "check_json",
    "check_xml",
    "looks_like_ip_export",
    "parse",
    "parse_json",
    "parse_xml",
    "serialize_json",
    "serialize_xml",
    "validate_iplan",
]
