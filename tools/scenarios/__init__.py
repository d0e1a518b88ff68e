"""The ten scenario chains of domain.md §5 as ip-exports, with synthetic persons.

``all_steps()`` is the corpus `samband corpus` writes and the golden chain tests replay:
each step names the step whose state it follows, and the error code when it must be refused.
"""

from __future__ import annotations

from tools.scenarios import emma, kari, kari_closure
from tools.scenarios.build import Step


def all_steps() -> list[Step]:
    """Every step of every scenario, in scenario order (s01 … s10)."""
    steps = kari.steps() + kari_closure.steps() + emma.steps()
    return sorted(steps, key=lambda s: s.scenario)


__all__ = ["Step", "all_steps"]
