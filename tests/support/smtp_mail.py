"""An ebXML message as SMTP delivers it, built from the reference samples: the SOAP envelope of the
e-helse example (``samples/ebxml/sarepta/ebxml-eksempel.xml``, base64 as real senders write it) and
a Helsenorge Hodemelding as the payload it names, under the header block a mail server leaves
(``Return-Path:``, ``Received:`` with folded lines, DKIM …, laid out after a real delivery), with LF
or CRLF line ends."""

from __future__ import annotations

import base64

from tests.conftest import SAMPLES

SOAP = SAMPLES / "ebxml/sarepta/ebxml-eksempel.xml"
PAYLOAD_ID = b"ebxmlpayload111@example.com"
HODEMELDING = SAMPLES / "msghead/helsenorge/Helsenorge_Message.xml"
BOUNDARY = b"----=_Part_19178_-170259799.1693306618309"
HEADERS = (
    b"Return-Path: <bounces+1400724@relay.example.net>\n"
    b"Received: from mx1.relay.example (mx1.relay.example [10.1.80.105])\n"
    b"\tby mx.mottak.example (Postfix) with ESMTP id CE8DA30002D3\n"
    b"\tfor <mottak@mottak.example>; Tue, 29 Aug 2023 12:56:55 +0200 (CEST)\n"
    b"Date: Tue, 29 Aug 2023 10:56:53 +0000 (UTC)\n"
    b"From: avsender@avsender.example\n"
    b"To: mottak@mottak.example\n"
    b"Subject: ebXML\n"
    b"Message-Id: <CDD3FE0A9E7248329E678B49C38C763ADB81CD33@unknown>\n"
    b"MIME-Version: 1.0\n"
    b'Content-Type: multipart/related;boundary="' + BOUNDARY + b'";start="<soap@avsender.example>";'
    b' type="text/xml"\n'
    b"X-Original-To: mottak@mottak.example\n"
    b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=relay.example.net;\n"
    b"\th=content-type:from:mime-version:subject:to;\n"
    b"\ts=smtpapi; bh=+RxFeBjKeO8S2i98HWDUBdnBesQCERZ0uXwWk8vCcSo=\n"
    b'SOAPAction: "ebXML"\n'
    b"X-Proofpoint-Virus-Version: vendor=baseguard\n"
    b" engine=ICAP:2.0.267,Aquarius:18.0.957\n"
    b"Content-Transfer-Encoding: 7bit\n"
)


SOAP_PART_HEADERS = (
    b"Content-Type: text/xml\nContent-Transfer-Encoding: base64\nContent-ID: <soap@avsender.example>\n"
)


SOAP_PART_HEADERS = (
    b"Content-Type: text/xml\nContent-Transfer-Encoding: base64\nContent-ID: <soap@avsender.example>\n"
)


def _part(headers: bytes, body: bytes) -> bytes:
    return b"--" + BOUNDARY + b"\n" + headers + b"\n" + body


def smtp_mail(*, crlf: bool = False, payload: bytes | None = None, encrypted: bool = False) -> bytes:
    """The whole mail; ``payload`` (default: the Hodemelding sample) travels in clear as text/xml,
    or as an opaque CMS part when ``encrypted``."""
    soap = base64.encodebytes(SOAP.read_bytes())
    data = payload if payload is not None else HODEMELDING.read_bytes()
    if encrypted:
        kind = b'application/pkcs7-mime; smime-type="enveloped-data"'
        data = b"\x30\x80" + data  # not decryptable: an opaque CMS blob as far as the reader knows
    else:
        kind = b"text/xml"
    mail = (
        HEADERS
        + b"\n"
        + _part(SOAP_PART_HEADERS, soap)
        + _part(
            b"Content-Type: " + kind + b'\nContent-Disposition: attachment; filename="payload"\n'
            b"Content-Id: <" + PAYLOAD_ID + b">\nContent-Transfer-Encoding: base64\n",
            base64.encodebytes(data),
        )
        + b"--"
        + BOUNDARY
        + b"--\n"
    )
    return mail.replace(b"\n", b"\r\n") if crlf else mail


def mime_body(*, crlf: bool = False) -> bytes:
    """The same message without the mail's header block: a bare MIME body opening with its boundary."""
    mail = smtp_mail(crlf=crlf)
    blank = b"\r\n\r\n" if crlf else b"\n\n"
    return mail.split(blank, 1)[1]
