"""NHN's API definition (``msh-api-v2.json``), read at run time, checking requests and answers.

The definition is NHN's, never copied into Samband: ``find_definition`` takes the path given, else
``SAMBAND_NHN_MSH_SPEC``, else ``reference/nhn/msh-api-v2.json`` under ``SAMBAND_SHARED_DIR`` or a
``shared`` folder beside the working directory or the source checkout. openapi-core checks each
request's parameters and body and each answer against it. The definition names a ``Bearer``
scheme while the service takes DPoP-bound tokens: access is checked by the HelseID checks, not here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from jsonschema_path import SchemaPath
from openapi_core.datatypes import RequestParameters
from openapi_core.unmarshalling.request.unmarshallers import (
    V30RequestBodyUnmarshaller,
    V30RequestParametersUnmarshaller,
)
from openapi_core.unmarshalling.response.unmarshallers import V30ResponseUnmarshaller
from werkzeug.datastructures import Headers, ImmutableMultiDict

from samband.kernel.errors import ConfigurationError

SPEC_ENV = "SAMBAND_NHN_MSH_SPEC"
RELATIVE = Path("reference", "nhn", "msh-api-v2.json")


def find_definition(given: Path | None = None) -> Path:
    """The API definition file: ``given``, the environment's, or the shared reference folder's."""
    candidates: list[Path] = []
    if given is not None:
        candidates.append(given)
    elif os.environ.get(SPEC_ENV):
        candidates.append(Path(os.environ[SPEC_ENV]))
    else:
        if os.environ.get("SAMBAND_SHARED_DIR"):
            candidates.append(Path(os.environ["SAMBAND_SHARED_DIR"]) / RELATIVE)
        checkout = Path(__file__).resolve().parents[3]
        candidates += [Path.cwd().parent / "shared" / RELATIVE, checkout.parent / "shared" / RELATIVE]
    for path in candidates:
        if path.is_file():
            return path
    raise ConfigurationError(
        "NHN's message service API definition (msh-api-v2.json) was not found",
        code="nhn-msh.no-definition",
        where=", ".join(str(p) for p in candidates),
        expected=f"--spec PATH or {SPEC_ENV} naming msh-api-v2.json as NHN publishes it",
    )


@dataclass
class SpecRequest:
    """A request as openapi-core reads it, addressed to the definition's own server."""

    host_url: str
    path: str
    method: str
    query: str
    headers: Mapping[str, str]
    body: bytes | None
    content_type: str
    parameters: RequestParameters = field(init=False)

    def __post_init__(self) -> None:
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(self.query, keep_blank_values=True)),
            header=Headers(list(self.headers.items())),
        )


@dataclass(frozen=True)
class SpecResponse:
    status_code: int
    data: bytes | None
    content_type: str
    headers: Headers


@dataclass(frozen=True)
class Checked:
    """What the definition says of one request: its problems, and the parameters and body read."""

    problems: list[str]
    query: Mapping[str, Any]
    path: Mapping[str, Any]
    body: Any


class ApiDefinition:
    """The definition and its validators."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.spec = SchemaPath.from_file_path(str(path))
            servers = self.spec / "servers"
            self.server = str((servers / 0 / "url").read_str()) if servers.exists() else "http://localhost"
        except (OSError, ValueError, KeyError) as exc:
            raise ConfigurationError(
                f"the API definition {path} cannot be read: {exc}", code="nhn-msh.no-definition"
            ) from exc
        self.parameters = V30RequestParametersUnmarshaller(self.spec)
        self.bodies = V30RequestBodyUnmarshaller(self.spec)
        self.responses = V30ResponseUnmarshaller(self.spec)

    def request(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes, content_type: str
    ) -> SpecRequest:
        return SpecRequest(self.server, path, method.lower(), query, headers, body or None, content_type)

    def check_request(self, request: SpecRequest) -> Checked:
        params = self.parameters.unmarshal(request)
        problems = [_text(error) for error in params.errors]
        body: Any = None
        if request.method in {"post", "put"} and not problems:
            read = self.bodies.unmarshal(request)
            problems += [_text(error) for error in read.errors]
            body = read.body
        found = params.parameters
        return Checked(problems, dict(found.query) if found else {}, dict(found.path) if found else {}, body)

    def documents(self, request: SpecRequest, status: int) -> bool:
        """True when the definition lists ``status`` for this operation (401, 423, 503 it does not)."""
        for template, item in (self.spec / "paths").items():
            if _matches(str(template), request.path) and (item / request.method).exists():
                return (item / request.method / "responses" / str(status)).exists()
        return False

    def check_response(self, request: SpecRequest, status: int, body: bytes, content_type: str) -> list[str]:
        response = SpecResponse(status, body or None, content_type, Headers([("Content-Type", content_type)]))
        return [_text(error) for error in self.responses.unmarshal(request, response).errors]


def _matches(template: str, path: str) -> bool:
    wanted, given = template.strip("/").split("/"), path.strip("/").split("/")
    return len(wanted) == len(given) and all(
        w.startswith("{") or w == g for w, g in zip(wanted, given, strict=True)
    )


def _text(error: BaseException) -> str:
    cause = error.__cause__
    detail = getattr(cause, "schema_errors", None)
    if detail:
        return f"{error}: " + "; ".join(getattr(e, "message", str(e)) for e in detail)
    return f"{error}: {cause}" if cause is not None else str(error)
