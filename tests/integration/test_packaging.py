"""The wheel holds ``samband`` and its dist-info and nothing else: every file of the folders linked into
``samband/`` (code, YAML code tables, JSON schemas, WSDL, console files, alembic.ini, migrations), no
test or tools code. Built from a copy of the checkout, without build isolation (no network)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT

SKIP = shutil.ignore_patterns(
    ".git", ".venv", "var", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "*.pyc"
)
DATA = {
    "Volven/KITH code tables": r"samband/.+/\d{4}-[\w-]+\.yaml",
    "JSON schemas": r"samband/schemas/.+\.schema\.json",
    "the official XSD manifest": r"samband/schemas/official/xsd-manifest\.json",
    "WSDL": r"samband/schemas/.+\.wsdl",
    "console static files": r"samband/.+/console/static/console\.(html|css|js)",
    "alembic.ini": r"samband/.+/alembic\.ini",
    "migrations": r"samband/.+/migrations/versions/0001_\w+\.py",
}


def _package_files() -> set[str]:
    """Every file the wheel must hold: the folders linked into samband/ and samband/ itself."""
    expected = set()
    for entry in (ROOT / "samband").iterdir():
        if entry.name == "__pycache__":
            continue
        if not entry.is_dir():
            expected.add(f"samband/{entry.name}")
            continue
        for path in entry.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                expected.add(f"samband/{entry.name}/{path.relative_to(entry).as_posix()}")
    return expected


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(ROOT, source, symlinks=True, ignore=SKIP)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    done = subprocess.run(
        [*command, "-w", str(work / "dist"), str(source)], capture_output=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    [built] = (work / "dist").glob("samband-*.whl")
    with zipfile.ZipFile(built) as archive:
        return archive.namelist()


@pytest.mark.slow
def test_the_wheel_holds_only_samband_and_its_dist_info(wheel: list[str]) -> None:
    top = {name.split("/")[0] for name in wheel}
    assert len(top) == 2 and "samband" in top, top
    assert all(t == "samband" or re.fullmatch(r"samband-[\w.]+\.dist-info", t) for t in top), top


@pytest.mark.slow
def test_the_wheel_holds_no_test_or_tools_code(wheel: list[str]) -> None:
    for name in wheel:
        parts = name.split("/")
        assert not {"tests", "tools", "bench"} & set(parts), name
        assert not re.fullmatch(r"(test_.*|conftest)\.py", parts[-1]), name


@pytest.mark.slow
def test_the_wheel_holds_every_package_file_and_the_package_data(wheel: list[str]) -> None:
    missing = sorted(_package_files() - set(wheel))
    assert not missing, missing[:20]
    for kind, pattern in DATA.items():
        assert any(re.fullmatch(pattern, name) for name in wheel), f"no {kind} in the wheel"
