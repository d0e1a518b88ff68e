"""The signing hooks: a Signer sees the XSD-checked envelope and payloads, a Verifier can refuse."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from samband.adapters.ebxml import (
    Payload,
    build_message,
    error_code_for,
    parse_ebxml,
    serialize_ebxml,
    serialize_package,
)
from samband.kernel.errors import MessageRejected

MARK = b"<!-- signed -->"


class RecordingSigner:
    def __init__(self) -> None:
        self.seen: list[tuple[bytes, tuple[bytes, ...]]] = []

    def sign(self, envelope: bytes, payloads: Sequence[Payload]) -> bytes:
        self.seen.append((envelope, tuple(p.data for p in payloads)))
        return envelope + MARK


class RefusingVerifier:
    def verify(self, envelope: bytes, payloads: Sequence[Payload]) -> None:
        raise MessageRejected(
            "signature does not verify", code="ebxml.signature-invalid", where="ds:Signature"
        )


def test_signer_gets_the_envelope_and_payload_bytes() -> None:
    signer = RecordingSigner()
    message = build_message(from_her="8094866", to_her="133735", action="DIALOG_NOTAT", payload=b"\x30\x80")
    package = serialize_package(message, signer=signer)
    envelope, payloads = signer.seen[0]
    assert payloads == (b"\x30\x80",)
    assert envelope + MARK in package.body
    assert serialize_ebxml(message, signer=signer).endswith(MARK)


def test_verifier_refusal_stops_the_parse(samples_dir: Path) -> None:
    raw = (samples_dir / "ebxml/sarepta/ebxml-eksempel.xml").read_bytes()
    with pytest.raises(MessageRejected) as info:
        parse_ebxml(raw, verifier=RefusingVerifier())
    assert info.value.code == "ebxml.signature-invalid"
    assert error_code_for(info.value.code) == "SecurityFailure"


@pytest.mark.parametrize(
    ("code", "ebms"),
    [
        ("ebxml.mime-no-start", "MimeProblem"),
        ("ebxml.soap-action", "MimeProblem"),
        ("ebxml.wrong-namespace", "NotSupported"),
        ("ebxml.missing-messageid", "OtherXml"),
        ("xml.entity-forbidden", "OtherXml"),
        ("ebxml.signal-service", "Inconsistent"),
        ("routing.no-route", "Unknown"),
    ],
)
def test_error_codes_map_to_ebms_codes(code: str, ebms: str) -> None:
    assert error_code_for(code) == ebms
