"""Sender and patient must be identifiable; the patient's identifiers are judged by kind (the receive
acceptance tests' stateless cases, docs/acceptance.md)."""

from __future__ import annotations

import re

import pytest

from samband.adapters.msghead import rejection_for, validate_msghead
from samband.adapters.plo import validate_plo
from samband.kernel.errors import reply_for
from samband.kernel.problems import Problem, Severity
from tests.conftest import SAMPLES
from tests.unit.adapters.msghead.test_broken import FNR, good

PATIENT = re.compile(rb"<Patient>.*</Patient>", re.DOTALL)
SENDER = re.compile(rb"<Sender>.*</Sender>", re.DOTALL)
FNR_TYPE = b'<TypeId V="FNR" S="2.16.578.1.12.4.1.1.8116" DN="F\xc3\xb8dselsnummer"/>'


def _patient(body: bytes) -> bytes:
    return PATIENT.sub(b"<Patient>" + body + b"</Patient>", good())


def _ident(value: str, kind: str = "FNR") -> bytes:
    type_id = FNR_TYPE.replace(b'V="FNR"', f'V="{kind}"'.encode())
    return b"<Ident><Id>" + value.encode() + b"</Id>" + type_id + b"</Ident>"


NAME = b"<FamilyName>Testesen</FamilyName><GivenName>Ola</GivenName>"


def _coded(findings: list[Problem], severity: Severity) -> list[str]:
    return [
        f.code for f in findings if f.severity is severity and f.code.startswith(("patient.", "msghead.s"))
    ]


def _answer(raw: bytes) -> str | None:
    error = rejection_for(validate_msghead(raw))
    return None if error is None else reply_for(error).apprec_error


@pytest.mark.parametrize(
    ("body", "errors", "warnings", "apprec"),
    [
        (NAME + _ident(FNR), [], [], None),
        (b"<Address><City>Testvik</City></Address>", ["patient.unidentified"], [], "E36"),
        (b"<FamilyName></FamilyName>" + _ident(""), ["patient.unidentified"], [], "E36"),
        (NAME, ["patient.missing-national-id"], [], "E30"),
        (NAME + b"<DateOfBirth>1948-05-17</DateOfBirth>", ["patient.missing-national-id"], [], "E30"),
        (NAME + _ident(""), ["patient.missing-national-id"], [], "E30"),
        (NAME + _ident("80005045804", "FHN"), [], ["patient.other-identifier"], None),
        (NAME + _ident("25436000305", "HNR"), [], ["patient.other-identifier"], None),
        (NAME + _ident(FNR) + _ident("80005045804", "FHN"), [], [], None),
        (NAME + _ident("70019950032", "DNR"), [], [], None),
        (_ident(FNR), [], ["patient.unnamed"], None),  # MsgHead: a name or an identifier
        (
            NAME + b"<DateOfBirth>1950-01-01</DateOfBirth>" + _ident(FNR),
            [],
            ["patient.birth-date-mismatch"],
            None,
        ),
    ],
    ids=[
        "fnr",
        "nothing",
        "empty",
        "name-only",
        "name-and-birth-date",
        "empty-fnr",
        "fhn",
        "hnr",
        "fnr-and-fhn",
        "dnr",
        "fnr-without-name",
        "birth-date-not-the-fnr-s",
    ],
)
def test_patient_rules(body: bytes, errors: list[str], warnings: list[str], apprec: str | None) -> None:
    raw = _patient(body)
    findings = validate_msghead(raw)
    assert _coded(findings, Severity.ERROR) == errors
    assert _coded(findings, Severity.WARNING) == warnings
    assert _answer(raw) == apprec
    assert all(f.path and f.line for f in findings if f.code in errors + warnings)


def test_a_dialogmelding_need_not_be_about_a_patient() -> None:
    raw = PATIENT.sub(b"", good())
    assert _coded(validate_msghead(raw), Severity.ERROR) == []


def test_a_plo_message_must_be_about_a_patient() -> None:
    raw = (SAMPLES / "plo" / "1_6" / "Innleggelsesrapport_v1-6_Ny.xml").read_bytes()
    without = PATIENT.sub(b"", raw)
    assert "patient.unidentified" not in [f.code for f in validate_plo(raw)]
    finding = next(f for f in validate_plo(without) if f.code == "patient.unidentified")
    assert (finding.severity, finding.path) == (Severity.ERROR, "/MsgHead/MsgInfo")
    assert _answer(without) == "E36"


@pytest.mark.parametrize(
    ("sender", "where"),
    [
        (b"<Sender><Organisation></Organisation></Sender>", "/MsgHead/MsgInfo/Sender/Organisation"),
        (
            b"<Sender><Organisation><OrganisationName>Testvik</OrganisationName></Organisation></Sender>",
            "/MsgHead/MsgInfo/Sender/Organisation",
        ),
        (b"<Sender/>", "/MsgHead/MsgInfo/Sender"),
        (b"", "/MsgHead/MsgInfo"),
    ],
    ids=["empty-organisation", "no-identifier", "empty-sender", "no-sender"],
)
def test_a_sender_without_name_and_identifier_is_refused(sender: bytes, where: str) -> None:
    raw = SENDER.sub(sender, good())
    finding = next(f for f in validate_msghead(raw) if f.code == "msghead.sender-unidentified")
    assert (finding.severity, finding.path) == (Severity.ERROR, where)
    assert _answer(raw) == "X99"


def test_a_misspelt_sender_is_a_schema_error() -> None:
    raw = good().replace(b"<Sender>", b"<Sendr>").replace(b"</Sender>", b"</Sendr>")
    assert "msghead.sender-unidentified" not in [f.code for f in validate_msghead(raw)]
    assert _answer(raw) == "T02"
