"""What links a Hodemelding to others, read from the official PLO 1.6 acceptance test messages:
document status (7309), RefToParent, copy receivers, and a digest blind to GenDate and layout."""

from __future__ import annotations

import pytest

from samband.adapters.msghead.lineage import Addressee, read_lineage
from tests.conftest import REFERENCE

FOLDER = REFERENCE / "acceptance" / "cases" / "plo-1_6" / "Testcase-mottak-innleggelsesrapport-v1_6"

pytestmark = pytest.mark.skipif(not FOLDER.is_dir(), reason=f"acceptance test messages not found at {FOLDER}")


def raw(name: str) -> bytes:
    return (FOLDER / f"{name}.xml").read_bytes()


def test_a_cancellation_names_its_original_and_says_c() -> None:
    facts = read_lineage(raw("Case1_kansellering"))
    original = read_lineage(raw("Case1"))
    assert (facts.status, facts.parent, facts.conversation) == (
        "C",
        "151de390-f8cd-11e1-a21f-0800200c9a66",
        facts.parent,
    )
    assert (original.status, original.parent) == ("N", None)
    assert read_lineage(raw("Case1_endring-b")).status == "M"


def test_copy_receivers_and_who_a_copy_is_for() -> None:
    base = read_lineage(raw("Case1"))
    assert base.receiver == Addressee("91093", "91094") and base.copies == (Addressee("91097", "91104"),)
    assert base.copy_only({"91094"}) is None and base.copy_only(set()) is None
    copy = read_lineage(raw("Case1_mottak-som-kopimottaker"))
    assert copy.copy_only({"91094"}) == "91094" and copy.copy_only({"91093"}) == "91094"
    assert copy.copy_only({"12345"}) is None
    assert read_lineage(raw("Case1_duplikat")).copy_in_same_organisation()
    assert not read_lineage(raw("Case1_resending")).copy_in_same_organisation()


def test_the_digest_ignores_gendate_comments_and_layout_but_not_content() -> None:
    original = raw("Case1_resending")
    again = original.replace(b"2012-09-05T15:49:47", b"2013-01-01T00:00:00").replace(b"\n\t\t", b"\n  ")
    again = again.replace(b"<!-- Test av resending", b"<!-- Sent again, test av resending")
    assert again != original
    assert read_lineage(again).digest == read_lineage(original).digest
    other = original.replace(b"Numedalsveien 52", b"Numedalsveien 54")
    assert read_lineage(other).digest != read_lineage(original).digest
