"""Every CPP/CPA sample reads as data: parties by HER-id, actions and roles, transports, certificates."""

from __future__ import annotations

from pathlib import Path

import pytest

from samband.adapters.registry import Direction, ProtocolKind, parse_cppa
from samband.kernel.errors import ParseError, UnsupportedMessage, XmlRefused
from tests.conftest import SAMPLES

CPPA = SAMPLES / "cppa"
ALL = sorted(CPPA.rglob("*.xml")) if CPPA.is_dir() else []
APPREC_11 = "http://www.kith.no/xmlstds/apprec/2012-02-15"
DIALOG_11 = "http://www.kith.no/xmlstds/dialog/2013-01-23"
DIALOG_10 = "http://www.kith.no/xmlstds/dialog/2006-10-11"


def _read(name: str) -> bytes:
    return (CPPA / name).read_bytes()


def test_the_sample_folder_is_there(samples_dir: Path) -> None:
    assert len(ALL) >= 12


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(CPPA)))
def test_every_sample_reads_with_parties_and_actions(path: Path) -> None:
    protocol = parse_cppa(path.read_bytes())
    expected_parties = 2 if protocol.kind is ProtocolKind.CPA else 1
    assert len(protocol.parties) == expected_parties
    assert protocol.protocol_id
    for party in protocol.parties:
        assert party.her_id
        assert party.actions(Direction.SEND) and party.actions(Direction.RECEIVE)
        assert party.transports and all(t.protocol in {"SMTP", "HTTP", "AMQP"} for t in party.transports)
        assert party.certificates


