"""Resource ids derived from identifiers are the UUID v5 of their parts, so ids already stored and
sent stay the same."""

from __future__ import annotations

import uuid

import pytest

from samband.kernel.ids import SAMBAND_NAMESPACE, stable_id


@pytest.mark.parametrize(
    "parts",
    [
        ("Patient", "12345", "b7e3c2d0-1111-2222-3333-444455556666"),
        ("Observation", "/Konsultasjon/InfoKartleggingFunksjonsniva/KartlagtFunksjon[3]"),
        ("Organization", "Ålesund sjukehus, avd. for «pleie» og omsorg 🙂"),
        ("",),
    ],
)
def test_a_stable_id_is_the_uuid5_of_its_parts(parts: tuple[str, ...]) -> None:
    expected = uuid.uuid5(SAMBAND_NAMESPACE, "|".join(parts))
    assert stable_id(*parts) == str(expected)
    assert uuid.UUID(stable_id(*parts)).version == 5


def test_same_parts_same_id_and_other_parts_another() -> None:
    assert stable_id("Patient", "1") == stable_id("Patient", "1")
    assert stable_id("Patient", "1") != stable_id("Patient", "2")
