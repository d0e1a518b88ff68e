"""Adresseregister data contracts read into the model the AR client returns."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from samband.adapters.registry import PartyType, parse_certificate_details, parse_communication_party
from samband.adapters.registry.ar_model import AMQP_ASYNC
from samband.kernel.errors import ParseError
from tests.conftest import SAMPLES

AR = SAMPLES / "adresseregister"

# A synthetic GP (invented name, test HER-ids and HPR number) in a SOAP answer wrapper.
PERSON = b"""<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<GetCommunicationPartyDetailsResponse xmlns="http://register.nhn.no/CommunicationParty">
<GetCommunicationPartyDetailsResult xmlns:i="http://www.w3.org/2001/XMLSchema-instance"
  i:type="OrganizationPerson">
  <Active>true</Active>
  <ElectronicAddresses xmlns:a="http://register.nhn.no/Common">
    <a:ElectronicAddress><a:Address>lege.test@edi.example</a:Address><a:Inherited>false</a:Inherited>
      <a:Type><a:CodeText>EDI-adresse</a:CodeText><a:CodeValue>E_EDI</a:CodeValue><a:OID>9044</a:OID></a:Type>
      <a:TypeCodeValue>E_EDI</a:TypeCodeValue></a:ElectronicAddress>
  </ElectronicAddresses>
  <HerId>8123456</HerId>
  <IsValidCommunicationParty>true</IsValidCommunicationParty>
  <Name>Kari Testlege</Name>
  <ParentHerId>8100001</ParentHerId>
  <ParentName>Testbyen legesenter</ParentName>
  <ParentOrganizationNumber>0</ParentOrganizationNumber>
  <Type>Person</Type>
  <Person xmlns:b="http://register.nhn.no/HPR">
    <b:FirstName>Kari</b:FirstName><b:HPRInformation><b:HPRNumber>9144900</b:HPRNumber></b:HPRInformation>
    <b:LastName>Testlege</b:LastName><b:MiddleName i:nil="true"/>
  </Person>
  <Title>Fastlege</Title>
</GetCommunicationPartyDetailsResult></GetCommunicationPartyDetailsResponse></s:Body></s:Envelope>"""


def test_service_party_from_the_sample(samples_dir: Path) -> None:
    party = parse_communication_party((AR / "CommunicationDetails_93238.xml").read_bytes())
    assert (party.her_id, party.name, party.kind) == (
        "93238",
        "Digitale innbyggertjenester",
        PartyType.SERVICE,
    )
    assert (party.parent_her_id, party.parent_name) == ("2397", "HELSEDIREKTORATET")
    assert party.parent_organization_number == "983544622"
    assert party.address(AMQP_ASYNC) == "sb.test.nhn.no/DigitalDialog/93238_async"
    assert set(party.amqp_queues) == {"E_SB_ASYNC", "E_SB_SYNC", "E_SB_ERROR"}
    assert party.phone == "24163000"
    assert party.address("E_EPO") == "postmottak@helsedir.no"
    assert party.municipality is not None and (party.municipality.value, party.municipality.oid) == (
        "301",
        "3402",
    )
    assert party.service_code is not None and party.service_code.oid == "8658"
    assert party.contract_type == "OrganizationPerson" and not party.is_person
    assert party.display_name is None and party.hpr is None
    assert [a.type for a in party.physical_addresses] == ["RES", "PST"]
    assert party.valid_to == datetime(9999, 12, 31)


def test_person_with_hpr_number_inside_a_soap_answer() -> None:
    party = parse_communication_party(PERSON)
    assert (party.her_id, party.kind, party.is_person) == ("8123456", PartyType.PERSON, True)
    assert (party.person_name, party.hpr, party.title) == ("Kari Testlege", "9144900", "Fastlege")
    assert (party.parent_her_id, party.parent_name) == ("8100001", "Testbyen legesenter")
    assert party.parent_organization_number is None  # 0 means not set in the WCF contract
    assert party.address("E_EDI") == "lege.test@edi.example"


@pytest.mark.parametrize(
    ("name", "signing"),
    [
        ("GetCertificateDetailsForEncryption_93238.xml", False),
        ("GetCertificateDetailsForValidatingSignature_93238.xml", True),
    ],
)
def test_certificate_details(samples_dir: Path, name: str, signing: bool) -> None:
    details = parse_certificate_details((AR / name).read_bytes())
    cert = details.certificate
    assert cert.der is not None and cert.subject and "HELSEDIREKTORATET" in cert.subject
    assert cert.for_signing is signing and cert.for_encryption is not signing
    assert cert.not_after is not None and cert.not_after.tzinfo is UTC
    assert cert.valid_at(datetime(2015, 6, 1, tzinfo=UTC)) and not cert.valid_at(
        datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert cert.thumbprint and len(cert.thumbprint) == 40
    assert details.ldap_url is not None and details.ldap_url.startswith("ldap://ldap.test4.buypass.no/")


def test_document_without_a_party_is_a_coded_error() -> None:
    with pytest.raises(ParseError) as info:
        parse_communication_party(b"<x xmlns='http://register.nhn.no/CommunicationParty'><Name>n</Name></x>")
    assert info.value.code == "ar.not-found-in-document"


def test_party_without_her_id_is_a_coded_error() -> None:
    raw = PERSON.replace(b"<HerId>8123456</HerId>", b"<HerId>0</HerId>")
    with pytest.raises(ParseError) as info:
        parse_communication_party(raw)
    assert info.value.code == "ar.missing-herid"
