"""Build the MIME multipart/related package an ebXML message travels in (HIS 1037 §8.1, RFC 2387).

The SOAP part comes first (UTF-8), then one part per payload in its own transfer encoding; the
Content-Type carries ``type="text/xml"`` and ``start`` (HITS 1172 rules 253, 255).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Sequence

from samband.adapters.ebxml.model import Payload
from samband.adapters.ebxml.names import MULTIPART_RELATED, SOAP_ACTION, SOAP_PART_TYPE, TRANSFER_ENCODINGS
from samband.kernel.errors import UnsupportedMessage


def encode_body(data: bytes, encoding: str) -> bytes:
    """Apply a Content-Transfer-Encoding; base64 in 76-character CRLF lines (RFC 2045 §6.8)."""
    if encoding == "base64":
        text = base64.b64encode(data)
        return b"\r\n".join(text[i : i + 76] for i in range(0, len(text), 76))
    if encoding == "quoted-printable":
        return binascii.b2a_qp(data, istext=False).replace(b"=\n", b"=\r\n")
    if encoding in TRANSFER_ENCODINGS:
        return data
    raise UnsupportedMessage(
        "unknown Content-Transfer-Encoding for a payload",
        code="ebxml.serialize-encoding",
        expected="one of " + ", ".join(sorted(TRANSFER_ENCODINGS)),
        received=encoding,
    )


def new_boundary() -> str:
    return f"----=_Part_{uuid.uuid4().hex}"


def _part_bytes(headers: Sequence[tuple[str, str]], body: bytes) -> bytes:
    head = "".join(f"{name}: {value}\r\n" for name, value in headers).encode("latin-1")
    return head + b"\r\n" + body


def build_package(
    envelope: bytes,
    payloads: Sequence[Payload],
    *,
    soap_content_id: str,
    boundary: str | None = None,
    soap_transfer_encoding: str = "binary",
) -> tuple[dict[str, str], bytes]:
    """The HIS 1037 §8.1 package: (HTTP/MIME headers, body). SOAP part first, UTF-8."""
    boundary = boundary or new_boundary()
    soap_headers = [
        ("Content-ID", f"<{soap_content_id}>"),
        ("Content-Type", f'{SOAP_PART_TYPE}; charset="UTF-8"'),
        ("Content-Transfer-Encoding", soap_transfer_encoding),
    ]
    chunks = [_part_bytes(soap_headers, encode_body(envelope, soap_transfer_encoding))]
    for payload in payloads:
        part_headers = [
            ("Content-ID", f"<{payload.content_id}>"),
            ("Content-Type", payload.content_type),
            ("Content-Transfer-Encoding", payload.transfer_encoding),
        ]
        if payload.disposition:
            part_headers.append(("Content-Disposition", payload.disposition))
        chunks.append(_part_bytes(part_headers, encode_body(payload.data, payload.transfer_encoding)))
    delimiter = f"--{boundary}".encode("latin-1")
    body = b"".join(delimiter + b"\r\n" + chunk + b"\r\n" for chunk in chunks) + delimiter + b"--\r\n"
    content_type = (
        f'{MULTIPART_RELATED}; boundary="{boundary}"; type="{SOAP_PART_TYPE}"; start="<{soap_content_id}>"'
    )
    headers = {"MIME-Version": "1.0", "SOAPAction": SOAP_ACTION, "Content-Type": content_type}
    return headers, body
