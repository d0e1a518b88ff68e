"""What the sender is told when the spine is done with a message (every stage that ends it says so)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Outcome:
    """The message id, its status, and whether it was seen before."""

    id: str
    status: str
    msg_id: str | None
    duplicate: bool = False
    received_id: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    apprec_id: str | None = None
    released: tuple[str, ...] | None = field(default=None, compare=False, repr=False)
    """The changes held for this message that settling it released, for the caller to process next
    (None: not looked for; ``lineage.release_waiting`` looks)."""
