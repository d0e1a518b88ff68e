"""The gateway's door into adapters/ and mappings/: peek, validate, and write a message for a route.

The gateway never touches XML or FHIR libraries itself: every step here is one look-up in the two
registries (``adapters.formats.FORMATS``, ``mappings.registry.MAPPINGS``), with coded errors out.
"""

from __future__ import annotations

import json
from contextlib import suppress

from samband.adapters import ebxml, formats
from samband.adapters.msghead.lineage import Lineage, read_lineage
from samband.kernel.envelope import Envelope
from samband.kernel.errors import GatewayError, MappingError, UnsupportedMessage
from samband.kernel.formats import Format
from samband.kernel.problems import Problem
from samband.mappings.base import Context, Translation
from samband.mappings.registry import Mapping, mapping_for

JsonDict = dict[str, object]
FHIR_JSON = "application/fhir+json"
XML = "application/xml"
CONTENT_TYPES = {Format.FHIR: FHIR_JSON, Format.IP_EXPORT: "application/json"}


def peek(raw: bytes, content_type: str | None = None, hint: str | None = None) -> tuple[Format, Envelope]:
    """What the document is and its envelope facts (Hodemelding MsgInfo, ebXML MessageHeader,
    FHIR MessageHeader, ip-export header).

    ``hint`` ``ebxml``: the HTTP body of ``POST /ebxml``, whose MIME boundary is in ``content_type``.
    """
    if hint == Format.EBXML:
        return Format.EBXML, ebxml.read_envelope(raw, content_type=content_type)
    return formats.read_envelope(raw)


def peek_and_check(
    raw: bytes, content_type: str | None = None, hint: str | None = None
) -> tuple[Format, Envelope, list[Problem]]:
    """``peek`` and then ``check`` (its findings), raising what either raises; a Hodemelding is
    parsed once for both."""
    if hint == Format.EBXML:
        kind, envelope = peek(raw, content_type, hint)
        return kind, envelope, check(raw)
    return formats.read_and_check(raw)


def lineage(raw: bytes) -> Lineage:
    """What links a Hodemelding to others: document status (7309), RefToParent, copy receivers, digest."""
    return read_lineage(raw)


def check(raw: bytes) -> list[Problem]:
    """Validate against the official schemas and the format's rules; an error-level finding refuses
    the message with its own coded error (T01 broken XML, T02 schema, E10 MsgId, E31 FNR, T10 …)."""
    _kind, findings = formats.check(raw)
    return findings


class Writer:
    """One received message written for each of its routes: into the pivot at most once, then out of
    it per target (``as-is`` is the original bytes)."""

    def __init__(
        self, raw: bytes, content_type: str | None, kind: str | None, namespace: str | None, ctx: Context
    ) -> None:
        self.raw = raw
        self.content_type = content_type
        self.kind = kind or ""
        self.source = formats.translated_as(Format(kind), namespace) if kind in set(Format) else None
        self.namespace = namespace
        self.ctx = ctx
        self._pivot: Translation[JsonDict] | None = None
        self._failed: GatewayError | None = None

    def mapping(self, target: Format) -> Mapping:
        if self.source is None or self.source is Format.MSGHEAD:
            raise UnsupportedMessage(
                f"no mapping for this {self.kind or 'document'} (payload {self.namespace or 'unknown'})",
                code="pivot.unsupported-payload",
                expected="a PLO or Dialogmelding Hodemelding, FHIR or an ip-export",
                received=self.namespace,
            )
        return mapping_for(self.source, target)

    def needs_pivot(self, target: Format) -> bool:
        return target is not Format.AS_IS and self.mapping(target).direct is None

    def pivot(self) -> Translation[JsonDict]:
        """The message in the FHIR pivot, mapped once (a refusal, too, is kept and raised again)."""
        if self._failed is not None:
            raise self._failed
        if self._pivot is None:
            try:
                self._pivot = self._into_pivot()
            except GatewayError as error:
                self._failed = error
                raise
        return self._pivot

    def _into_pivot(self) -> Translation[JsonDict]:
        try:
            return self.mapping(Format.FHIR).to_fhir(self.raw, self.ctx)
        except GatewayError:
            raise
        except (ValueError, KeyError, TypeError) as exc:  # foreign errors on odd input: coded
            raise mapping_failed(self.kind, exc) from exc

    def prepare(self, needed: list[Format], held: list[Format]) -> None:
        """Map into the pivot now when a target needs it, so every route carries its issues.

        A failure only ``held`` targets (disabled routes) meet is not raised here: ``write`` raises
        it for those targets alone.
        """
        if any(self.needs_pivot(target) for target in needed):
            self.pivot()
        with suppress(GatewayError):
            if any(self.needs_pivot(target) for target in held):
                self.pivot()

    def pivot_issues(self) -> list[Problem]:
        return self._pivot.issues if self._pivot is not None else []

    def write(self, target: Format) -> tuple[bytes, str, list[Problem]]:
        """The payload a route delivers, its content type and the issues of writing it."""
        if target is Format.AS_IS:
            return self.raw, self.content_type or XML, []
        mapping = self.mapping(target)
        if mapping.direct is not None:
            done = mapping.direct(self.raw, self.ctx)
            return done.result, CONTENT_TYPES.get(target, XML), done.issues
        bundle = self.pivot().result
        if mapping.from_fhir is None:
            return json.dumps(bundle, ensure_ascii=False).encode("utf-8"), FHIR_JSON, []
        out = mapping.from_fhir(bundle, self.ctx)
        return out.result, CONTENT_TYPES.get(target, XML), out.issues


def output_envelope(payload: bytes, target: str) -> Envelope | None:
    """The envelope of an emitted Hodemelding (its own MsgId), None for FHIR and other outputs."""
    if target in {Format.FHIR, Format.IP_EXPORT}:
        return None
    try:
        return peek(payload)[1]
    except GatewayError:
        return None


def mapping_failed(kind: str, exc: Exception) -> MappingError:
    return MappingError(f"cannot map this {kind} to the pivot: {exc}", code="mapping.failed")
