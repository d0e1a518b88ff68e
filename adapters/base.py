"""Shapes every adapter shares: the Adapter protocol (``Envelope`` and ``Format`` are kernel).

Adapters turn bytes into a typed native model and back; the gateway reaches them only through the
``FORMATS`` registry in ``adapters/formats.py`` (a plain dict a reader can open).
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from samband.kernel.envelope import Envelope
from samband.kernel.formats import Format

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
