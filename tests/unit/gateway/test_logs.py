"""The log handler the service and the command line install: national ids masked everywhere in a
record, exceptions without their text, the command line one line a record."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date

import pytest
from pydantic import BaseModel, ValidationError

from samband.adapters.ident.person import synthetic_fnr
from samband.gateway.logs import PatientDataFilter, configure_logging, mask_national_ids, safe_traceback
from samband.kernel.errors import PatientIdentInvalid

FNR = synthetic_fnr(date(1953, 4, 12))
DNR = synthetic_fnr(date(1980, 1, 2), dnr=True)
NAME = "Kari Nordmann"  # a traceback shows source lines: the raising lines name the variable only


class Person(BaseModel):
    national_id: str
    age: int


@pytest.fixture
def logged(capsys: pytest.CaptureFixture[str]) -> Iterator[logging.Logger]:
    """A samband logger writing through the service's handler (tracebacks kept) to stderr."""
    root = logging.getLogger()
    before = root.level
    handler = configure_logging(logging.INFO)
    yield logging.getLogger("samband.test.logs")
    root.removeHandler(handler)
    root.setLevel(before)


def test_an_id_with_right_check_digits_is_masked_and_other_numbers_are_kept() -> None:
    assert mask_national_ids(f"patient {FNR} and {DNR}") == f"patient {FNR[:6]}***** and {DNR[:6]}*****"
    wrong = FNR[:10] + str((int(FNR[10]) + 1) % 10)
    assert mask_national_ids(f"{wrong} 12345678901 {FNR}0 80101") == f"{wrong} 12345678901 {FNR}0 80101"
    assert mask_national_ids(f"?patient={FNR}&x") == f"?patient={FNR[:6]}*****&x"


def test_message_arguments_and_extra_fields_are_masked(
    logged: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    logged.warning("looked up %s", FNR, extra={"patient": FNR, "count": 3})
    err = capsys.readouterr().err
    assert FNR not in err and f"looked up {FNR[:6]}*****" in err
    record = logging.LogRecord("x", logging.INFO, "f", 1, "m", None, None)
    record.__dict__["patient"] = f"id {FNR}"
    PatientDataFilter().filter(record)
    assert record.__dict__["patient"] == f"id {FNR[:6]}*****"


def test_an_exception_is_logged_with_its_frames_and_type_never_its_text(
    logged: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        Person.model_validate({"national_id": FNR, "age": NAME})
    except ValidationError:
        logged.exception("validation failed")
    err = capsys.readouterr().err
    assert "Traceback (most recent call last):" in err and "ValidationError" in err
    assert "Kari" not in err and FNR not in err and "input" not in err


def test_a_chained_gateway_error_shows_its_code_and_where_not_its_values() -> None:
    try:
        try:
            raise KeyError(NAME + FNR)
        except KeyError as exc:
            raise PatientIdentInvalid(
                f"bad id {FNR}", code="patient.fnr-check-digit", where="/MsgHead/Patient", received=FNR
            ) from exc
    except PatientIdentInvalid as exc:
        text = safe_traceback(exc)
    assert text.index("KeyError") < text.index("PatientIdentInvalid [patient.fnr-check-digit] at /MsgHead")
    assert "Nordmann" not in text and FNR not in text and "bad id" not in text


def test_the_command_line_writes_one_line_a_record(capsys: pytest.CaptureFixture[str]) -> None:
    handler = configure_logging(logging.WARNING, tracebacks=False)
    try:
        try:
            raise RuntimeError(NAME + FNR)
        except RuntimeError:
            logging.getLogger("samband.test").exception("processing message %s failed", "m-1")
    finally:
        logging.getLogger().removeHandler(handler)
    assert capsys.readouterr().err == (
        "samband: ERROR samband.test: processing message m-1 failed [RuntimeError]\n"
    )
