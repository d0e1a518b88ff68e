"""The examples in docs/ebxml.md run as written."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOC = ROOT / "docs" / "ebxml.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_doc_has_examples() -> None:
    assert len(_blocks()) == 3


@pytest.mark.parametrize("index", [0, 1, 2])
def test_example_runs(index: int, samples_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert os.path.isdir("../shared/reference/samples")
    exec(compile(_blocks()[index], f"docs/ebxml.md example {index + 1}", "exec"), {})
