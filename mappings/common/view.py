"""A read-only view of a FHIR message Bundle dict: entries by reference, the header, the focus."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from samband.kernel.errors import MappingError

JsonDict = dict[str, object]


def as_dict(value: object) -> JsonDict:
    return cast(JsonDict, value) if isinstance(value, dict) else {}


def as_list(value: object) -> list[JsonDict]:
    return [cast(JsonDict, v) for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def text_of(value: object) -> str | None:
    return str(value) if isinstance(value, str | int | float) and str(value) else None


@dataclass(frozen=True)
class BundleView:
    """Entries of a Bundle, addressable by fullUrl and by ``Type/id``."""

    bundle: JsonDict
    resources: tuple[JsonDict, ...]
    by_ref: dict[str, JsonDict]

    @classmethod
    def of(cls, bundle: JsonDict) -> BundleView:
        resources: list[JsonDict] = []
        by_ref: dict[str, JsonDict] = {}
        for entry in as_list(bundle.get("entry")):
            resource = as_dict(entry.get("resource"))
            resources.append(resource)
            if entry.get("fullUrl"):
                by_ref[str(entry["fullUrl"])] = resource
            if resource.get("id"):
                by_ref[f"{resource.get('resourceType')}/{resource['id']}"] = resource
        return cls(bundle, tuple(resources), by_ref)

    def resolve(self, reference: object) -> JsonDict | None:
        """The entry a Reference dict (or reference string) points at, or None."""
        target = as_dict(reference).get("reference") if isinstance(reference, dict) else reference
        return self.by_ref.get(str(target)) if target else None

    def of_type(self, resource_type: str) -> list[JsonDict]:
        return [r for r in self.resources if r.get("resourceType") == resource_type]

    def header(self) -> JsonDict:
        if not self.resources or self.resources[0].get("resourceType") != "MessageHeader":
            raise MappingError(
                "a FHIR message Bundle starts with a MessageHeader",
                code="fhir.no-messageheader",
                where="/entry/0/resource",
                expected="MessageHeader",
            )
        return self.resources[0]

    def event(self) -> str | None:
        coding = as_dict(self.header().get("eventCoding"))
        return text_of(coding.get("code"))

    def focus(self) -> list[JsonDict]:
        found = [self.resolve(f) for f in as_list(self.header().get("focus"))]
        return [f for f in found if f is not None]

    def first(self, resource_type: str) -> JsonDict | None:
        """The focus of that type, else the first entry of that type."""
        for resource in self.focus():
            if resource.get("resourceType") == resource_type:
                return resource
        found = self.of_type(resource_type)
        return found[0] if found else None
