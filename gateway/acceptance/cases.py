"""The receive acceptance case catalogue (``cases.yaml``): what the gateway must answer to each official
test message, found by its file name (PLO 1.6 suffix, PLO 1.5 / Dialogmelding 1.0 case id).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from samband.adapters.msghead.lineage import read_lineage
from samband.gateway.lineage import RELATIONS
from samband.kernel.catalogue import entry
from samband.kernel.errors import GatewayError

FILE = Path(__file__).with_name("cases.yaml")
Verdict = Literal["accept", "warn", "refuse"]
ERRATUM_OUTCOME = "accepted"

_PLO_16 = re.compile(r"^Case\d+_(?P<suffix>[a-z][a-z0-9-]*|\d+)$", re.IGNORECASE)
_CASE_ID = re.compile(r"^Case\d+(?:-\d+[a-z]?)?$", re.IGNORECASE)
_TYPE = re.compile(r"<(?:\w+:)?Type\s+V=\"([A-Z_]+)\"")
_NAMESPACE = re.compile(r"xmlstds/(?:po/(\w+)|(dialog))/\d{4}-\d{2}-\d{2}")
_HEAD_BYTES = 256 * 1024


@dataclass(frozen=True)
class Expectation:
    """What the gateway must answer to one acceptance test message (or, in ``categories()``, a category)."""

    case: str  # category id, e.g. "missing-patient-info"
    verdict: Verdict
    apprec_status: str  # 8258: "1" OK, "2" Avvist, "3" OK med feil i delmelding
    error_code: str | None  # 8221 code when the AppRec carries one
    text_no: str  # what the sender's user sees
    stateful: bool
    requirement: str  # e.g. "PLO 1.5 Helseopplysninger til lege, krav 11"
    code: str | None = None  # the catalogued gateway code behind the answer, if any


@dataclass(frozen=True)
class _Source:
    documents: tuple[str, ...]
    krav: str
    text: str
    ids: Mapping[str, str | None]  # case id → outcome name (None: the category's)


@dataclass(frozen=True)
class _Category:
    case: str
    title: str
    outcome: str
    stateful: bool
    sources: tuple[_Source, ...]
    plo_16: Mapping[str, str | None]


@dataclass(frozen=True)
class _Catalogue:
    documents: Mapping[str, Mapping[str, Any]]
    outcomes: Mapping[str, Mapping[str, str]]
    categories: tuple[_Category, ...]


def _ids(value: Any) -> dict[str, str | None]:
    if isinstance(value, list):
        return {str(item): None for item in value}
    return {str(key): (None if item is None else str(item)) for key, item in (value or {}).items()}


def _source(data: Mapping[str, Any], groups: Mapping[str, list[str]]) -> _Source:
    documents = data["documents"]
    names = groups[documents] if isinstance(documents, str) else documents
    return _Source(tuple(str(n) for n in names), str(data["krav"]), str(data["text"]), _ids(data["ids"]))


@functools.cache
def _catalogue() -> _Catalogue:
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    groups = data["groups"]
    categories = tuple(
        _Category(
            case=str(item["case"]),
            title=str(item["title"]),
            outcome=str(item["outcome"]),
            stateful=bool(item["stateful"]),
            sources=tuple(_source(s, groups) for s in item.get("sources", ())),
            plo_16=_ids(item.get("plo-1.6")),
        )
        for item in data["categories"]
    )
    return _Catalogue(data["documents"], data["outcomes"], categories)


def _expectation(category: _Category, outcome_name: str | None, requirement: str) -> Expectation:
    outcome = _catalogue().outcomes[outcome_name or category.outcome]
    verdict = cast(Verdict, outcome["verdict"])
    code = outcome.get("code")
    found = entry(code) if code else None
    if code and found is None:
        raise ValueError(f"{FILE.name}: outcome {outcome_name or category.outcome} names uncatalogued {code}")
    reply = found.reply if found else None
    refused = verdict == "refuse"
    return Expectation(
        case=category.case,
        verdict=verdict,
        apprec_status=(reply.apprec_status or "2") if refused and reply else ("2" if refused else "1"),
        error_code=reply.apprec_error if refused and reply else None,
        text_no=found.text_no if found else str(outcome["text_no"]),
        stateful=category.stateful,
        requirement=requirement,
        code=code,
    )


def categories() -> list[Expectation]:
    """One expectation per case category, with the category's own answer and every requirement it covers."""
    return [
        _expectation(category, None, "; ".join(_requirement(source) for source in category.sources))
        for category in _catalogue().categories
    ]


