"""Profile rules fhir.resources does not check (fhir.md §1.3, §1.6): message shape, references,
Norwegian identifier systems and required codes. Each rule returns ``Problem``s with a JSON pointer;
which rules a Bundle is held to depends on its type (``BY_BUNDLE_TYPE``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from samband.adapters.fhir.identifiers import DNR, FNR, HER, is_norwegian_system, valid_person_number
from samband.kernel.problems import Problem, Severity

JsonDict = dict[str, object]
Rule = Callable[[JsonDict, "_Scan | None"], list[Problem]]
PARTY_FIELDS = frozenset({"sender", "receiver", "author", "responsible", "enterer"})
"""MessageHeader references whose ``identifier`` is a HER-id (VKP pattern)."""
PARTY_TYPES = frozenset({"Patient", "Practitioner", "Organization", "PractitionerRole", "RelatedPerson"})


def _entries(bundle: JsonDict) -> list[JsonDict]:
    entries = bundle.get("entry") or []
    return [cast(JsonDict, e) for e in cast(list[object], entries) if isinstance(e, dict)]


def _resource(entry: JsonDict) -> JsonDict:
    resource = entry.get("resource")
    return cast(JsonDict, resource) if isinstance(resource, dict) else {}


def _walk(node: object, pointer: str) -> list[tuple[str, str, object]]:
    """Every (pointer, key, value) below ``node``, depth first in document order."""
    found: list[tuple[str, str, object]] = []
    _collect(node, pointer, found)
    return found


def _collect(node: object, pointer: str, found: list[tuple[str, str, object]]) -> None:
    if isinstance(node, dict) or (not isinstance(node, list | str) and isinstance(node, Mapping)):
        for key, value in node.items():
            here = f"{pointer}/{key}"
            found.append((here, str(key), value))
            if not isinstance(value, str | int | float | bool) and value is not None:  # leaves hold nothing
                _collect(value, here, found)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _collect(value, f"{pointer}/{index}", found)


_Parts = tuple[object, ...]
RULE_KEYS = frozenset({"reference", "coding", "eventCoding"})
"""The keys whose values the reference and coding rules look at (``check_bundle``'s ``seen``)."""
_HIT_KEYS = RULE_KEYS | {"identifier"}


def _pointer(base: str, parts: _Parts) -> str:
    """The pointer ``_walk`` gives for ``parts`` (keys and list indices) below ``base``."""
    return base + "".join(f"/{part}" for part in parts)


_LEAVES = frozenset({str, int, float, bool, type(None)})


def _hits(node: object, path: list[object], found: list[tuple[_Parts, object]]) -> None:
    """Every (path, value) of a ``_HIT_KEYS`` key below ``node``, in ``_walk``'s order; the path of
    a key is built only where it is one of them."""
    if type(node) is dict or (not isinstance(node, list | str) and isinstance(node, Mapping)):
        for key, value in node.items():
            if key in _HIT_KEYS:
                found.append(((*path, key), value))
            if type(value) not in _LEAVES and not isinstance(value, str | int | float | bool):
                path.append(key)
                _hits(value, path, found)
                path.pop()
    elif isinstance(node, list):
        for index, value in enumerate(node):
            kind = type(value)
            if kind is dict or kind is list or (kind not in _LEAVES and isinstance(value, Mapping)):
                path.append(index)
                _hits(value, path, found)
                path.pop()


@dataclass(frozen=True)
class _Scan:
    """What the rules need from below ``/entry``, from one walk (``_walk`` order in each list):
    the references that resolve nowhere, the incomplete codings by entry index (inside
    ``resource``) and the identifiers in entry 0's resource, each with its pointer."""

    unresolved: list[tuple[str, object]]
    codings: dict[int, list[str]]
    header_ids: list[tuple[str, object]]


def _clean(seen: Sequence[tuple[str, object]], known: set[str]) -> bool:
    """True when no reference among ``seen`` is unresolved and no coding incomplete."""
    for key, value in seen:
        if key == "reference":
            if isinstance(value, str) and not value.startswith("#") and value not in known:
                return False
        elif not _codings_complete(value):
            return False
    return True


def _scan(bundle: JsonDict, seen: Sequence[tuple[str, object]] | None = None) -> _Scan | None:
    """One walk for every rule; None when an entry (or its resource) is not a plain dict, where the
    rules number and walk the entries one by one instead. With ``seen``, the (key, value) of every
    ``RULE_KEYS`` key anywhere in the Bundle, and nothing wrong among them, only the header is walked."""
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        return None
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("resource", {}), dict):
            return None
    known = _known(bundle)
    found: list[tuple[_Parts, object]] = []
    if seen is not None and _clean(seen, known):
        if entries and "resource" in entries[0]:
            _hits(entries[0]["resource"], [0, "resource"], found)
        return _Scan(
            [], {}, [(_pointer("/entry/0/resource", p[2:]), v) for p, v in found if p[-1] == "identifier"]
        )
    _hits(entries, [], found)
    unresolved: list[tuple[str, object]] = []
    codings: dict[int, list[str]] = {}
    header_ids: list[tuple[str, object]] = []
    for parts, value in found:
        key = parts[-1]
        if key == "reference":
            if isinstance(value, str) and not value.startswith("#") and value not in known:
                unresolved.append((_pointer("/entry", parts), value))
        elif len(parts) > 2 and parts[1] == "resource":
            index = cast(int, parts[0])
            if key == "identifier":
                if index == 0:
                    header_ids.append((_pointer("/entry/0/resource", parts[2:]), value))
            elif not _codings_complete(value):
                codings.setdefault(index, []).append(_pointer(f"/entry/{index}/resource", parts[2:]))
    return _Scan(unresolved, codings, header_ids)


