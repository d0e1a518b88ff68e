"""The README's shell examples run as written, block by block through bash, from the repository root as
a new user would: ``.venv/bin/samband`` is the console script next to this interpreter, the store is
a fresh temporary file, and the service example gets a free port."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SHELL_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
SCRIPT = ".venv/bin/samband"


def _blocks() -> list[str]:
    return SHELL_BLOCK.findall(README)


def _samband() -> str:
    found = shutil.which("samband", path=str(Path(sys.executable).parent))
    assert found, "the samband console script is installed next to the interpreter"
    return found


def _json_values(text: str) -> list[dict[str, Any]]:
    """The JSON documents printed one after another (curl adds no newline)."""
    decoder, values, at = json.JSONDecoder(), [], 0
    while (at := text.find("{", at)) >= 0:
        value, at = decoder.raw_decode(text, at)
        values.append(value)
    return values


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_readme_examples_spell_out_the_command() -> None:
    """Every command line in the examples works in a new shell: no bare ``samband``."""
    lines = [line.strip() for block in _blocks() for line in block.splitlines()]
    bare = [line for line in lines if re.match(r"^(\w+=\S+ )*samband ", line)]
    assert bare == []
    assert sum(SCRIPT in line for line in lines) >= 10


@pytest.mark.parametrize("block", _blocks(), ids=lambda b: b.splitlines()[0][:60])
def test_readme_block_runs(block: str, tmp_path: Path) -> None:
    if not (ROOT.parent / "shared" / "reference").is_dir():
        pytest.skip("the README examples use ../shared/reference")
    script = block.replace(SCRIPT, _samband())
    if " serve " in script:
        script = script.replace(":8080", f":{_free_port()}").replace("--port 8080", "--port PORT")
        port = re.search(r":(\d+)/", script)
        assert port
        script = script.replace("--port PORT", f"--port {port.group(1)}")
    # a stopped example never leaves its server behind, and the first failing line fails the block
    guarded = "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n" + script
    done = subprocess.run(
        ["bash", "-c", guarded],
        cwd=ROOT,
        capture_output=True,
        timeout=300,
        env={**os.environ, "SAMBAND_DATABASE_URL": f"sqlite:///{tmp_path / 'samband.db'}"},
        check=False,
    )
    output = (done.stdout + done.stderr).decode(errors="replace")[-3000:]
    assert done.returncode == 0, output
    if " serve " in script:  # what each curl printed: the 202 body, the search page, the Bundle
        answers = _json_values(done.stdout.decode())
        posted, found, bundle = answers
        assert posted["duplicate"] is False and posted["msg_id"]
        assert [m["msg_id"] for m in found["items"]] == [posted["msg_id"]]
        assert bundle["resourceType"] == "Bundle"  # filled once the worker delivered it, a moment later
