"""``samband schemas fetch [--from DIR|URL]``: install the official XSDs into the per-user data folder.

Each pinned file is read from its published location (a repository at a pinned commit), or from a
folder or an http(s) mirror laid out like the installed folder; the documented local rewrite is
applied, and the result must have the pinned SHA-256, else that file is refused (coded, exit 1).
Files are written to a staging folder beside the target and moved into place only when verified,
so nothing is ever half-installed. Files already installed as pinned are kept.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

from samband.adapters.xml.official import OfficialFile, State, manifest, state_of, user_xsd_dir, xsd_dir
from samband.kernel.errors import ConfigurationError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
HTTP_TIMEOUT_SECONDS = 30.0


@dataclass
class Fetched:
    """What one run did: files installed now, files already there as pinned, files refused."""

    installed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    refused: list[ConfigurationError] = field(default_factory=list)


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def location_of(entry: OfficialFile, source: str | None) -> str:
    """Where ``entry`` is read: its published URL, or its path under the folder or mirror ``source``."""
    if source is None:
        return entry.url
    if is_url(source):
        return f"{source.rstrip('/')}/{quote(entry.path)}"
    return str(Path(source) / entry.path)


def _read(location: str, client: httpx.Client) -> bytes:
    if not is_url(location):
        return Path(location).read_bytes()
    response = client.get(location)
    response.raise_for_status()
    return response.content


def verified(entry: OfficialFile, location: str, client: httpx.Client) -> bytes:
    """The file as it is installed (rewrites applied); a coded ``ConfigurationError`` otherwise."""
    try:
        data = entry.localised(_read(location, client))
    except (httpx.HTTPError, OSError) as exc:
        raise ConfigurationError(
            f"cannot read {location}: {exc}", code="schemas.unavailable", where=entry.path
        ) from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry.sha256:
        raise ConfigurationError(
            f"{location} does not have the pinned SHA-256; not installed",
            code="schemas.hash-mismatch",
            where=entry.path,
            expected=entry.sha256,
            received=digest,
        )
    return data


def fetch(source: str | None, target: Path, progress: Progress | None = None) -> Fetched:
    """Install every pinned file missing or changed in ``target``; see the module docstring."""
    done = Fetched()
    todo = []
    for entry in manifest():
        if state_of(target, entry) is State.INSTALLED:
            done.kept.append(entry.path)
        else:
            todo.append(entry)
    if not todo:
        return done
    task = progress.add_task("official XSDs", total=len(todo)) if progress else None
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".fetch-", dir=target.parent))
    try:
        with httpx.Client(timeout=HTTP_TIMEOUT_SECONDS, follow_redirects=True) as client:
            for entry in todo:
                _stage(entry, location_of(entry, source), client, staging, done)
                if progress is not None and task is not None:
                    progress.advance(task)
        for path in done.installed:
            (target / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / path, target / path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return done


def _stage(entry: OfficialFile, location: str, client: httpx.Client, staging: Path, done: Fetched) -> None:
    try:
        data = verified(entry, location, client)
    except ConfigurationError as error:
        done.refused.append(error)
        return
    staged = staging / entry.path
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_bytes(data)
    done.installed.append(entry.path)


def run_fetch(source: str | None) -> int:
    """Fetch into the per-user data folder with a progress bar; each refusal on a line of its own."""
    if source is not None and not is_url(source) and not Path(source).is_dir():
        sys.stderr.write(f"samband schemas fetch: --from {source} is neither a folder nor an http(s) URL\n")
        return EXIT_USAGE
    target = user_xsd_dir()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
            done = fetch(source, target, progress)
    except OSError as exc:
        error = ConfigurationError(f"cannot install into {target}: {exc}", code="schemas.unwritable")
        sys.stderr.write(f"samband schemas fetch: {error}\n")
        return EXIT_FAILED
    for error in done.refused:
        sys.stderr.write(f"refused {error.where}: {error}\n")
    sys.stderr.write(
        f"schemas: {len(done.installed)} installed, {len(done.kept)} already there, "
        f"{len(done.refused)} refused, in {target}\n"
    )
    if xsd_dir() != target:
        sys.stderr.write(f"note: SAMBAND_XSD_DIR is set; the gateway reads {xsd_dir()}, not {target}\n")
    return EXIT_FAILED if done.refused else EXIT_OK
