"""Generated Norwegian narrative (``Resource.text``) so receivers that only display text see the content
(fhir.md §6.7: always generate narrative for CarePlan, CareTeam, Communication; Task too).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from samband.mappings.common.view import as_dict, as_list, text_of

JsonDict = dict[str, object]
Entries = dict[str, JsonDict]
XHTML = "http://www.w3.org/1999/xhtml"
NARRATED = frozenset({"CarePlan", "CareTeam", "Communication", "Task"})


def narrative(title: str, lines: Iterable[str | None]) -> JsonDict:
    """``text`` with status ``generated``: a heading and one list item per non-empty line."""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines if line)
    body = f"<p><b>{escape(title)}</b></p>" + (f"<ul>{items}</ul>" if items else "")
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{body}</div>'}


def label(concept: object) -> str | None:
    """The readable part of a CodeableConcept: its text, else the first display, else the code."""
    data = as_dict(concept)
    if data.get("text"):
        return text_of(data["text"])
    for coding in as_list(data.get("coding")):
        found = text_of(coding.get("display")) or text_of(coding.get("code"))
        if found:
            return found
    return None


def _target(reference: object, entries: Entries) -> JsonDict:
    ref = text_of(as_dict(reference).get("reference")) or ""
    return entries.get(ref.removeprefix("urn:uuid:"), {})


def _name(resource: JsonDict, entries: Entries) -> str | None:
    if resource.get("resourceType") == "PractitionerRole":
        return _name(_target(resource.get("practitioner"), entries), entries)
    if isinstance(resource.get("name"), str):
        return text_of(resource["name"])
    names = as_list(resource.get("name"))
    if not names:
        return None
    parts = [str(g) for g in names[0].get("given") or [] if isinstance(g, str)]  # type: ignore[attr-defined]
    parts.append(text_of(names[0].get("family")) or "")
    return " ".join(p for p in parts if p) or None


def _service(service: JsonDict) -> str | None:
    quantity, period = as_dict(service.get("quantityQuantity")), as_dict(service.get("occurrencePeriod"))
    extent = " ".join(str(v) for v in (quantity.get("value"), quantity.get("unit")) if v is not None)
    dates = " – ".join(str(v) for v in (period.get("start"), period.get("end")) if v)
    return ", ".join(p for p in (label(service.get("code")), extent, dates) if p) or None


def _member(participant: JsonDict, entries: Entries) -> str | None:
    roles = as_list(participant.get("role"))
    parts = (label(roles[0]) if roles else None, _name(_target(participant.get("member"), entries), entries))
    return ": ".join(p for p in parts if p) or None


def _payload(item: JsonDict) -> str:
    return (
        text_of(item.get("contentString"))
        or text_of(as_dict(item.get("contentAttachment")).get("title"))
        or "Vedlegg"
    )


def _lines(resource: JsonDict, entries: Entries) -> list[str | None]:
    kind = resource.get("resourceType")
    if kind == "CarePlan":
        return [_service(_target(a.get("reference"), entries)) for a in as_list(resource.get("activity"))]
    if kind == "CareTeam":
        return [_member(p, entries) for p in as_list(resource.get("participant"))]
    if kind == "Communication":
        return [_payload(p) for p in as_list(resource.get("payload"))]
    return [text_of(resource.get("description"))]


def _title(resource: JsonDict) -> str:
    own = text_of(resource.get("title")) or text_of(resource.get("name"))
    categories = as_list(resource.get("category"))
    coded = label(resource.get("code")) or (label(categories[0]) if categories else None)
    return own or coded or str(resource.get("resourceType"))


def annotate(entries: Entries) -> None:
    """Give every CarePlan, CareTeam, Communication and Task without text a generated narrative."""
    for resource in entries.values():
        if resource.get("resourceType") in NARRATED and "text" not in resource:
            resource["text"] = narrative(_title(resource), _lines(resource, entries))
