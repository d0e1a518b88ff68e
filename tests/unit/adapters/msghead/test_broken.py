"""Broken and hostile input: a coded error within a second, and a schema-valid negative AppRec with
the right 8221 code for every permanent one."""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest

from samband.adapters.apprec import build_negative_apprec, parse_apprec, serialize_apprec, validate_apprec
from samband.adapters.msghead import accept_msghead, rejection_for, validate_msghead
from samband.kernel.errors import GatewayError, is_permanent
from samband.kernel.problems import Severity
from tests.unit.adapters.msghead.builders import NOW, patient
from tests.unit.adapters.msghead.test_build import _foresporsel_1_0


@functools.cache
def good() -> bytes:
    """A valid message (built lazily, after the schema catalog is warmed)."""
    return _foresporsel_1_0()


FNR = patient().fnr or ""
MSGID = b"6b0f7d6e-1c3a-4c41-9a55-0d7e6f8a9b10"
XXE = b'<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<MsgHead>&x;</MsgHead>'
BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
    b"<MsgHead>&c;</MsgHead>"
)


def _wrong_check_digit(raw: bytes) -> bytes:
    last = FNR[-1]
    return raw.replace(FNR.encode(), (FNR[:-1] + str((int(last) + 1) % 10)).encode())


def _swap(old: bytes, new: bytes) -> Callable[[], bytes]:
    return lambda: good().replace(old, new)


def _huge() -> bytes:
    return good().replace(b"</MsgHead>", b"<!--" + b"x" * (100 * 1024 * 1024) + b"--></MsgHead>")


UNKNOWN_ROOT = b'<Melding xmlns="urn:example:ukjent"><Id>1</Id></Melding>'
WRONG_MIG = b"<MIGversion>v1.1"
CASES: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "not-well-formed": (lambda: good()[:-30], "xml.not-well-formed", "T01"),
    "wrong-namespace": (
        _swap(b"msghead/2006-05-24", b"msghead/2005-01-01"),
        "msghead.wrong-namespace",
        "T10",
    ),
    "unknown-root": (lambda: UNKNOWN_ROOT, "msghead.wrong-root", "T10"),
    "unknown-payload": (_swap(b"dialog/2006-10-11", b"dialog/2099-01-01"), "msghead.payload-unknown", "T10"),
    "missing-msgid": (_swap(b"<MsgId>" + MSGID + b"</MsgId>", b""), "msghead.missing-msgid", "E10"),
    "msgid-blank": (_swap(MSGID, b"  "), "msghead.missing-msgid", "E10"),
    "bad-fnr": (lambda: _wrong_check_digit(good()), "patient.fnr-check-digit", "E31"),
    "schema-invalid": (_swap(b"<MIGversion>v1.2 2006-05-24", WRONG_MIG), "msghead.schema-invalid", "T02"),
    "xxe": (lambda: XXE, "xml.entity-forbidden", "T01"),
    "entity-bomb": (lambda: BOMB, "xml.entity-forbidden", "T01"),
    "100-mb-body": (_huge, "xml.too-large", "T01"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_input_gives_coded_error_and_a_valid_negative_apprec(case: str) -> None:
    make, code, apprec_code = CASES[case]
    raw = make()
    with pytest.raises(GatewayError) as info:
        accept_msghead(raw)
    error = info.value
    assert error.code == code
    assert is_permanent(error)
    apprec = build_negative_apprec(raw, error, now=NOW, new_id="0b6c4a8e-0f43-4a4e-b8b8-3c1df1e2a001")
    written = serialize_apprec(apprec)
    assert not [f for f in validate_apprec(written) if f.severity is Severity.ERROR]
    read = parse_apprec(written)
    assert read.status.v == "2"
    assert [e.v for e in read.errors] == [apprec_code]
    assert read.errors[0].ot and error.code in read.errors[0].ot


def test_findings_say_where_bad_fnr_and_msgid_are() -> None:
    raw = _wrong_check_digit(good().replace(MSGID, b"MSG-2024-0001"))
    found = {f.code: f for f in validate_msghead(raw)}
    assert found["patient.fnr-check-digit"].path == "/MsgHead/MsgInfo/Patient/Ident/Id"
    assert found["msghead.msgid-not-uuid"].path == "/MsgHead/MsgInfo/MsgId"
    assert all(found[code].line for code in ("patient.fnr-check-digit", "msghead.msgid-not-uuid"))


def test_a_msgid_that_is_not_a_uuid_is_taken_in_with_a_warning_and_kept() -> None:
    model, findings = accept_msghead(good().replace(MSGID, b"MSG-2024-0001"))
    assert model.msg_info.msg_id == "MSG-2024-0001"
    warned = [f for f in findings if f.code == "msghead.msgid-not-uuid"]
    assert [f.severity for f in warned] == [Severity.WARNING]


def test_negative_apprec_for_a_readable_message_goes_back_to_its_sender() -> None:
    raw = _wrong_check_digit(good())
    with pytest.raises(GatewayError) as info:
        accept_msghead(raw)
    apprec = build_negative_apprec(raw, info.value, now=NOW, new_id="0b6c4a8e-0f43-4a4e-b8b8-3c1df1e2a002")
    assert apprec.receiver.her_id == "990002"  # the municipal service that sent the question
    assert apprec.sender.her_id == "880002"  # the GP it was addressed to
    assert apprec.original.id == MSGID.decode()
    assert apprec.original.msg_type.v == "DIALOG_FORESPORSEL"
    assert "kontrollsiffer" in (apprec.errors[0].ot or "")


def test_unknown_message_type_with_a_known_payload_is_only_a_warning() -> None:
    raw = good().replace(b'V="DIALOG_FORESPORSEL"', b'V="DIALOG_UKJENT"')
    model, findings = accept_msghead(raw)
    assert model.msg_type == "DIALOG_UKJENT"
    assert [f.code for f in findings if f.severity is Severity.WARNING] == ["msghead.type-payload-mismatch"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_rejection_for_the_findings_gives_the_same_8221_code(case: str) -> None:
    from samband.kernel.errors import reply_for

    make, _code, apprec_code = CASES[case]
    findings = validate_msghead(make())
    if case == "unknown-payload":  # not a validation error: only acceptance refuses it
        assert not [f for f in findings if f.severity is Severity.ERROR]
        return
    error = rejection_for(findings)
    assert error is not None
    assert reply_for(error).apprec_error == apprec_code
