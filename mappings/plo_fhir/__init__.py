"""PLO 1.5/1.6 (HIS 80704) ↔ FHIR R4 message Bundles."""
