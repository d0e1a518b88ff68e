"""Carried elements: a native element with no FHIR home kept verbatim on a FHIR resource and written
back at its place.

The last resort of "nothing silently dropped": what a mapping did not read (the tracking reader's
leftovers, ``xmlsource.Source.leftovers``) is put on the resource it belongs to (the focus when no
closer one is known) as the extension ``native-element``::

    {"url": ".../StructureDefinition/native-element",
     "extension": [
        {"url": "path", "valueString": "/MsgHead/Document/RefDoc/Content/Konsultasjon/InfoReservasjon"},
        {"url": "xml", "valueString": "<InfoReservasjon xmlns=\"…\">…</InfoReservasjon>"}]}

``path`` is the element's path in the Hodemelding by local names, with ``[n]`` where siblings share a
name; ``xml`` the element itself with its namespaces. On the way out ``insert_carried`` puts each one
back under its parent (parents created as needed) at the position the official schema's content model
gives (``adapters/plo/xsdinfo.content_at``), as the n-th of its name. Reading one gives the info issue
``mapping.carried``; writing one that has no place (another message root, a parent the schema does
not know) gives ``mapping.not-mapped``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from samband.adapters.plo.xsdinfo import ContentModel, content_at
from samband.adapters.xml.safe import parse_xml
from samband.kernel.problems import Severity
from samband.mappings.common.state import MapState
from samband.mappings.common.systems import CANONICAL
from samband.mappings.common.view import JsonDict, as_list, text_of
from samband.mappings.common.xmlsource import Node, local

EXT_NATIVE_ELEMENT = f"{CANONICAL}/StructureDefinition/native-element"
EXT_NATIVE_SOURCE = f"{CANONICAL}/StructureDefinition/native-source"
"""On a FHIR element that is only a reading of a carried element: the carried element's path."""
CONTENT_PATH = "/MsgHead/Document/RefDoc/Content"
_STEP = re.compile(r"^([^\[\]/]+)(?:\[(\d+)\])?$")


@dataclass(frozen=True)
class Carried:
    """One carried element: its path in the Hodemelding and its XML."""

    path: str
    xml: str

    def steps(self) -> list[tuple[str, int]]:
        """(local name, 1-based index) of each step below ``Content``."""
        out: list[tuple[str, int]] = []
        for step in self.path.removeprefix(CONTENT_PATH).strip("/").split("/"):
            match = _STEP.match(step)
            if match is None:
                return []
            out.append((match.group(1), int(match.group(2) or 1)))
        return out


def extension(path: str, element: etree._Element) -> JsonDict:
    """The ``native-element`` extension for ``element`` found at ``path``."""
    xml = etree.tostring(element, encoding="unicode", with_tail=False)
    return {
        "url": EXT_NATIVE_ELEMENT,
        "extension": [{"url": "path", "valueString": path}, {"url": "xml", "valueString": xml}],
    }


def carry(state: MapState, resource: JsonDict, leftovers: Iterable[tuple[str, etree._Element]]) -> None:
    """Put every leftover element on ``resource`` (``mapping.carried`` info issue for each)."""
    extensions = as_list(resource.get("extension"))
    for path, element in leftovers:
        extensions.append(extension(path, element))
        state.issue(
            path,
            "mapping.carried",
            f"{local(element)} has no FHIR element; it is carried verbatim (extension native-element)",
            f"{local(element)} overføres uendret i en utvidelse",
            Severity.INFO,
        )
    if extensions:
        resource["extension"] = extensions


def own(state: MapState, resource: JsonDict, node: Node) -> None:
    """``node`` carried on the ``resource`` read from it: the resource is written back as that
    element (a typed writer skips it, ``is_carried``), so what FHIR does not hold of it survives."""
    resource.setdefault("extension", [])
    carry(state, resource, [(node.path, node.element)])
    node.consume()


def is_carried(resource: JsonDict) -> bool:
    """True when ``resource`` carries its own native element (written back from there)."""
    return any(ext.get("url") == EXT_NATIVE_ELEMENT for ext in as_list(resource.get("extension")))


def read_from(item: JsonDict, node: Node) -> JsonDict:
    """Mark a FHIR element (a payload section) as a reading of the carried ``node``."""
    extensions = as_list(item.get("extension"))
    extensions.append({"url": EXT_NATIVE_SOURCE, "valueString": node.path})
    item["extension"] = extensions
    return item


def is_reading(item: JsonDict, carried: list[Carried]) -> bool:
    """True when ``item`` is the reading of an element that is carried (so not written twice)."""
    for ext in as_list(item.get("extension")):
        source = text_of(ext.get("valueString")) if ext.get("url") == EXT_NATIVE_SOURCE else None
        if source and any(source == c.path or source.startswith(c.path + "/") for c in carried):
            return True
    return False


def carried_in(resources: Iterable[JsonDict]) -> list[Carried]:
    """Every ``native-element`` extension on the resources, in path order (parents first)."""
    out: list[Carried] = []
    for resource in resources:
        for ext in as_list(resource.get("extension")):
            if ext.get("url") != EXT_NATIVE_ELEMENT:
                continue
            subs = as_list(ext.get("extension"))
            parts = {p.get("url"): text_of(p.get("valueString")) for p in subs}
            path, xml = parts.get("path"), parts.get("xml")
            if path and xml:
                out.append(Carried(path, xml))
    return sorted(out, key=lambda c: c.steps())


def _child_tag(model: ContentModel, name: str, parent: etree._Element) -> str | None:
    for tag in model.children:
        if local_name(tag) == name:
            return tag
    namespace = etree.QName(parent).namespace
    return f"{{{namespace}}}{name}" if not model.children and namespace else None


def local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def _place(parent: etree._Element, new: etree._Element, model: ContentModel, index: int) -> None:
    """``new`` under ``parent``: the ``index``-th of its name, else after its namesakes, else at its
    schema position."""
    same = [c for c in parent if c.tag == new.tag]
    if index - 1 < len(same):
        same[index - 1].addprevious(new)
        return
    if same:
        same[-1].addnext(new)
        return
    rank = model.position(str(new.tag))
    for child in parent:
        if isinstance(child.tag, str) and model.position(child.tag) > rank:
            child.addprevious(new)
            return
    parent.append(new)


def insert_carried(root: etree._Element, items: Iterable[Carried], state: MapState) -> int:
    """Write each carried element back into the payload ``root``; returns how many were placed."""
    placed = 0
    for item in items:
        steps = item.steps()
        if len(steps) < 2 or steps[0][0] != local(root):
            state.not_mapped(item.path, "carried element outside this message's payload")
            continue
        parent: etree._Element = root
        tags: tuple[str, ...] = (str(root.tag),)
        for name, index in steps[1:-1]:
            model = content_at(tags)
            tag = _child_tag(model, name, parent)
            if tag is None:
                break
            found = [c for c in parent if c.tag == tag]
            while len(found) < index:
                created = etree.Element(tag)
                _place(parent, created, model, len(found) + 1)
                found.append(created)
            parent, tags = found[index - 1], (*tags, tag)
        else:
            element = parse_xml(item.xml.encode("utf-8"))
            _place(parent, element, content_at(tags), steps[-1][1])
            placed += 1
            continue
        state.not_mapped(item.path, "carried element without a place in the schema")
    if placed:
        etree.cleanup_namespaces(root)
    return placed
