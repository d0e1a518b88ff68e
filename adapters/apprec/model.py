"""Typed, immutable model of Applikasjonskvittering (AppRec 1.0, HIS 80415:2004; 1.1, HIS 80415:2012).

Both versions share the structure; ``AppRec.version`` picks namespace and MIGversion. Status is
kodeverk 8258 (1 OK, 2 Avvist, 3 OK med feil i delmelding), Error kodeverk 8221.
"""

from __future__ import annotations

from dataclasses import dataclass

from samband.adapters.kith.datatypes import Code
from samband.kernel.codes import lookup

APPREC_10_NS = "http://www.kith.no/xmlstds/apprec/2004-11-21"
APPREC_11_NS = "http://www.kith.no/xmlstds/apprec/2012-02-15"
NAMESPACES = {"1.0": APPREC_10_NS, "1.1": APPREC_11_NS}
VERSIONS = {APPREC_10_NS: "1.0", APPREC_11_NS: "1.1"}
MIG_VERSIONS = {"1.0": "1.0 2004-11-21", "1.1": "v1.1 2012-02-15"}
STATUS_SYSTEM = lookup.oid("8258")
ERROR_SYSTEM = lookup.oid("8221")


@dataclass(frozen=True)
class AdditionalId:
    """AdditionalId: Id + Type (9051/8116 code, e.g. HER when Inst/Id holds the org.nr)."""

    id: str
    type: Code


@dataclass(frozen=True)
class Identified:
    """Name, Id, TypeId and AdditionalId*, the identification Inst, Dept, HCPerson and HCProf share.

    ``her_id``: Id when TypeId is HER, else the AdditionalId of type HER.
    """

    name: str | None = None
    id: str | None = None
    type_id: Code | None = None
    additional_ids: tuple[AdditionalId, ...] = ()

    @property
    def her_id(self) -> str | None:
        if self.id and self.type_id is not None and self.type_id.v == "HER":
            return self.id
        return next((a.id for a in self.additional_ids if a.type.v == "HER"), None)


@dataclass(frozen=True)
class HCPerson(Identified):
    """Inst/HCPerson: a person at the institution (the GP, addressed per person)."""


@dataclass(frozen=True)
class Dept(Identified):
    """Inst/Dept: a department or service (level 2), with its Type."""

    type: Code | None = None


@dataclass(frozen=True)
class Inst(Identified):
    """HCP/Inst: Name, Id + TypeId (9051), Dept*, AdditionalId*, HCPerson*."""

    depts: tuple[Dept, ...] = ()
    persons: tuple[HCPerson, ...] = ()


@dataclass(frozen=True)
class HCProf(Identified):
    """HCP/HCProf: a health professional without institution, with its Type."""

    type: Code | None = None


@dataclass(frozen=True)
class ApprecAddress:
    """HCP/Address: Type (required), StreetAdr, PostalCode, City, County, Country, CityDistr, TeleAddress*."""

    type: Code
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    county: Code | None = None
    country: Code | None = None
    city_distr: Code | None = None
    tele_addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class HCP:
    """HCP: Inst or HCProf, MedSpeciality, Address."""

    inst: Inst | None = None
    hc_prof: HCProf | None = None
    med_speciality: Code | None = None
    address: ApprecAddress | None = None

    @property
    def her_id(self) -> str | None:
        """HER-id of the communication party: person, then department, then institution."""
        if self.hc_prof is not None:
            return self.hc_prof.her_id
        if self.inst is None:
            return None
        level2 = [p.her_id for p in self.inst.persons] + [d.her_id for d in self.inst.depts]
        return next((her for her in level2 if her), None) or self.inst.her_id


@dataclass(frozen=True)
class ApprecParty:
    """AppRec Sender or Receiver: Role (8112 in 1.1) and HCP."""

    hcp: HCP
    role: Code | None = None

    @property
    def her_id(self) -> str | None:
        return self.hcp.her_id


@dataclass(frozen=True)
class OriginalMsgId:
    """OriginalMsgId: MsgType = original MsgInfo/Type, IssueDate = its GenDate, Id = its MsgId."""

    msg_type: Code
    issue_date: str
    id: str


@dataclass(frozen=True)
class AppRec:
    """Applikasjonskvittering: MsgType APPREC, GenDate, Id, Sender, Receiver, Status, Error*,
    OriginalMsgId."""

    gen_date: str
    id: str
    sender: ApprecParty
    receiver: ApprecParty
    status: Code
    original: OriginalMsgId
    errors: tuple[Code, ...] = ()
    version: str = "1.0"
    msg_type: Code = Code(v="APPREC", dn="Applikasjonskvittering")
    mig_version: str | None = None
    software_name: str | None = None
    software_version: str | None = None

    @property
    def namespace(self) -> str:
        return NAMESPACES[self.version]

    @property
    def ok(self) -> bool:
        return self.status.v == "1"

    @property
    def rejected(self) -> bool:
        return self.status.v == "2"
