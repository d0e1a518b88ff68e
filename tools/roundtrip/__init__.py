"""Round-trip fidelity: a native message → FHIR → the same native format, compared element by element.

``compare`` lists every difference between the original Hodemelding and its round trip by XPath
(text and attributes); ``mappings/roundtrip.yaml`` says which differences are documented
normalisations and which are known, open losses. The test ``tests/unit/mappings/test_roundtrip_fidelity.py``
and the table in ``mappings/README.md`` (``python -m tools.roundtrip --readme``) read the same data.
"""
