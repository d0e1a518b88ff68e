"""File-drop delivery: write each payload atomically into a folder another system polls.

The file appears complete or not at all: a hidden temp file in the same folder is written and
fsynced, then linked under its final name (which fails rather than replace an existing file), then
the folder is fsynced. The name comes from the message id, so a repeat of the same payload is a
no-op and a different payload under the same name is refused, never overwritten.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from pathlib import Path
from time import perf_counter

from samband.gateway.delivery.transports.base import DeliveryRequest, Receipt
from samband.gateway.delivery.transports.boundary import delivery_errors
from samband.gateway.routing.routes import Route
from samband.kernel.errors import DeliveryRefused, DeliveryUnavailable

SUFFIXES = {
    "application/fhir+json": ".json",
    "application/json": ".json",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "multipart/related": ".mime",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(request: DeliveryRequest) -> str:
    """``<message id><suffix>``, the id reduced to a safe file name, the suffix from the content type."""
    media = request.content_type.split(";")[0].strip().lower()
    suffix = request.route.options.get("suffix") or SUFFIXES.get(media, ".bin")
    stem = _UNSAFE.sub("_", request.message_id).strip("._") or "message"
    return f"{stem}{suffix}"


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_temp(folder: Path, name: str, payload: bytes) -> Path:
    temp = folder / f".{name}.{uuid.uuid4().hex}.tmp"
    with open(temp, "xb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    return temp


def _publish(temp: Path, final: Path) -> None:
    """Give the temp file its final name without ever replacing an existing file."""
    try:
        os.link(temp, final)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if final.exists():
            raise FileExistsError(str(final)) from None
        os.replace(temp, final)
        return
    temp.unlink()


class FileDropTransport:
    """Delivers into the folder named by the request's endpoint (override) or the route's."""

    def __init__(self, route: Route) -> None:
        self.route = route

    def send(self, request: DeliveryRequest) -> Receipt:
        folder = self._folder(request)
        final = folder / file_name(request)
        started = perf_counter()
        with delivery_errors(str(final)):
            if final.exists():
                return self._repeat(final, request, started)
            temp = _write_temp(folder, final.name, request.payload)
            try:
                _publish(temp, final)
            except FileExistsError:
                return self._repeat(final, request, started)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    temp.unlink()
            _fsync_folder(folder)
        return Receipt(status_code=None, remote_id=final.name, latency_seconds=perf_counter() - started)

    def _folder(self, request: DeliveryRequest) -> Path:
        if not request.target:
            raise DeliveryRefused(
                f"route {request.route.name!r} has no folder",
                code="delivery.no-endpoint",
                where=request.route.name,
                expected="a folder path as the endpoint",
            )
        folder = Path(request.target)
        if request.route.options.get("create_folder") == "true":  # a local folder of the gateway's own
            folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            # A share that is not mounted looks like this: try again later, never create it here.
            raise DeliveryUnavailable(
                f"drop folder {folder} does not exist",
                code="delivery.folder-missing",
                where=str(folder),
                expected="an existing folder",
            )
        return folder

    def _repeat(self, final: Path, request: DeliveryRequest, started: float) -> Receipt:
        """The name is taken: fine if it holds this very payload, refused otherwise."""
        if final.read_bytes() == request.payload:
            return Receipt(
                status_code=None,
                remote_id=final.name,
                latency_seconds=perf_counter() - started,
                detail="already delivered: the file holds this payload",
            )
        raise DeliveryRefused(
            f"{final.name} already exists with a different payload",
            code="delivery.file-exists",
            where=str(final),
            expected="no file of that name, or one with the same bytes",
        )
