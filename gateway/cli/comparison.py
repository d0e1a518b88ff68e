"""Semantic comparison of two message sets, paired by the id the sender gave each message.

Pairing key: Hodemelding MsgInfo/MsgId, AppRec Id, ebXML MessageId, FHIR Bundle id (else its
MessageHeader id, else Bundle.identifier), ip-export exportId; a document without one is paired by
its path inside its set. Outcome per pair: exact (same bytes), equivalent (same canonical XML, same
JSON data, same ebXML envelope and parts), different, or only in one set.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from samband.adapters.ebxml.mime import unpack
from samband.adapters.json.safe import read_json
from samband.adapters.xml.canonical import canonicalize_xml, pretty_xml
from samband.kernel.errors import GatewayError


class Outcome(StrEnum):
    EXACT = "exact"
    EQUIVALENT = "equivalent"
    DIFFERENT = "different"
    ONLY_IN_A = "only in A"
    ONLY_IN_B = "only in B"


@dataclass(frozen=True)
class Document:
    """One file of a set: its id, its form and what is compared (``semantic``) and shown (``pretty``)."""

    path: Path
    raw: bytes
    key: str | None
    form: str
    semantic: object | None
    pretty: str
    problem: str | None = None


@dataclass(frozen=True)
class Pair:
    key: str
    outcome: Outcome
    a: Document | None = None
    b: Document | None = None
    diff: tuple[str, ...] = ()


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def json_key(data: Any) -> str | None:
    """FHIR Bundle id / MessageHeader id / identifier, ip-export exportId, else resourceType/id."""
    if not isinstance(data, dict):
        return None
    if data.get("exportId"):
        return str(data["exportId"])
    if data.get("resourceType") == "Bundle":
        headers = [
            entry.get("resource", {}).get("id")
            for entry in data.get("entry", [])
            if isinstance(entry, dict) and entry.get("resource", {}).get("resourceType") == "MessageHeader"
        ]
        identifier = (
            data.get("identifier", {}).get("value") if isinstance(data.get("identifier"), dict) else None
        )
        found = data.get("id") or next((h for h in headers if h), None) or identifier
        return str(found) if found else None
    if data.get("resourceType") and data.get("id"):
        return f"{data['resourceType']}/{data['id']}"
    return None


def _xml_document(path: Path, raw: bytes) -> Document:
    found = canonicalize_xml(raw)
    return Document(path, raw, found.message_id, "xml", found.canonical, pretty_xml(found.canonical))


def _json_document(path: Path, raw: bytes) -> Document:
    data = read_json(raw)
    pretty = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
    return Document(path, raw, json_key(data), "json", data, pretty)


def _part_form(data: bytes) -> tuple[str, str]:
    """(compared, shown) for one MIME part: canonical XML when it is XML, else its SHA-256."""
    if data.lstrip().startswith(b"<"):
        try:
            canonical = canonicalize_xml(data).canonical
        except GatewayError:
            pass
        else:
            return canonical, pretty_xml(canonical)
    digest = hashlib.sha256(data).hexdigest()
    return digest, f"({len(data)} bytes, sha256 {digest})"


def _mime_document(path: Path, raw: bytes) -> Document:
    """An ebXML MIME package: the SOAP envelope and each payload part, in order (boundaries aside)."""
    unpacked = unpack(raw)
    envelope = canonicalize_xml(unpacked.envelope)
    parts = [_part_form(part.decoded()) for part in unpacked.parts if part is not unpacked.start]
    shown = [pretty_xml(envelope.canonical)] + [
        f"--- payload part {n}\n{s}" for n, (_c, s) in enumerate(parts, 1)
    ]
    semantic = (envelope.canonical, tuple(compared for compared, _shown in parts))
    return Document(path, raw, envelope.message_id, "ebxml-mime", semantic, "\n".join(shown))


def _looks_like_mime(raw: bytes) -> bool:
    head = raw[:4096].lower()
    return b"content-type:" in head and b"multipart/" in head


def read_document(path: Path, raw: bytes) -> Document:
    """Read one file by what it starts with; what cannot be read is compared by its bytes."""
    start = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    reader = {b"<": _xml_document, b"{": _json_document, b"[": _json_document}.get(start)
    if reader is None and _looks_like_mime(raw):
        reader = _mime_document
    try:
        if reader is not None:
            return reader(path, raw)
    except (GatewayError, ValueError, RecursionError) as exc:
        return Document(path, raw, None, "bytes", None, _text(raw), problem=str(exc))
    return Document(path, raw, None, "bytes", None, _text(raw))


def iter_files(root: Path) -> Iterator[Path]:
    """The file itself, or every non-hidden file under the folder in sorted order."""
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            yield path


def load_set(root: Path) -> dict[str, Document]:
    """Every document of a set by its pairing key (a repeated id gets its path appended)."""
    documents: dict[str, Document] = {}
    for path in iter_files(root):
        document = read_document(path, path.read_bytes())
        relative = path.name if root.is_file() else path.relative_to(root).as_posix()
        key = document.key or relative
        if key in documents:
            key = f"{key} [{relative}]"
        documents[key] = document
    return documents


def compare(key: str, a: Document, b: Document) -> Pair:
    """The outcome for two documents paired by ``key``, with a unified diff when they differ."""
    if a.raw == b.raw:
        return Pair(key, Outcome.EXACT, a, b)
    if a.semantic is not None and a.form == b.form and a.semantic == b.semantic:
        return Pair(key, Outcome.EQUIVALENT, a, b)
    lines = difflib.unified_diff(
        a.pretty.splitlines(), b.pretty.splitlines(), fromfile=str(a.path), tofile=str(b.path), lineterm=""
    )
    return Pair(key, Outcome.DIFFERENT, a, b, tuple(lines))


def compare_sets(a: Path, b: Path) -> list[Pair]:
    """Pairs of two sets (two single files are paired with each other whatever their ids)."""
    if a.is_file() and b.is_file():
        [(key_a, doc_a)], [(_key_b, doc_b)] = load_set(a).items(), load_set(b).items()
        return [compare(key_a, doc_a, doc_b)]
    left, right = load_set(a), load_set(b)
    pairs = [compare(key, left[key], right[key]) for key in left if key in right]
    pairs += [Pair(key, Outcome.ONLY_IN_A, a=left[key]) for key in left if key not in right]
    pairs += [Pair(key, Outcome.ONLY_IN_B, b=right[key]) for key in right if key not in left]
    return sorted(pairs, key=lambda pair: pair.key)
