"""Generators of the ip-export contract artefacts: the schemas in ``schemas/ip-export/`` and the docs."""
