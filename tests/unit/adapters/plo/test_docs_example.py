"""The runnable example in docs/plo.md runs as written."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[4] / "docs" / "plo.md"


def test_docs_example_runs() -> None:
    block = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block is not None, "docs/plo.md has no python example"
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(block.group(1), str(DOC), "exec"), {})
    assert "OrienteringOmTjenestetilbud" in output.getvalue()
    assert output.getvalue().rstrip().endswith("[]")