EXPECTED = {
    # file: (kind, id, HER-ids in order, one action the first party sends, its first transport)
    "helsenorge/CPA_93252.xml": (
        "CPA",
        "9333f3de-e85c-4c26-9066-6800055b1b8e",
        ["93238", "93252"],
        "APPREC",
        "AMQP",
    ),
    "helsenorge/CPA_Rest_93252.xml": (
        "CPA",
        "9333f3de-e85c-4c26-9066-6800055b1b8e",
        ["93238", "93252"],
        "Apprec",
        "AMQP",
    ),
    "helsenorge/CPA_v2_51795e2c-9d39-44e0-9168-5bee38f20819.xml": (
        "CPA",
        "51795e2c-9d39-44e0-9168-5bee38f20819",
        ["8093240", "8093238"],
        "AvbestillAvtale",
        "AMQP",
    ),
    "helsenorge/CPP_93238.xml": ("CPP", "db5342ce-2e56-47b6-b4dc-054969f96f6f", ["93238"], "APPREC", "AMQP"),
    "helsenorge/CPP_Rest_93238.xml": (
        "CPP",
        "db5342ce-2e56-47b6-b4dc-054969f96f6f",
        ["93238"],
        "Apprec",
        "AMQP",
    ),
    "nav/nav-qass-35065.xml": ("CPA", "nav:qass:35065", ["8141253", "79768"], "OppgjorsMelding", "SMTP"),
    "sarepta/AMQP-mal-reciever.xml": (
        "CPP",
        "UNIKCPPID",
        ["HERID"],
        "DIALOG_INNBYGGER_DIGITALBRUKER",
        "AMQP",
    ),
    "sarepta/AMQP-mal-sender.xml": ("CPP", "UNIKCPPID", ["HERID"], "Avtale", "AMQP"),
    "sarepta/CPP-NHN-PartyA-Rubbelogbit_v6.xml": (
        "CPP",
        "UNIKCPPID",
        ["HERID"],
        "DIALOG_FORESPORSEL",
        "SMTP",
    ),
    "sarepta/CPP-NHN-PartyB-Rubbelogbit_v6.xml": ("CPP", "UNIKCPPID", ["HERID"], "AbonnementStatus", "SMTP"),
    "sarepta/CppTemplate.xml": ("CPP", "cpp-nhn-partyb-total-v5", ["HERID"], "LOG_INNLAGT", "SMTP"),
    "sarepta/nav_cpp.046.xml": ("CPP", "nav:cpp:046", ["79768"], "Foresporsel", "SMTP"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expected_parties_and_actions(samples_dir: Path, name: str) -> None:
    kind, protocol_id, hers, action, protocol = EXPECTED[name]
    cppa = parse_cppa(_read(name))
    assert (cppa.kind.value, cppa.protocol_id) == (kind, protocol_id)
    assert [p.her_id for p in cppa.parties] == hers
    first = cppa.parties[0]
    assert action in first.actions(Direction.SEND)
    assert first.transports[0].protocol == protocol


def test_nhn_cpa_with_duplicate_ids_is_read(samples_dir: Path) -> None:
    """CPA_93252 repeats certId/transportId values across parties: not schema-valid, still data."""
    cpa = parse_cppa(_read("helsenorge/CPA_93252.xml"))
    assert cpa.kind is ProtocolKind.CPA
    assert cpa.cpa_id == "9333f3de-e85c-4c26-9066-6800055b1b8e"
    assert [p.her_id for p in cpa.parties] == ["93238", "93252"]
    gp = cpa.party("93252")
    assert gp is not None and gp.name == "Testlege Testlege"
    assert cpa.counterpart("93238") is gp
    assert [e.uri for e in gp.endpoints("AMQP")][:1] == ["sb.test.nhn.no/DigitalDialog/93252_async"]
    assert [c.cert_id for c in gp.certificates] == ["sign", "enc"]
    sign, enc = gp.certificates
    assert sign.info.for_signing and not sign.info.for_encryption
    assert enc.info.for_encryption and enc.info.subject and "TEST - DDFL" in enc.info.subject


def test_message_versions_come_from_simple_parts(samples_dir: Path) -> None:
    cpa = parse_cppa(_read("helsenorge/CPA_93252.xml"))
    namespaces = {
        n.namespace: n.version for n in cpa.message_versions("93252", "DIALOG_INNBYGGER_EKONSULTASJON")
    }
    assert namespaces[DIALOG_11] == "1.1"
    apprec = {n.namespace: n.version for n in cpa.message_versions("93252", "APPREC")}
    assert apprec[APPREC_11] == "1.1"
    assert cpa.message_versions("99999", "APPREC") == ()


def test_nav_cpa_over_smtp_and_http(samples_dir: Path) -> None:
    cpa = parse_cppa(_read("nav/nav-qass-35065.xml"))
    assert cpa.cpa_id == "nav:qass:35065"
    nav = cpa.party("79768")
    assert nav is not None and nav.name == "NAV"
    assert {(p.type, p.value) for p in nav.party_ids} == {
        ("HER", "79768"),
        ("ENH", "889640782"),
        ("orgnummer", "889640782"),
    }
    assert [e.uri for e in nav.endpoints("HTTP")] == ["https://nhn-gw-q.nav.no:9443/ebxml/msh"]
    assert [e.uri for e in nav.endpoints("smtp")] == ["mailto://example2@example.com"]
    smtp = nav.doc_exchange("NAV_docexchange_smtp")
    assert smtp is not None and (smtp.retries, smtp.retry_interval, smtp.persist_duration) == (
        4,
        "PT720M",
        "P4D",
    )
    assert smtp.signature_algorithm == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    partner = cpa.counterpart("79768")
    assert partner is not None and partner.her_id == "8141253"
    choice = cpa.service_for("8141253", "OppgjorsMelding", Direction.SEND)
    assert choice is not None and (choice.service, choice.service_type, choice.role) == (
        "BehandlerKrav",
        "string",
        "Behandler",
    )
    assert DIALOG_10 in {n.namespace for n in cpa.message_versions("8141253", "Foresporsel")}


def test_binding_leads_to_a_transport(samples_dir: Path) -> None:
    cpa = parse_cppa(_read("nav/nav-qass-35065.xml"))
    partner = cpa.party("8141253")
    assert partner is not None
    _role, binding = next(partner.bindings("OppgjorsMelding", Direction.SEND))
    assert binding.non_repudiation_required and binding.receipt_required
    assert binding.other_party_binding
    transport = partner.transport_for(binding)
    assert transport is not None and transport.protocol == "SMTP"


def test_hisd_1209_role_is_preferred(samples_dir: Path) -> None:
    cpp = parse_cppa(_read("sarepta/CPP-NHN-PartyA-Rubbelogbit_v6.xml"))
    choice = cpp.service_for("HERID", "DIALOG_FORESPORSEL", Direction.SEND)
    assert choice is not None
    assert (choice.service, choice.role) == ("S-DIALOG_FORESPORSEL", "DIALOG_FORESPORSELsender")
    # Party A sends the Forespørsel, so it receives the AppRec under the same Service, as sender role.
    apprec = cpp.service_for("HERID", "APPREC", Direction.RECEIVE, service="S-DIALOG_FORESPORSEL")
    assert apprec is not None and apprec.role == "DIALOG_FORESPORSELsender"
    assert cpp.service_for("HERID", "APPREC", Direction.SEND, service="S-DIALOG_FORESPORSEL") is None


def test_template_placeholders_are_problems_not_crashes(samples_dir: Path) -> None:
    cpp = parse_cppa(_read("sarepta/CppTemplate.xml"))
    assert cpp.kind is ProtocolKind.CPP and cpp.cpa_id is None
    certificates = cpp.parties[0].certificates
    assert certificates and all(c.info.der is None and c.info.problem for c in certificates)


@pytest.mark.parametrize(
    ("raw", "error", "code"),
    [
        (b"<Other/>", ParseError, "cppa.not-cppa"),
        (b"<CollaborationProtocolAgreement xmlns='urn:other'/>", UnsupportedMessage, "cppa.wrong-namespace"),
        (b"<CollaborationProtocolAgreement", ParseError, "xml.not-well-formed"),
        (
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
            XmlRefused,
            "xml.entity-forbidden",
        ),
    ],
)
def test_broken_input_gives_coded_errors(raw: bytes, error: type[Exception], code: str) -> None:
    with pytest.raises(error) as info:
        parse_cppa(raw)
    assert getattr(info.value, "code", None) == code


def test_envelope_choice_from_a_cpa(samples_dir: Path) -> None:
    cpa = parse_cppa(_read("nav/nav-qass-35065.xml"))
    choice = cpa.envelope_choice("8141253", "79768", "OppgjorsMelding")
    assert choice is not None
    assert (choice.cpa_id, choice.service, choice.service_type) == (
        "nav:qass:35065",
        "BehandlerKrav",
        "string",
    )
    assert (choice.from_role, choice.to_role) == ("Behandler", "KontrollUtbetaler")
    assert cpa.envelope_choice("8141253", "79768", "NoSuchAction") is None


def test_envelope_choice_from_a_cpp_knows_one_side(samples_dir: Path) -> None:
    cpp = parse_cppa(_read("helsenorge/CPP_93238.xml"))
    choice = cpp.envelope_choice("8094866", "93238", "DIALOG_INNBYGGER_EKONSULTASJON")
    assert choice is not None and choice.cpa_id is None
    assert choice.service == "S-DIALOG_INNBYGGER_EKONSULTASJON"
    assert (choice.from_role, choice.to_role) == (None, "DIALOG_INNBYGGER_EKONSULTASJONreceiver")
