"""Hypothesis profiles for the fuzz tests: ``ci`` (the default: few examples, derandomized, so the
suite stays fast and repeatable) and ``fuzz`` (``make fuzz``: many examples, new ones each run, with
an example database in ``.hypothesis/`` so what failed is tried first next time;
``SAMBAND_FUZZ_EXAMPLES`` changes how many)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]

settings.register_profile(
    "ci", max_examples=12, deadline=None, derandomize=True, database=None, suppress_health_check=SLOW_IS_FINE
)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("SAMBAND_FUZZ_EXAMPLES", "1500")),
    deadline=None,
    suppress_health_check=SLOW_IS_FINE,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
