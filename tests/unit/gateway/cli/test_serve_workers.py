"""``serve --workers N``: the API answers a post once stored and checked unless the environment says
otherwise; plain ``serve`` runs the whole spine in the request."""

from __future__ import annotations

import pytest

from samband.gateway.cli.serve import in_workers_by_default
from samband.gateway.settings import Settings


def test_with_worker_processes_a_post_is_processed_in_them_unless_the_environment_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SAMBAND_PROCESS_IN_WORKERS", raising=False)
    assert in_workers_by_default(Settings(), workers=2).process_in_workers is True
    assert in_workers_by_default(Settings(), workers=0).process_in_workers is False
    assert in_workers_by_default(Settings(worker_enabled=False), workers=2).process_in_workers is False
    monkeypatch.setenv("SAMBAND_PROCESS_IN_WORKERS", "false")
    assert in_workers_by_default(Settings(), workers=2).process_in_workers is False
