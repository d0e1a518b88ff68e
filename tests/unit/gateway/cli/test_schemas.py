"""``samband schemas fetch|status`` against a loopback mirror and a folder, and the commands that
refuse to start without the official XSDs. The per-user data folder is a temporary one (XDG)."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from samband.adapters.xml.official import manifest, user_xsd_dir
from samband.gateway.cli.main import app
from tests.conftest import XSD_DIR

ALTERED = "plo/v1.6/kith.xsd"
runner = CliRunner()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh per-user data folder, read by the gateway since SAMBAND_XSD_DIR is not set."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("SAMBAND_XSD_DIR", raising=False)
    monkeypatch.delenv("SAMBAND_SCHEMAS_FROM", raising=False)
    assert user_xsd_dir() == tmp_path / "data" / "samband" / "xsd"
    return user_xsd_dir()


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the reference XSD folder (as a mirror or a --from folder would hold it)."""
    if not XSD_DIR.is_dir():
        pytest.skip(f"reference XSDs not found at {XSD_DIR}")
    target = tmp_path / "mirror"
    shutil.copytree(XSD_DIR, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


@pytest.fixture
def mirror(copy: Path) -> Iterator[str]:
    """``copy`` served over HTTP on a free loopback port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(copy)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


def test_fetch_from_a_mirror_refuses_the_file_whose_hash_differs(
    data_home: Path, copy: Path, mirror: str
) -> None:
    before = _invoke("schemas", "status")
    assert before.exit_code == 1
    assert f"0 installed, {len(manifest())} missing, 0 changed" in before.stdout
    (copy / ALTERED).write_bytes((copy / ALTERED).read_bytes() + b"<!-- altered -->\n")

    fetched = _invoke("schemas", "fetch", "--from", mirror)
    assert fetched.exit_code == 1
    assert f"refused {ALTERED}: [schemas.hash-mismatch]" in fetched.output
    assert not (data_home / ALTERED).exists(), "a refused file is never installed"
    assert (data_home / "msghead" / "MsgHead-v1_2.xsd").is_file()
    assert [p.name for p in data_home.parent.iterdir()] == ["xsd"], "no staging folder is left behind"

    after = _invoke("schemas", "status")
    assert after.exit_code == 1
    assert f"missing   {ALTERED}" in after.stdout

    shutil.copy(XSD_DIR / ALTERED, copy / ALTERED)
    again = _invoke("schemas", "fetch", "--from", mirror)
    assert again.exit_code == 0, again.output
    assert f"1 installed, {len(manifest()) - 1} already there, 0 refused" in again.output
    assert _invoke("schemas", "status").exit_code == 0


def test_fetch_from_a_folder_and_status_sees_a_changed_file(data_home: Path, copy: Path) -> None:
    fetched = _invoke("schemas", "fetch", "--from", str(copy))
    assert fetched.exit_code == 0, fetched.output
    assert _invoke("schemas", "status").exit_code == 0

    (data_home / ALTERED).write_bytes(b"<schema/>")
    status = _invoke("schemas", "status")
    assert status.exit_code == 1
    assert f"changed   {ALTERED}" in status.stdout
    assert _invoke("schemas", "fetch", "--from", str(copy)).exit_code == 0
    assert (data_home / ALTERED).read_bytes() == (XSD_DIR / ALTERED).read_bytes()


def test_fetch_from_a_folder_that_is_not_there_is_a_usage_error(data_home: Path, tmp_path: Path) -> None:
    result = _invoke("schemas", "fetch", "--from", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert "neither a folder nor an http(s) URL" in line
    assert not data_home.exists()


def test_a_published_file_gets_its_documented_rewrite_before_the_hash_check(copy: Path) -> None:
    """MsgHead as published imports xmldsig from the W3C; installed, it imports the file beside it."""
    [entry] = [e for e in manifest() if e.path == "msghead/MsgHead-v1_2.xsd"]
    [rewrite] = entry.localise
    installed = (copy / entry.path).read_bytes()
    published = installed.replace(
        f'schemaLocation="{rewrite.to}"'.encode(), f'schemaLocation="{rewrite.location}"'.encode()
    )
    assert published != installed
    assert entry.localised(published) == installed


STARTS = [
    ["serve"],
    ["worker"],
    ["validate", "."],
    ["translate", "x.xml", "--to", "fhir"],
    ["corpus", "--out", "x"],
]


@pytest.mark.parametrize("command", STARTS)
def test_commands_refuse_to_start_without_the_schemas(data_home: Path, command: list[str]) -> None:
    result = _invoke(*command)
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"samband {command[0]}: [config.xsd-dir] ") and "samband schemas fetch" in line


def test_samband_serve_as_a_process_exits_2_with_one_line(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(Path(__file__).resolve().parents[4]),
        "XDG_DATA_HOME": str(tmp_path),
        "HOME": str(tmp_path),
    }
    command = [sys.executable, "-c", "from samband.gateway.cli.main import main; main()", "serve"]
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, timeout=60, check=False)
    assert done.returncode == 2
    [line] = done.stderr.decode().strip().splitlines()
    assert "samband schemas fetch" in line
    assert not (tmp_path / "var").exists()
