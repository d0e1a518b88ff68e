"""Run the round trip over a corpus: each PLO or Dialogmelding message → FHIR → the same format."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from samband.adapters.formats import source_format
from samband.adapters.msghead.parse import parse_msghead
from samband.kernel.errors import GatewayError
from samband.kernel.formats import Format
from samband.mappings.base import fixed_context
from samband.mappings.registry import from_fhir, to_fhir
from tools.roundtrip.compare import Difference, Rules, compare, load_rules

NATIVE = (Format.PLO, Format.DIALOGMELDING)
ROOT = Path(__file__).resolve().parents[2]


def default_corpus() -> list[Path]:
    """The reference samples and official test messages (``SAMBAND_SHARED_DIR``) and ``tests/messages``."""
    shared = Path(os.environ.get("SAMBAND_SHARED_DIR", ROOT.parent / "shared")) / "reference"
    found = [shared / "samples", shared / "acceptance" / "cases", ROOT / "tests" / "messages"]
    return [path for path in found if path.is_dir()]


@dataclass(frozen=True)
class Outcome:
    """One file's round trip: the type before and after, a coded refusal, the differences."""

    path: Path
    format: Format
    msg_type: str
    written_type: str | None = None
    refused: str | None = None
    refused_text: str | None = None
    differences: tuple[Difference, ...] = ()

    @property
    def undocumented(self) -> list[Difference]:
        return [d for d in self.differences if d.rule is None]


def native_files(paths: Iterable[Path]) -> Iterator[tuple[Path, Format]]:
    """The PLO and Dialogmelding Hodemeldinger among ``paths`` (files or folders), sorted."""
    for path in paths:
        files = sorted(path.rglob("*.xml")) if path.is_dir() else [path]
        for file in files:
            try:
                fmt = source_format(file.read_bytes())
            except GatewayError:
                continue
            if fmt in NATIVE:
                yield file, fmt


def round_trip(path: Path, fmt: Format, rules: Rules | None = None) -> Outcome:
    raw = path.read_bytes()
    ctx = fixed_context()
    try:
        msg_type = parse_msghead(raw).msg_info.type.v or "?"
    except GatewayError as exc:
        return Outcome(path, fmt, "?", refused=exc.code, refused_text=str(exc))
    try:
        pivot = to_fhir(raw, ctx).result
        out = from_fhir(pivot, fmt, ctx).result
    except GatewayError as exc:
        return Outcome(path, fmt, msg_type, refused=exc.code, refused_text=str(exc))
    written = parse_msghead(out).msg_info.type.v
    diffs = compare(raw, out, msg_type, rules or load_rules())
    return Outcome(path, fmt, msg_type, written_type=written, differences=tuple(diffs))
