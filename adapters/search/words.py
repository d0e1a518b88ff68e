"""The words of a document for free-text search: every text node of an XML document and every string of
a JSON one (patient names, free text, the display texts of codes), without attachments.

Attachments (base64 in an XML element or a FHIR ``data`` field) are left out, and so is any single
run of more than ``MAX_WORD`` characters with no space in it. At most ``MAX_CHARS`` characters are kept.
Documents are read with the safe readers, within the limits in force; one that cannot be read has
no words.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from samband.adapters.json.safe import read_json
from samband.adapters.xml.safe import parse_xml
from samband.kernel.errors import GatewayError

MAX_CHARS = 100_000
MAX_WORD = 200
SKIPPED_KEYS = frozenset({"data", "id", "reference", "fullUrl", "url", "system"})


def _xml_words(raw: bytes) -> Iterator[str]:
    root = parse_xml(raw)
    for text in root.itertext():
        if text.strip():
            yield text.strip()


def _json_words(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in SKIPPED_KEYS:
                yield from _json_words(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_words(item)


def searchable_text(raw: bytes) -> str:
    """The words of ``raw`` (XML or JSON), space-separated, at most ``MAX_CHARS`` characters."""
    start = raw.lstrip()[:1]
    try:
        words = _json_words(read_json(raw)) if start in (b"{", b"[") else _xml_words(raw)
        kept: list[str] = []
        size = 0
        for text in words:
            for word in text.split():
                if len(word) > MAX_WORD:
                    continue
                kept.append(word)
                size += len(word) + 1
                if size >= MAX_CHARS:
                    return " ".join(kept)[:MAX_CHARS]
        return " ".join(kept)
    except GatewayError:
        return ""