def _requirement(source: _Source) -> str:
    if len(source.documents) == 1:
        return f"{_title(source.documents[0])}, krav {source.krav}"
    return f"PLO 1.5 ({len(source.documents)} message types), krav {source.krav}"


def expectation_for(path: Path) -> Expectation | None:
    """The expectation for one test message, from its file name (and, where a PLO 1.5 case id means
    different cases in different documents, the message type it carries); None when not a test case."""
    name = path.stem
    match = _PLO_16.match(name)
    if match:
        return _for_plo_16(path, match.group("suffix").lower())
    if not _CASE_ID.match(name):
        return None
    case_id = "Case" + name[4:].lower()
    document = document_of(path)
    for category in _catalogue().categories:
        for source in category.sources:
            if case_id in source.ids and _names(source, document):
                requirement = f"{_title(document)}, krav {source.krav} ({case_id})"
                return _expectation(category, source.ids[case_id], requirement)
    if "-" not in case_id:  # CaseN: a base message, whichever document names it
        base = _catalogue().categories[0]
        return _expectation(base, None, f"{_title(document)}, {case_id}")
    return None


def _names(source: _Source, document: str | None) -> bool:
    """The source covers ``document``; a message of no known document is read as PLO 1.5."""
    if document is None:
        return any(name.startswith("plo-1.5") for name in source.documents)
    return document in source.documents


def source_document(document: str) -> str:
    """A receive test document as a report names it: its title and the file it is read from."""
    found = _catalogue().documents[document]
    return f"{found['title']} ({found['file']})"


def _title(document: str | None) -> str:
    return str(_catalogue().documents[document]["title"]) if document else "PLO 1.5"


def _for_plo_16(path: Path, suffix: str) -> Expectation | None:
    key = "" if suffix.isdigit() else suffix
    document = document_of(path)
    for category in _catalogue().categories:
        if key in category.plo_16:
            krav = _krav_of(category, document)
            where = f"{_title(document)}, krav {krav}" if krav else _title(document)
            label = f"PLO 1.6 {path.stem}"
            outcome = category.plo_16[key]
            if category.case == "wrong-order" and not _reverses(path):
                outcome = ERRATUM_OUTCOME
            return _expectation(category, outcome, f"{where} ({label})")
    return None


def _reverses(path: Path) -> bool:
    """The first message of a reversed-order pair (``…-a``) changes or cancels (Forsendelsesstatus
    M, O or C). One official pair sends a new message (N) that only refers to the later one instead
    (docs/acceptance.md, erratum): that pair is taken in as any two messages are."""
    first = path.with_name(path.stem[:-1] + "a" + path.suffix)
    try:
        return read_lineage(first.read_bytes()).status in RELATIONS
    except (OSError, GatewayError):
        return True


def _krav_of(category: _Category, document: str | None) -> str | None:
    for source in category.sources:
        if document is None or document in source.documents:
            return source.krav
    return None


def document_of(path: Path) -> str | None:
    """Which receive test document a test message belongs to: by MsgInfo/Type, then the payload
    namespace, then the folder's name; None when nothing tells."""
    head = _head(path)
    documents = _catalogue().documents
    kinds = _TYPE.findall(head)
    for key, doc in documents.items():
        if any(kind in doc["types"] for kind in kinds):
            return key
    for po_name, dialog in _NAMESPACE.findall(head):
        for key, doc in documents.items():
            if (po_name or dialog) in doc["namespaces"]:
                return key
    folder = path.parent.name.lower()
    for key, doc in documents.items():
        if any(word in folder for word in doc["folders"]):
            return key
    return None


def _head(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(_HEAD_BYTES).decode("latin-1")
    except OSError:
        return ""
