"""Profile rules fhir.resources does not check (fhir.md §1.3, §1.6): message shape, references,
Norwegian identifier systems and required codes. Each rule returns ``Problem``s with a JSON pointer;
which rules a Bundle is held to depends on its type (``BY_BUNDLE_TYPE``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import cast

from samband.adapters.fhir.identifiers import DNR, FNR, HER, is_norwegian_system, valid_person_number
from samband.kernel.problems import Problem, Severity

JsonDict = dict[str, object]
Rule = Callable[[JsonDict], list[Problem]]
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


def _finding(rule: str, message: str, pointer: str, severity: Severity = Severity.ERROR) -> Problem:
    return Problem(code=rule, severity=severity, text=message, path=pointer)


def message_shape(bundle: JsonDict) -> list[Problem]:
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


def references_resolve(bundle: JsonDict) -> list[Problem]:
    """Every ``reference`` points at an entry inside the Bundle (by fullUrl or Type/id)."""
    known: set[str] = set()
    for entry in _entries(bundle):
        resource = _resource(entry)
        if entry.get("fullUrl"):
            known.add(str(entry["fullUrl"]))
        if resource.get("id"):
            known.add(f"{resource.get('resourceType')}/{resource['id']}")
    return [
        _finding("fhir.reference.unresolved", f"reference {value!r} is not inside the Bundle", pointer)
        for pointer, key, value in _walk(bundle.get("entry") or [], "/entry")
        if key == "reference" and isinstance(value, str) and not value.startswith("#") and value not in known
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


def identifier_systems(bundle: JsonDict) -> list[Problem]:
    """Identifiers of parties use the no-basis systems (FNR, DNR, HPR, HER-id, orgnr, RESH …)."""
    found: list[Problem] = []
    for index, entry in enumerate(_entries(bundle)):
        resource = _resource(entry)
        if resource.get("resourceType") not in PARTY_TYPES:
            continue
        for pos, identifier in enumerate(cast(list[JsonDict], resource.get("identifier") or [])):
            found += _identifier_findings(identifier, f"/entry/{index}/resource/identifier/{pos}")
    header = _resource(_entries(bundle)[0]) if _entries(bundle) else {}
    if header.get("resourceType") == "MessageHeader":
        for pointer, key, value in _walk(header, "/entry/0/resource"):
            if key == "identifier" and isinstance(value, dict) and pointer.rsplit("/", 2)[-2] in PARTY_FIELDS:
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


def required_codes(bundle: JsonDict) -> list[Problem]:
    """The codes each resource needs to be understood, and every Coding has system and code."""
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
        found += [
            _finding("fhir.code.coding", "a Coding needs both system and code", pointer)
            for pointer, key, value in _walk(resource, base)
            if key in {"coding", "eventCoding"} and not _codings_complete(value)
        ]
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


def check_bundle(bundle: JsonDict) -> list[Problem]:
    """Run the rules of the Bundle's type (``BY_BUNDLE_TYPE``) on a Bundle dict; [] means it passes."""
    names = BY_BUNDLE_TYPE.get(str(bundle.get("type")), OTHER_BUNDLES)
    return [finding for name in names for finding in RULES[name](bundle)]
