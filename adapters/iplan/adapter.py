"""ip-export as an ``Adapter`` (adapters/base.py): parse, serialize, and the envelope facts.

The envelope of an ip-export: exportId as message id, the plan id as conversation, the plan owner's
FNR/DNR, the exporting service's HER-id, the contract version and when it was generated.
"""

from __future__ import annotations

from samband.adapters.iplan.io import is_xml, parse, serialize_json, serialize_xml
from samband.adapters.iplan.model import XML_NAMESPACE, IpExport
from samband.kernel.envelope import Envelope
from samband.kernel.formats import Format

MSG_TYPE = "IP_EXPORT"


def envelope(raw: bytes) -> Envelope:
    """Envelope facts of an ip-export (parsed and checked, so the facts can be trusted)."""
    export = parse(raw)
    her = export.source.her_id
    return Envelope(
        msg_id=export.export_id,
        msg_type=MSG_TYPE,
        sender_her=str(her) if her is not None else None,
        conversation_ref=export.plan.id,
        patient_id=export.plan.subject.national_id.value,
        namespace=XML_NAMESPACE if is_xml(raw) else None,
        version=export.schema_version,
        generated_at=export.generated_at,
    )


class IpExportAdapter:
    """bytes ↔ ``IpExport``; ``xml`` chooses the encoding ``serialize`` writes."""

    format: Format = Format.IP_EXPORT

    def __init__(self, *, xml: bool = False) -> None:
        self.xml = xml

    def parse(self, raw: bytes) -> IpExport:
        return parse(raw)

    def envelope(self, raw: bytes) -> Envelope:
        return envelope(raw)

    def serialize(self, native: IpExport) -> bytes:
        return serialize_xml(native) if self.xml else serialize_json(native)
