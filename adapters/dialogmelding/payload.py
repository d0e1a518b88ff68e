"""Dialogmelding 1.0 and 1.1 as entries of the Hodemelding payload registry (``PAYLOADS``).

Besides the XSD (run by the Hodemelding validator), a Dialogmelding must carry at least one
Foresporsel or Notat, and its coded elements should name their code system (HIS 80603 §3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from samband.adapters.dialogmelding.codec import parse_dialogmelding, serialize_dialogmelding
from samband.adapters.dialogmelding.model import DIALOG_10_NS, DIALOG_11_NS, Dialogmelding
from samband.adapters.kith.datatypes import children, local_name, xpath_of
from samband.kernel.codes import lookup
from samband.kernel.errors import MappingError
from samband.kernel.problems import Problem, Severity

_TYPES_1_0 = frozenset({"DIALOG_FORESPORSEL", "DIALOG_SVAR", "DIALOG_NOTAT", "DIALOG_AVVIK"})
DIALOG_TYPES = frozenset(code for code in lookup.table("8279").codes if code.startswith("DIALOG_"))
"""Every ``DIALOG_*`` MsgInfo/Type of code table 8279: the Dialogmelding 1.1 types, among them
every Helsenorge digital-dialog process (``DIALOG_INNBYGGER_*``)."""
_TYPES_1_1 = _TYPES_1_0 | DIALOG_TYPES
_CODED = ("TypeForesp", "TemaKodet")


@dataclass(frozen=True)
class DialogmeldingPayload:
    """``PayloadAdapter`` for one Dialogmelding version."""

    name: str
    version: str
    namespace: str
    root: str
    message_types: frozenset[str]

    def parse(self, element: etree._Element) -> Dialogmelding:
        return parse_dialogmelding(element)

    def serialize(self, model: Any) -> etree._Element:
        if not isinstance(model, Dialogmelding):
            raise MappingError(
                f"expected a Dialogmelding model, got {type(model).__name__}",
                code="dialogmelding.wrong-model",
                expected="Dialogmelding",
            )
        return serialize_dialogmelding(model)

    def validate(self, element: etree._Element) -> list[Problem]:
        """Payload rules beyond the XSD: content present, code systems named."""
        findings: list[Problem] = []
        has_content = any(
            next(children(element, self.namespace, local), None) is not None
            for local in ("Foresporsel", "Notat")
        )
        if not has_content:
            findings.append(
                Problem(
                    code="dialogmelding.empty",
                    severity=Severity.WARNING,
                    text="Dialogmelding has neither Foresporsel nor Notat; the receiver gets no content",
                    line=element.sourceline,
                    path=xpath_of(element),
                )
            )
        for el in element.iter():
            if isinstance(el.tag, str) and local_name(el) in _CODED and not el.get("S"):
                findings.append(
                    Problem(
                        code="dialogmelding.code-system-missing",
                        severity=Severity.WARNING,
                        text=f"{local_name(el)} V={el.get('V')!r} has no S (code system OID)",
                        line=el.sourceline,
                        path=xpath_of(el),
                    )
                )
        return findings


DIALOGMELDING_1_0 = DialogmeldingPayload(
    name="Dialogmelding",
    version="1.0",
    namespace=DIALOG_10_NS,
    root="Dialogmelding",
    message_types=_TYPES_1_0,
)
DIALOGMELDING_1_1 = DialogmeldingPayload(
    name="Dialogmelding",
    version="1.1",
    namespace=DIALOG_11_NS,
    root="Dialogmelding",
    message_types=_TYPES_1_1,
)
