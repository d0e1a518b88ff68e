"""PLO as ``PayloadAdapter``s (one per payload namespace) for the Hodemelding payload registry.

``PLO_PAYLOADS`` is a plain dict, namespace → ``PloPayload``, built from ``catalog.yaml``;
``adapters/msghead/payloads.py`` lists these entries in ``PAYLOADS``. The PLO package takes the
shared KITH types from ``adapters.kith``, never from the Hodemelding package, so there is no cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from samband.adapters.plo import catalog
from samband.adapters.plo.message import PloMessage
from samband.adapters.plo.parse import parse_plo
from samband.adapters.plo.serialize import serialize_plo
from samband.adapters.plo.validate import validate_plo
from samband.kernel.errors import MappingError
from samband.kernel.problems import Problem


@dataclass(frozen=True)
class PloPayload:
    """``PayloadAdapter`` for one PLO payload schema (one namespace, one version)."""

    name: str
    version: str
    namespace: str
    root: str
    message_types: frozenset[str]

    def parse(self, element: etree._Element) -> Any:
        return parse_plo(element)

    def serialize(self, model: Any) -> etree._Element:
        if not isinstance(model, PloMessage):
            raise MappingError(
                f"expected a PloMessage, got {type(model).__name__}",
                code="plo.wrong-model",
                expected="PloMessage",
            )
        return serialize_plo(model)

    def validate(self, element: etree._Element) -> list[Problem]:
        return validate_plo(element)


def _types(spec: catalog.MessageSpec) -> frozenset[str]:
    if spec.kind:
        return frozenset({spec.kind, *spec.aliases})
    return catalog.logistikk_types(spec.version)


PLO_PAYLOADS: dict[str, PloPayload] = {
    spec.namespace: PloPayload(
        name=spec.dn,
        version=spec.version,
        namespace=spec.namespace,
        root=spec.root,
        message_types=_types(spec),
    )
    for spec in catalog.messages().values()
}
