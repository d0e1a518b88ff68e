"""Shapes every adapter shares: the Format keys and the Adapter protocol (``Envelope`` is kernel).

Adapters turn bytes into a typed native model and back; the gateway reaches them only through the
dispatch tables in ``adapters/formats.py`` (plain dicts a reader can open).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol, TypeVar

from samband.kernel.envelope import Envelope


class Format(StrEnum):
    """The external formats, used as registry keys and in route data."""

    EBXML = "ebxml"
    MSGHEAD = "msghead"
    APPREC = "apprec"
    DIALOGMELDING = "dialogmelding"
    PLO = "plo"
    FHIR = "fhir"
    IPLAN = "ip-export"


Native = TypeVar("Native")
NativeIn = TypeVar("NativeIn", contravariant=True)
NativeOut = TypeVar("NativeOut", covariant=True)


class Adapter(Protocol[NativeOut]):
    """bytes ↔ typed model for one format. ``parse`` is tolerant, ``serialize`` strict."""

    format: Format

    def parse(self, raw: bytes) -> NativeOut: ...

    def envelope(self, raw: bytes) -> Envelope: ...


class Serializer(Protocol[NativeIn]):
    """The strict half of an adapter: never emits a document that fails its schema."""

    def serialize(self, native: NativeIn) -> bytes: ...
