"""The sample documents in tests/messages/ip-export: valid ones pass, each invalid one gives its code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from samband.adapters.formats import detect
from samband.adapters.iplan import parse, validate_iplan
from samband.kernel.errors import GatewayError
from samband.kernel.formats import Format

MESSAGES = Path(__file__).resolve().parents[3] / "messages" / "ip-export"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(
    (MESSAGES / "invalid" / "expected.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("path", sorted((MESSAGES / "valid").iterdir()), ids=lambda p: p.name)
def test_valid_sample(path: Path) -> None:
    raw = path.read_bytes()
    assert detect(raw) is Format.IP_EXPORT
    assert validate_iplan(raw) == []
    assert parse(raw).plan.id.startswith("sampro-ip-")


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=str)
def test_invalid_sample(name: str) -> None:
    raw = (MESSAGES / "invalid" / name).read_bytes()
    expected = EXPECTED[name]
    first = validate_iplan(raw)[0]
    assert (first.code, first.path, first.line) == (expected["code"], expected["where"], expected["line"])
    with pytest.raises(GatewayError) as caught:
        parse(raw)
    assert (caught.value.code, caught.value.where) == (expected["code"], expected["where"])


def test_every_invalid_sample_is_listed() -> None:
    files = {p.name for p in (MESSAGES / "invalid").iterdir() if p.suffix in (".json", ".xml")}
    assert files == set(EXPECTED)
