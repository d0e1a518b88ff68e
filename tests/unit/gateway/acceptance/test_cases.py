"""The acceptance case catalogue: every category answers coherently, file names find their case."""

from __future__ import annotations

from pathlib import Path

import pytest

from samband.gateway.acceptance.cases import Expectation, categories, document_of, expectation_for
from samband.kernel.catalogue import entry
from tests.conftest import REFERENCE, ROOT

CASES = REFERENCE / "acceptance" / "cases"
PLO_16 = CASES / "plo-1_6"
INNLEGG = "Testcase-mottak-innleggelsesrapport-v1_6"
DIALOG = CASES / "dialogmelding-1_0" / "Testcase-Dialogmeldingen"

CATEGORIES = {
    "base",
    "syntax-error",
    "missing-patient-info",
    "unknown-patient",
    "missing-sender",
    "missing-national-id",
    "payload-error",
    "other-identifier",
    "patient-id-differs",
    "unknown-receiver",
    "copy-receiver",
    "duplicate",
    "resend",
    "cancellation",
    "change",
    "wrong-order",
}


def test_every_category_of_the_documents_is_there_once() -> None:
    cases = [expectation.case for expectation in categories()]
    assert sorted(cases) == sorted(CATEGORIES)


@pytest.mark.parametrize("expectation", categories(), ids=lambda e: e.case)
def test_a_category_answers_as_its_verdict_says(expectation: Expectation) -> None:
    if expectation.verdict == "refuse":
        assert expectation.apprec_status == "2"
        assert expectation.error_code is not None
        assert expectation.code is not None
        found = entry(expectation.code)
        assert found is not None and found.reply is not None
        assert found.reply.apprec_error == expectation.error_code
        assert expectation.text_no == found.text_no
    else:
        assert expectation.apprec_status == "1"
        assert expectation.error_code is None
    assert expectation.text_no
    assert "krav" in expectation.requirement


@pytest.mark.parametrize(
    ("folder", "name", "case", "verdict", "error"),
    [
        (INNLEGG, "Case1.xml", "base", "accept", None),
        (
            "Testcase-mottak-innleggelsesrapport-v1_6",
            "Case1_manglende-pasinfo.xml",
            "missing-patient-info",
            "refuse",
            "E36",
        ),
        (
            "Testcase-mottak-innleggelsesrapport-v1_6",
            "Case1_manglende-fodselsnummer.xml",
            "missing-national-id",
            "refuse",
            "E30",
        ),
        (
            "Testcase-mottak-innleggelsesrapport-v1_6",
            "Case1_manglende-avsenderinfo-a.xml",
            "missing-sender",
            "refuse",
            "X99",
        ),
        (
            "Testcase-mottak-innleggelsesrapport-v1_6",
            "Case1_pasient-id-b.xml",
            "other-identifier",
            "warn",
            None,
        ),
        (
            "Testcase-mottak-innleggelsesrapport-v1_6",
            "Case1_pasient-id-c.xml",
            "other-identifier",
            "accept",
            None,
        ),
        (
            "Testcase-mottak-innleggelsesrapport-v1_6",
            "Case1_ukjent-mottaker.xml",
            "unknown-receiver",
            "refuse",
            "E21",
        ),
        (
            "Testcase-mottak-innleggelsesrapport-v1_6",
            "Case1_kansellering.xml",
            "cancellation",
            "accept",
            None,
        ),
        ("Testcase-mottak-helseopplysninger_til_lege-v1_6", "Case2_2.xml", "base", "accept", None),
    ],
)
def test_plo_16_files_are_known_by_their_suffix(
    folder: str, name: str, case: str, verdict: str, error: str | None
) -> None:
    found = expectation_for(PLO_16 / folder / name)
    assert found is not None
    assert (found.case, found.verdict, found.error_code) == (case, verdict, error)


def test_plo_16_requirement_names_the_15_document_of_its_message_type() -> None:
    found = expectation_for(
        PLO_16 / "Testcase-mottak-innleggelsesrapport-v1_6" / "Case1_manglende-pasinfo.xml"
    )
    assert found is not None
    assert found.requirement.startswith("PLO 1.5 Innleggelsesrapport, krav 11")


def test_dialogmelding_ids_are_its_own_not_plo_ones() -> None:
    found = expectation_for(DIALOG / "Case1-14a.xml")
    assert found is not None
    assert (found.case, found.error_code) == ("missing-patient-info", "E36")
    assert found.requirement == "Dialogmelding 1.0, krav 14 (Case1-14a)"
    assert document_of(DIALOG / "Case1-14a.xml") == "dialogmelding-1.0"


@pytest.mark.parametrize(
    ("folder", "name", "case"),
    [
        ("Testcase-mottak-innleggelsesrapport-v1_5", "Case1-19.xml", "copy-receiver"),
        ("Testcase-mottak-orientering_om_tjenestetilbud-v1_5", "Case1-19.xml", "cancellation"),
        ("Testcase-mottak-helseopplysninger_ved_soknad-v1_5", "Case1-20.xml", "wrong-order"),
        ("Testcase-mottak-utskrivningsrapport-v1_5", "Case1-20b.xml", "duplicate"),
        ("Testcase-mottak-melding_fravar-v1_5", "Case1-14a.xml", "missing-national-id"),
        ("anywhere", "Case1-11c.xml", "missing-patient-info"),
        ("anywhere", "Case1-13b.xml", "missing-sender"),
    ],
)
def test_plo_15_case_ids_follow_their_document(folder: str, name: str, case: str) -> None:
    found = expectation_for(Path("/nowhere") / folder / name)
    assert found is not None
    assert found.case == case


def test_plo_15_message_type_is_read_from_the_message(tmp_path: Path) -> None:
    message = tmp_path / "Case1-19.xml"
    message.write_text('<MsgHead><MsgInfo><Type V="ORIENTERING_TJENESTETILBUD"/></MsgInfo></MsgHead>')
    found = expectation_for(message)
    assert found is not None
    assert found.case == "cancellation"
    assert found.requirement == "PLO 1.5 Orientering om tjenestetilbud, krav 19 (Case1-19)"


def test_files_that_are_no_test_case_have_no_expectation() -> None:
    assert expectation_for(Path("notes.xml")) is None
    assert expectation_for(Path("Case1_something-else.xml")) is None


def test_every_official_test_message_has_an_expectation() -> None:
    files = sorted([*PLO_16.rglob("*.xml"), *DIALOG.glob("*.xml")])
    assert len(files) == 176
    missing = [str(path) for path in files if expectation_for(path) is None]
    assert missing == []


def test_docs_acceptance_names_every_category_and_code() -> None:
    page = (ROOT / "docs" / "acceptance.md").read_text(encoding="utf-8")
    for expectation in categories():
        assert f"`{expectation.case}`" in page
        if expectation.code:
            assert f"`{expectation.code}`" in page
            assert expectation.text_no in page
