"""Mappings: pure translations native ↔ FHIR R4 pivot, reached through ``MAPPINGS``."""
