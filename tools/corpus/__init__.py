"""The scenario corpus that ``samband corpus --out DIR`` writes from a source checkout."""
