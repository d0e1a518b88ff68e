"""FHIR R4 resources and Bundles: read JSON or XML, write JSON (fhir.resources.R4B), profile rules."""

from samband.adapters.fhir.bundle import (
    normalize,
    own_bundle,
    parse_bundle,
    parse_json,
    read_fhir,
    serialize_bundle,
    write_bundle,
)
from samband.adapters.fhir.envelope import fhir_envelope
from samband.adapters.fhir.rules import check_bundle
from samband.adapters.fhir.validate import validate_fhir

__all__ = [
    "check_bundle",
    "fhir_envelope",
    "normalize",
    "own_bundle",
    "parse_bundle",
    "parse_json",
    "read_fhir",
    "serialize_bundle",
    "write_bundle",
    "validate_fhir",
]
