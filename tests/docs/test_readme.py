"""The README's shell examples run as written, block by block through bash, from the repository root as
a new user would: ``.venv/bin/samband`` is the console script next to this interpreter, the store is
a fresh temporary file, and the service example gets a free port. The indented set-up commands run
too (``make check``, ``make run PORT=…`` in a copy of the repository, the schemas fetches into a data
folder of their own), except those named in ``INDENTED_SKIPPED`` with the reason."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
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


# The README's indented set-up commands (``make …`` and ``samband schemas …``): each is run by a test
# below or named here with the reason it cannot be.
INDENTED_SKIPPED = {
    "make test": "runs the whole suite, this test among it: it would run itself",
    ".venv/bin/samband schemas fetch": "downloads from where each file is published: tests never leave"
    " loopback (the same fetch from a folder and from a loopback mirror is run)",
}
INDENTED_RUN = {
    "make run",
    "make check",
    ".venv/bin/samband schemas fetch --from ../shared/reference/xsd",
    ".venv/bin/samband schemas fetch --from https://mirror.example/xsd/",
    ".venv/bin/samband schemas status",
}
FENCED = re.compile(r"```.*?```", re.S)
INDENTED = re.compile(r"(?:^|\n\n)((?: {4}.*(?:\n|$))+)")
VENV = Path(sys.executable).parent.parent
XSD = ROOT.parent / "shared" / "reference" / "xsd"


def _indented_commands() -> list[str]:
    """Each command line of the README's indented code blocks, without its comment."""
    text = FENCED.sub("", README)
    lines = [line.split("#", 1)[0].strip() for block in INDENTED.findall(text) for line in block.splitlines()]
    return [line for line in lines if line]


def test_every_indented_readme_command_is_run_or_skipped_for_a_reason() -> None:
    commands = _indented_commands()
    assert "make run" in commands and "make test" in commands
    assert set(commands) <= INDENTED_RUN | set(INDENTED_SKIPPED), "a README command no test checks"
    assert set(commands) >= INDENTED_RUN, "a checked command the README no longer shows"


def _setup_env(data_home: Path) -> dict[str, str]:
    """A user's shell with a data folder of its own and none of the gateway's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMBAND_") or k == "SAMBAND_SHARED_DIR"}
    return {**env, "XDG_DATA_HOME": str(data_home)}


def _run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = command.replace(SCRIPT, _samband())
    if script.startswith("make "):  # the installed .venv as it is: never reinstalled by the test
        script = f"make -o {VENV}/bin/samband VENV={VENV} {script[5:]}"
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def schemas_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the official XSDs, installed by the README's own fetch from a folder."""
    if not XSD.is_dir():
        pytest.skip(f"the README's schemas example uses {XSD}")
    home = tmp_path_factory.mktemp("data-home")
    done = _run(".venv/bin/samband schemas fetch --from ../shared/reference/xsd", ROOT, _setup_env(home))
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"[1-9][0-9]* installed, 0 already there, 0 refused", done.stderr), done.stderr
    return home


def test_schemas_fetch_from_a_folder_and_a_mirror_then_status(schemas_home: Path, tmp_path: Path) -> None:
    env = _setup_env(schemas_home)
    status = _run(".venv/bin/samband schemas status", ROOT, env)
    assert status.returncode == 0, status.stdout + status.stderr
    mirror_home = tmp_path / "mirror-home"
    with _mirror(XSD) as url:
        fetched = _run(
            ".venv/bin/samband schemas fetch --from https://mirror.example/xsd/".replace(
                "https://mirror.example/xsd/", url
            ),
            ROOT,
            _setup_env(mirror_home),
        )
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    assert _run(".venv/bin/samband schemas status", ROOT, _setup_env(mirror_home)).returncode == 0


def test_make_check_passes_on_a_fresh_install(schemas_home: Path, tmp_path: Path) -> None:
    done = _run("make check", _copy_of_the_repository(tmp_path), _setup_env(schemas_home))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok       schemas" in done.stdout


def test_make_run_on_another_port_answers_healthz(schemas_home: Path, tmp_path: Path) -> None:
    """``make run PORT=…`` in a copy of the repository: its own ./var/samband.db, /healthz answers."""
    copy, port = _copy_of_the_repository(tmp_path), _free_port()
    command = f"make -o {VENV}/bin/samband VENV={VENV} run PORT={port}"
    server = subprocess.Popen(
        ["bash", "-c", command],
        cwd=copy,
        env=_setup_env(schemas_home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        answer = _healthz(f"http://127.0.0.1:{port}/healthz", server)
        assert answer.status_code == 200, answer.text
        assert (copy / "var" / "samband.db").is_file(), "the store is the copy's own ./var/samband.db"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=60)[0].decode(errors="replace")
    assert f"127.0.0.1:{port}/console#key=" in output, output[-2000:]


def _healthz(url: str, server: subprocess.Popen[bytes]) -> httpx.Response:
    """Ask until the server answers (generous: a loaded machine), failing at once if it stopped."""
    for _ in range(600):
        if server.poll() is not None:
            raise AssertionError(server.communicate()[0].decode(errors="replace")[-2000:])
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def _copy_of_the_repository(tmp_path: Path) -> Path:
    """The repository's files without its virtualenv, store, caches or history."""
    skipped = shutil.ignore_patterns(".git", ".venv", "var", ".*_cache", ".hypothesis", "__pycache__")
    return Path(shutil.copytree(ROOT, tmp_path / "samband", ignore=skipped))


@contextmanager
def _mirror(folder: Path) -> Iterator[str]:
    """A loopback HTTP server laid out like the published schemas (the folder as it is)."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
