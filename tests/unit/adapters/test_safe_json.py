"""The one JSON read refuses hostile and broken documents with coded errors, quickly."""

from __future__ import annotations

import pytest

from samband.adapters.json.safe import read_json
from samband.adapters.limits import JsonLimits, Limits, applied
from samband.kernel.errors import ParseError, reply_for


def _refused(raw: bytes, limits: JsonLimits | None = None) -> ParseError:
    with pytest.raises(ParseError) as caught:
        read_json(raw, limits)
    return caught.value


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "json.too-deep"),
        (b"[" * 65 + b"]" * 65, "json.too-deep"),
        (b'{"n": 1e1000000}', "json.number-out-of-range"),
        (b'{"n": ' + b"9" * 1_000_000 + b"}", "json.number-too-long"),
        (b'{"n": NaN}', "json.not-finite"),
        (b'{"n": -Infinity}', "json.not-finite"),
        (b'{"id": "\\ud800"}', "json.lone-surrogate"),
        (b'{"id": "bl\xe5"}', "json.encoding"),
        (b"[" + b"1," * 300_000 + b"1]", "json.too-many-values"),
        (b'{"a":\n tru}', "json.invalid"),
        (b"", "json.invalid"),
    ],
)
def test_hostile_json_is_refused_coded(raw: bytes, code: str) -> None:
    refused = _refused(raw)
    assert refused.code == code
    assert reply_for(refused).apprec_error == "T01"


def test_what_a_string_holds_is_not_counted_as_values_numbers_or_constants() -> None:
    text = ", ".join(["NaN Infinity"] * 200_000) + " " + "9" * 500
    assert read_json(b'{"note": "%s"}' % text.encode()) == {"note": text}


def test_a_refusal_says_where() -> None:
    refused = _refused(b'{\n "a": [1,\n  tru]}')
    assert (refused.line, refused.column) == (3, 3)
    assert _refused(b'{"a": {"b": "\\udc00"}}').where == "/a/b"
    assert _refused(b'{"a": [[[1]]]}', JsonLimits(max_depth=3)).where == "/a/0/0"
    assert (
        _refused(b'{"a": "' + b"x" * 30 + b'"}', JsonLimits(max_string_chars=20)).code
        == "json.string-too-long"
    )


def test_the_limits_in_force_are_the_ones_applied() -> None:
    raw = b"[[[[1]]]]"
    assert read_json(raw) == [[[[1]]]]
    with applied(Limits(json=JsonLimits(max_depth=3))):
        assert _refused(raw).code == "json.too-deep"
    assert read_json(raw) == [[[[1]]]]


def test_a_surrogate_pair_is_one_character_and_half_of_one_is_refused_in_keys_and_values() -> None:
    assert read_json(b'["\\ud83d\\ude00", "\\u00e5", "\\\\ud800"]') == ["\U0001f600", "\u00e5", "\\ud800"]
    assert _refused(b'{"\\udfff": 1}').code == "json.lone-surrogate"
    assert _refused(b'["\\ud83d\\ude00\\ud83d"]').code == "json.lone-surrogate"