def _finding(rule: str, message: str, pointer: str, severity: Severity = Severity.ERROR) -> Problem:
    return Problem(code=rule, severity=severity, text=message, path=pointer)


def message_shape(bundle: JsonDict, _scan: _Scan | None = None) -> list[Problem]:
    """FHIR messaging: Bundle.type=message, entry[0] is the only MessageHeader, timestamp present."""
    if bundle.get("type") != "message":
        return [_finding("fhir.message.type", "a message Bundle has type 'message'", "/type")]
    found: list[Problem] = []
    kinds = [_resource(e).get("resourceType") for e in _entries(bundle)]
    if not kinds or kinds[0] != "MessageHeader":
        found.append(_finding("fhir.message.header-first", "entry[0] must be a MessageHeader", "/entry/0"))
    if kinds.count("MessageHeader") > 1:
        found.append(_finding("fhir.message.one-header", "only one MessageHeader per message", "/entry"))
    if "Provenance" not in kinds:
        found.append(
            _finding("fhir.message.provenance", "a message carries a Provenance", "/entry", Severity.WARNING)
        )
    if not bundle.get("timestamp"):
        found.append(_finding("fhir.message.timestamp", "a message Bundle has a timestamp", "/timestamp"))
    return found


def _known(bundle: JsonDict) -> set[str]:
    """What a reference inside the Bundle may name: each entry's fullUrl and Type/id."""
    known: set[str] = set()
    for entry in _entries(bundle):
        resource = _resource(entry)
        if entry.get("fullUrl"):
            known.add(str(entry["fullUrl"]))
        if resource.get("id"):
            known.add(f"{resource.get('resourceType')}/{resource['id']}")
    return known


def references_resolve(bundle: JsonDict, scan: _Scan | None = None) -> list[Problem]:
    """Every ``reference`` points at an entry inside the Bundle (by fullUrl or Type/id)."""
    scan = scan or _scan(bundle)
    if scan is not None:
        unresolved = scan.unresolved
    else:
        known = _known(bundle)
        unresolved = [
            (pointer, value)
            for pointer, key, value in _walk(bundle.get("entry") or [], "/entry")
            if key == "reference"
            and isinstance(value, str)
            and not value.startswith("#")
            and value not in known
        ]
    return [
        _finding("fhir.reference.unresolved", f"reference {value!r} is not inside the Bundle", pointer)
        for pointer, value in unresolved
    ]


def _identifier_findings(identifier: JsonDict, pointer: str) -> list[Problem]:
    system = identifier.get("system")
    value = str(identifier.get("value") or "")
    if not is_norwegian_system(cast(str | None, system)):
        return [
            _finding(
                "fhir.identifier.system",
                f"identifier system {system!r} is not a Norwegian identifier system",
                f"{pointer}/system",
                Severity.WARNING,
            )
        ]
    if system in (FNR, DNR) and not valid_person_number(value):
        return [
            _finding(
                "fhir.identifier.fnr", f"{value!r} fails the FNR/DNR check digits", pointer, Severity.WARNING
            )
        ]
    if system == HER and not value.isdigit():
        return [
            _finding("fhir.identifier.her", f"HER-id {value!r} is not numeric", pointer, Severity.WARNING)
        ]
    return []


