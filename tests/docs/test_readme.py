"""The README's command examples run as written (from the repository root, as a new user would)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SHELL_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)


def _commands() -> list[str]:
    lines = [line.strip() for block in SHELL_BLOCK.findall(README) for line in block.splitlines()]
    return [line for line in lines if line.startswith("samband ") and " serve" not in line]


def _samband() -> str:
    found = shutil.which("samband", path=str(Path(sys.executable).parent))
    assert found, "the samband console script is installed next to the interpreter"
    return found


def test_readme_has_examples() -> None:
    assert len(_commands()) >= 5


@pytest.mark.parametrize("command", _commands())
def test_readme_example_runs(command: str) -> None:
    if not (ROOT.parent / "shared" / "reference").is_dir():
        pytest.skip("the README examples use ../shared/reference")
    args = shlex.split(command)
    done = subprocess.run(
        [_samband(), *args[1:]],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        env={**os.environ, "SAMBAND_DATABASE_URL": "sqlite:///:memory:"},
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
