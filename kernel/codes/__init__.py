"""Code tables (Volven/KITH kodeverk) as data, each file with its source, version and completeness."""
