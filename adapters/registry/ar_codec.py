"""The AR model as plain JSON and back, for keeping lookups (the register cache in the store).

``party_to_json(party)`` gives a dict of JSON values (datetimes as ISO 8601, nested addresses and
codes as objects); ``party_from_json`` reads it back into an equal ``CommunicationParty``. The shape
is Samband's own and versioned (``v``): an entry of another version, or one that does not read,
is ``ar.cache-entry`` and the caller asks the register again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

from samband.adapters.registry.ar_model import (
    CertificateRef,
    Code,
    CommunicationParty,
    ElectronicAddress,
    PhysicalAddress,
)
from samband.kernel.errors import ParseError

VERSION = 1
_TIMES = ("valid_from", "valid_to", "last_changed")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def party_to_json(party: CommunicationParty) -> dict[str, Any]:
    """``party`` as JSON values (a dict), with the codec version."""
    encoded: dict[str, Any] = _jsonable(asdict(party))
    encoded["v"] = VERSION
    return encoded


def _time(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _certificate(value: Mapping[str, Any] | None) -> CertificateRef | None:
    if value is None:
        return None
    return CertificateRef(value["thumbprint"], _time(value["valid_from"]), _time(value["valid_to"]))


def _code(value: Mapping[str, Any] | None) -> Code | None:
    return None if value is None else Code(**value)


def party_from_json(data: Mapping[str, Any]) -> CommunicationParty:
    """What ``party_to_json`` wrote, as the party again; ``ar.cache-entry`` when it does not read."""
    if data.get("v") != VERSION:
        raise ParseError(
            "a kept register entry of another version", code="ar.cache-entry", received=str(data.get("v"))
        )
    try:
        fields = {key: value for key, value in data.items() if key != "v"}
        for key in _TIMES:
            fields[key] = _time(fields.get(key))
        fields["electronic_addresses"] = tuple(
            ElectronicAddress(**{**a, "last_changed": _time(a.get("last_changed"))})
            for a in fields.get("electronic_addresses", ())
        )
        fields["physical_addresses"] = tuple(
            PhysicalAddress(**a) for a in fields.get("physical_addresses", ())
        )
        fields["municipality"] = _code(fields.get("municipality"))
        fields["service_code"] = _code(fields.get("service_code"))
        fields["signing_certificate"] = _certificate(fields.get("signing_certificate"))
        fields["encryption_certificate"] = _certificate(fields.get("encryption_certificate"))
        return CommunicationParty(**fields)
    except (TypeError, KeyError, ValueError, AttributeError) as exc:
        raise ParseError(f"a kept register entry does not read: {exc}", code="ar.cache-entry") from exc
