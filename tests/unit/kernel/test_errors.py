"""Every error class has a reply row, and replies follow the permanent/transient split."""

from __future__ import annotations

import samband.kernel.errors as errors
from samband.kernel.errors import REPLIES, GatewayError, is_permanent, reply_for


def _all_subclasses(cls: type[GatewayError]) -> set[type[GatewayError]]:
    found: set[type[GatewayError]] = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_every_error_class_has_a_reply() -> None:
    missing = {cls.__name__ for cls in _all_subclasses(GatewayError)} - {cls.__name__ for cls in REPLIES}
    assert not missing, f"add these to errors.REPLIES: {sorted(missing)}"


def test_sender_errors_give_negative_apprec_and_are_not_retried() -> None:
    error = errors.SchemaInvalid("bad", where="/MsgHead/MsgInfo")
    reply = reply_for(error)
    assert (reply.apprec_status, reply.apprec_error, reply.http_status) == ("2", "T02", 422)
    assert is_permanent(error)


def test_receiver_down_is_retried() -> None:
    assert not is_permanent(errors.DeliveryUnavailable("timeout"))


def test_error_text_says_where_and_what_was_expected() -> None:
    error = errors.ParseError("bad", line=3, column=7, where="/a/b", expected="x", received="y")
    text = str(error)
    assert "line 3:7" in text and "/a/b" in text and "expected x" in text
    assert error.as_dict()["code"] == "xml.not-well-formed"
