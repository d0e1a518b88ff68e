"""How much of a document the adapters are willing to read: XML, JSON and MIME bounds, one set in force.

Each reader (``adapters/xml/safe.py``, ``adapters/json/safe.py``, ``adapters/ebxml/mime.py``) refuses
what goes past its bound with a coded error before the work grows with it. The defaults hold unless a
caller says otherwise: the gateway applies its settings (``SAMBAND_XML_MAX_ELEMENTS`` …) around the
processing of each message with ``applied(limits)``; a reader given explicit limits uses those.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

MIB = 1024 * 1024


@dataclass(frozen=True)
class XmlLimits:
    """Bounds on an XML document; comments and processing instructions count as elements."""

    max_bytes: int = 20 * MIB
    max_depth: int = 64
    max_elements: int = 50_000
    max_attributes: int = 100
    max_attribute_chars: int = 65_536
    max_text_chars: int = 10_000_000


@dataclass(frozen=True)
class JsonLimits:
    """Bounds on a JSON document; every array item and object member is a value."""

    max_bytes: int = 20 * MIB
    max_depth: int = 64
    max_values: int = 200_000
    max_number_chars: int = 100
    max_string_chars: int = 10_000_000


@dataclass(frozen=True)
class MimeLimits:
    """Bounds on a MIME package (an ebXML message as HTTP or mail delivered it)."""

    max_bytes: int = 64 * MIB
    max_parts: int = 100
    max_part_bytes: int = 20 * MIB


@dataclass(frozen=True)
class Limits:
    """The bounds in force, one set per kind of document."""

    xml: XmlLimits = field(default_factory=XmlLimits)
    json: JsonLimits = field(default_factory=JsonLimits)
    mime: MimeLimits = field(default_factory=MimeLimits)


DEFAULT = Limits()
_IN_FORCE: ContextVar[Limits] = ContextVar("samband_limits", default=DEFAULT)


def current() -> Limits:
    """The limits in force here: the ones ``applied`` around this call, else the defaults."""
    return _IN_FORCE.get()


@contextmanager
def applied(limits: Limits) -> Iterator[None]:
    """Make ``limits`` the ones in force for the code run inside (this thread or task only)."""
    token = _IN_FORCE.set(limits)
    try:
        yield
    finally:
        _IN_FORCE.reset(token)
