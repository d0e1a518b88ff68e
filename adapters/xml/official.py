"""The official XSDs as pinned in ``schemas/official/xsd-manifest.json``: where they are installed,
and which of them are installed, missing or changed (their SHA-256 differs from the pinned one).

The folder read is ``SAMBAND_XSD_DIR`` when set, else the per-user data folder
(``platformdirs.user_data_dir("samband")/xsd``), where ``samband schemas fetch`` installs them.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import platformdirs

from samband.kernel.errors import SchemasMissing

MANIFEST = Path(__file__).resolve().parents[2] / "schemas" / "official" / "xsd-manifest.json"
FETCH = "samband schemas fetch"


@dataclass(frozen=True)
class Rewrite:
    """A documented local change: one ``xs:import/@schemaLocation`` pointed at a file beside it."""

    location: str
    to: str


@dataclass(frozen=True)
class OfficialFile:
    """One file as installed (``path`` in the folder), where it is published, and its pinned hash."""

    path: str
    url: str
    sha256: str
    localise: tuple[Rewrite, ...] = ()

    def localised(self, data: bytes) -> bytes:
        """``data`` with the documented rewrites applied (already localised bytes stay as they are)."""
        for rewrite in self.localise:
            published = f'schemaLocation="{rewrite.location}"'.encode()
            data = data.replace(published, f'schemaLocation="{rewrite.to}"'.encode())
        return data


class State(StrEnum):
    INSTALLED = "installed"
    MISSING = "missing"
    CHANGED = "changed"


@dataclass(frozen=True)
class Check:
    """The state of every pinned file in ``folder``."""

    folder: Path
    states: dict[str, State] = field(default_factory=dict)

    def having(self, state: State) -> list[str]:
        return [path for path, found in self.states.items() if found is state]

    @property
    def ok(self) -> bool:
        return all(state is State.INSTALLED for state in self.states.values())

    def problem(self) -> SchemasMissing | None:
        """The one-line coded problem when anything is missing or changed, else None."""
        missing, changed = self.having(State.MISSING), self.having(State.CHANGED)
        if not missing and not changed:
            return None
        parts = [f"{len(missing)} of {len(self.states)} missing"] if missing else []
        if changed:
            parts.append(f"{len(changed)} changed (first {changed[0]})")
        return SchemasMissing(
            f"official XSDs in {self.folder}: {', '.join(parts)}; run `{FETCH}`",
            where=str(self.folder),
            expected=f"the {len(self.states)} files pinned in schemas/official/xsd-manifest.json",
        )


@functools.cache
def manifest() -> tuple[OfficialFile, ...]:
    """Every pinned official file, in the manifest's order."""
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return tuple(
        OfficialFile(
            path=entry["path"],
            url=entry["url"],
            sha256=entry["sha256"],
            localise=tuple(Rewrite(r["schemaLocation"], r["to"]) for r in entry.get("localise", ())),
        )
        for entry in data["files"]
    )


def user_xsd_dir() -> Path:
    """Where ``samband schemas fetch`` installs: the per-user data folder (XDG on Linux)."""
    return Path(platformdirs.user_data_dir("samband")) / "xsd"


def xsd_dir() -> Path:
    """The folder the gateway reads: ``SAMBAND_XSD_DIR`` when set, else the per-user data folder."""
    env = os.environ.get("SAMBAND_XSD_DIR")
    return _folder(env) if env else user_xsd_dir()


@functools.lru_cache(maxsize=8)
def _folder(name: str) -> Path:
    return Path(name)  # asked for on every schema look-up of every validation


def sha256_of(path: Path) -> str:
    return _sha256(path, *_stamp(path))


@functools.lru_cache(maxsize=512)
def _sha256(path: Path, _mtime_ns: int, _size: int) -> str:
    """The file's hash, computed again only when its modification time or size moved."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def state_of(folder: Path, entry: OfficialFile) -> State:
    target = folder / entry.path
    if not target.is_file():
        return State.MISSING
    return State.INSTALLED if sha256_of(target) == entry.sha256 else State.CHANGED


def check(folder: Path | None = None) -> Check:
    """Hash every pinned file in ``folder`` (default: the folder the gateway reads)."""
    folder = xsd_dir() if folder is None else folder
    return Check(folder, {entry.path: state_of(folder, entry) for entry in manifest()})


PRESENT_FOR_SECONDS = 2.0  # a folder found complete is not looked at again for this long
_present_until: dict[Path, float] = {}


def require_present() -> Path:
    """The folder read, when every pinned file is in it (no hashing; a folder found complete is taken
    as such for ``PRESENT_FOR_SECONDS``, so a busy gateway does not stat every file per message);
    ``SchemasMissing`` otherwise, so the caller can answer 'try again later'."""
    folder = xsd_dir()
    if _present_until.get(folder, 0.0) > time.monotonic():
        return folder
    missing = [entry.path for entry in manifest() if not (folder / entry.path).is_file()]
    if missing:
        raise SchemasMissing(
            f"official XSDs in {folder}: {len(missing)} of {len(manifest())} missing; run `{FETCH}`",
            where=str(folder),
            expected=f"the {len(manifest())} files pinned in schemas/official/xsd-manifest.json",
        )
    _present_until[folder] = time.monotonic() + PRESENT_FOR_SECONDS
    return folder
