"""Format names: the one vocabulary for what a document is, what a route matches and what it delivers.

``adapters.formats.FORMATS`` says how each format is read and written, ``mappings.registry.MAPPINGS``
which (source, target) pairs translate; everything else names formats with these members.
"""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    """Every format name the gateway knows (registry keys, route data, stored ``messages.format``)."""

    EBXML = "ebxml"  # ebMS 2.0 envelope: SOAP, or a MIME package with payloads
    MSGHEAD = "msghead"  # Hodemelding (MsgHead 1.2), carrying a PLO or Dialogmelding payload
    APPREC = "apprec"  # Applikasjonskvittering 1.0 / 1.1
    DIALOGMELDING = "dialogmelding"  # payload family: Dialogmelding 1.0 / 1.1 (HIS 80603)
    PLO = "plo"  # payload family: PLO 1.5 / 1.6 / 2.0 (HIS 80704)
    FHIR = "fhir"  # FHIR R4 JSON, the pivot
    IP_EXPORT = "ip-export"  # the ip-export contract (JSON or XML)
    CPPA = "cppa"  # CPP / CPA 2.0 (read for validation only)
    ADRESSEREGISTER = "adresseregister"  # Adresseregister data contracts (read for validation only)
    PAYLOAD = "payload"  # a bare payload outside its Hodemelding (validation only)
    AS_IS = "as-is"  # a route target, not a document format: the original bytes, no mapping


PAYLOAD_FAMILIES: tuple[Format, ...] = (Format.PLO, Format.DIALOGMELDING)
"""What a Hodemelding carries: it also counts as its payload family when routes match."""

ROUTE_SOURCES: tuple[Format, ...] = (
    Format.EBXML,
    Format.MSGHEAD,
    Format.APPREC,
    Format.DIALOGMELDING,
    Format.PLO,
    Format.FHIR,
    Format.IP_EXPORT,
)
"""What a route's ``match.source_formats`` may name: how a message came in, or its payload family."""

TRANSLATABLE: tuple[Format, ...] = (Format.FHIR, Format.PLO, Format.DIALOGMELDING, Format.IP_EXPORT)
"""The formats a mapping writes: the targets of ``samband translate --to``."""

ROUTE_TARGETS: tuple[Format, ...] = (*TRANSLATABLE, Format.AS_IS)
"""What a route's ``target_format`` may name."""
