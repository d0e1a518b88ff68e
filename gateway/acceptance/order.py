"""The order a folder of acceptance test messages is received in, derived from each file's case.

Base messages come first, then the independent cases, changes, cancellations, repeats (duplicate,
resend) after their original, and the reversed-order cases last, where the message that refers to
another arrives before it. Within a step a message comes after the one it refers to (RefToParent),
then by the time it was written (GenDate) and its name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from samband.adapters.formats import read_envelope
from samband.gateway.acceptance.cases import Expectation
from samband.kernel.envelope import Envelope
from samband.kernel.errors import GatewayError

BASE, INDEPENDENT, CHANGE, CANCELLATION, REPEAT, REVERSED = range(6)
STEPS: dict[str, int] = {
    "base": BASE,
    "change": CHANGE,
    "cancellation": CANCELLATION,
    "duplicate": REPEAT,
    "resend": REPEAT,
    "wrong-order": REVERSED,
}
"""Case → the step it is received in; a case not named here is independent of the others."""

EPOCH = datetime.min


@dataclass(frozen=True)
class Planned:
    """One file of the folder: where it goes in the order and whether it builds on the others."""

    path: Path
    expectation: Expectation | None
    step: int
    depth: int
    written: datetime
    receiver: str | None = None

    @property
    def shared(self) -> bool:
        """Received by the folder's own gateway (it builds on, or is built on by, other messages)."""
        return self.step == BASE or bool(self.expectation and self.expectation.stateful)

    def key(self) -> tuple[int, int, datetime, str]:
        depth = -self.depth if self.step == REVERSED else self.depth
        return (self.step, depth, self.written, self.path.name)


def step_of(expectation: Expectation | None) -> int:
    return INDEPENDENT if expectation is None else STEPS.get(expectation.case, INDEPENDENT)


def envelope_of(path: Path) -> Envelope | None:
    """The file's envelope, or None when it cannot be read (a syntax-error case, say)."""
    try:
        return read_envelope(path.read_bytes())[1]
    except (GatewayError, ValueError):
        return None


def depths(envelopes: Mapping[Path, Envelope | None]) -> dict[Path, int]:
    """How many messages of the folder stand before each one in its RefToParent chain."""
    by_msg_id: dict[str, list[Path]] = {}
    for path, env in envelopes.items():
        if env is not None and env.msg_id:
            by_msg_id.setdefault(env.msg_id, []).append(path)

    def depth(path: Path, seen: frozenset[Path]) -> int:
        env = envelopes[path]
        parents = [p for p in by_msg_id.get((env and env.parent_ref) or "", []) if p not in seen | {path}]
        return 1 + min(depth(p, seen | {path}) for p in parents) if parents else 0

    return {path: depth(path, frozenset()) for path in envelopes}


def plan(files: list[Path], expectation_for: Mapping[Path, Expectation | None]) -> list[Planned]:
    """The files of one folder in the order they are received."""
    envelopes = {path: envelope_of(path) for path in files}
    chain = depths(envelopes)
    planned = [
        Planned(
            path,
            expectation_for[path],
            step_of(expectation_for[path]),
            chain[path],
            _written(envelopes[path]),
            _receiver(envelopes[path]),
        )
        for path in files
    ]
    return sorted(planned, key=Planned.key)


def _receiver(env: Envelope | None) -> str | None:
    return env.receiver_her if env is not None else None


def _written(env: Envelope | None) -> datetime:
    written = env.generated_at if env is not None else None
    return written.replace(tzinfo=None) if written is not None else EPOCH
