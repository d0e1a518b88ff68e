"""The AppRec code lists (kodeverk.yaml) cover every reply the gateway can give."""

from __future__ import annotations

from samband.adapters.apprec.codes import error_code, error_hint, norwegian_text, status_code
from samband.adapters.msghead.validate import REJECTIONS
from samband.kernel.errors import REPLIES, PatientIdentInvalid, reply_for


def test_every_status_and_error_code_in_the_replies_table_has_texts() -> None:
    for reply in REPLIES.values():
        if reply.apprec_status is None or reply.apprec_error is None:
            continue
        assert status_code(reply.apprec_status).dn not in (None, reply.apprec_status)
        assert error_code(reply.apprec_error).dn != reply.apprec_error
        assert error_hint(reply.apprec_error)


def test_every_rejection_rule_has_a_norwegian_problem_text() -> None:
    for rule, cls in REJECTIONS.items():
        code = "msghead.schema-invalid" if rule == "xsd" else rule
        error = cls("detail", code=code)
        reply = reply_for(error)
        assert reply.apprec_error is not None
        text = norwegian_text(error, reply.apprec_error)
        assert "Detalj: detail." in text, rule


def test_text_names_what_where_and_expected() -> None:
    error = PatientIdentInvalid(
        "patient FNR '17558012345': the check digits are wrong",
        code="patient.fnr-check-digit",
        line=40,
        column=17,
        where="/MsgHead/MsgInfo/Patient/Ident/Id",
        expected="11 digits with valid mod-11 check digits",
    )
    text = norwegian_text(error, "E31")
    assert text.startswith("Pasientens fødselsnummer")
    assert "Sted: linje 40, kolonne 17, /MsgHead/MsgInfo/Patient/Ident/Id." in text
    assert "Forventet: 11 digits with valid mod-11 check digits." in text
    assert text.endswith("(Feilkode patient.fnr-check-digit)")
