"""Dialogmelding 1.0/1.1 (HIS 80603) ↔ FHIR R4 message Bundles."""
