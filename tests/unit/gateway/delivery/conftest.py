"""Delivery tests run against real loopback receivers and real temp folders."""

from __future__ import annotations

from tests.support.receivers import receiver

__all__ = ["receiver"]
