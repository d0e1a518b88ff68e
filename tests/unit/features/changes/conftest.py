"""The ip-export scenario plans (synthetic persons) the change-detection tests compare."""

from tests.unit.adapters.iplan.conftest import emma_plan, kari_active, kari_closed, kari_held

__all__ = ["emma_plan", "kari_active", "kari_closed", "kari_held"]