def identifier_systems(bundle: JsonDict, scan: _Scan | None = None) -> list[Problem]:
    """Identifiers of parties use the no-basis systems (FNR, DNR, HPR, HER-id, orgnr, RESH …)."""
    scan = scan or _scan(bundle)
    found: list[Problem] = []
    entries = _entries(bundle)
    for index, entry in enumerate(entries):
        resource = _resource(entry)
        if resource.get("resourceType") not in PARTY_TYPES:
            continue
        for pos, identifier in enumerate(cast(list[JsonDict], resource.get("identifier") or [])):
            found += _identifier_findings(identifier, f"/entry/{index}/resource/identifier/{pos}")
    header = _resource(entries[0]) if entries else {}
    if header.get("resourceType") == "MessageHeader":
        hits = (
            scan.header_ids
            if scan is not None
            else [
                (pointer, value)
                for pointer, key, value in _walk(header, "/entry/0/resource")
                if key == "identifier"
            ]
        )
        for pointer, value in hits:
            if isinstance(value, dict) and pointer.rsplit("/", 2)[-2] in PARTY_FIELDS:
                found += _identifier_findings(cast(JsonDict, value), pointer)
    return found


_REQUIRED_CODES: dict[str, tuple[tuple[str, ...], ...]] = {
    "MessageHeader": (("eventCoding", "eventUri"),),
    "Condition": (("code",),),
    "Observation": (("code",),),
    "MedicationStatement": (("medicationCodeableConcept", "medicationReference"),),
    "Provenance": (("activity",),),
    "Communication": (("category",),),
    "ServiceRequest": (("code",),),
    "Task": (("code",),),
}


def required_codes(bundle: JsonDict, scan: _Scan | None = None) -> list[Problem]:
    """The codes each resource needs to be understood, and every Coding has system and code."""
    scan = scan or _scan(bundle)
    found: list[Problem] = []
    for index, entry in enumerate(_entries(bundle)):
        resource = _resource(entry)
        base = f"/entry/{index}/resource"
        for choices in _REQUIRED_CODES.get(str(resource.get("resourceType")), ()):
            if not any(resource.get(element) for element in choices):
                wanted = " or ".join(choices)
                found.append(
                    _finding("fhir.code.required", f"{wanted} is required here", f"{base}/{choices[0]}")
                )
        incomplete = (
            scan.codings.get(index, [])
            if scan is not None
            else [
                pointer
                for pointer, key, value in _walk(resource, base)
                if key in {"coding", "eventCoding"} and not _codings_complete(value)
            ]
        )
        found += [_finding("fhir.code.coding", "a Coding needs both system and code", p) for p in incomplete]
    return found


def _codings_complete(value: object) -> bool:
    codings = value if isinstance(value, list) else [value]
    return all(isinstance(c, dict) and c.get("system") and c.get("code") for c in codings)


RULES: dict[str, Rule] = {
    "message-shape": message_shape,
    "references": references_resolve,
    "identifiers": identifier_systems,
    "codes": required_codes,
}

BY_BUNDLE_TYPE: dict[str, tuple[str, ...]] = {
    "message": tuple(RULES),
    "document": ("references", "identifiers", "codes"),
    "collection": ("references", "identifiers", "codes"),
}
"""The rules a Bundle of each type is held to: the message rules apply to messages only, references
must resolve inside the self-contained kinds (message, document, collection); a searchset, history,
transaction or batch Bundle may point outside itself."""
OTHER_BUNDLES = ("identifiers", "codes")


def check_bundle(bundle: JsonDict, seen: Sequence[tuple[str, object]] | None = None) -> list[Problem]:
    """Run the rules of the Bundle's type (``BY_BUNDLE_TYPE``) on a Bundle dict; [] means it passes.

    ``seen``: every (key, value) of a ``RULE_KEYS`` key in the Bundle, where the caller noted them
    already (``order.Watch``); when nothing among them is wrong, the Bundle is not walked for them."""
    names = BY_BUNDLE_TYPE.get(str(bundle.get("type")), OTHER_BUNDLES)
    scan = _scan(bundle, seen)
    return [finding for name in names for finding in RULES[name](bundle, scan)]
