"""The AppRec parties as data for the shared KITH codec: HCP with Inst (Dept, HCPerson), HCProf,
AdditionalId and Address, in the schema order of AppRec 1.0 (HIS 80415:2004) and 1.1 (HIS 80415:2012),
which differ only in namespace (and in 1.0 typing CS/CV locally instead of from kith.xsd).
"""

from __future__ import annotations

import functools

from samband.adapters.apprec.model import HCP, AdditionalId, ApprecAddress, Dept, HCPerson, HCProf, Inst
from samband.adapters.kith.codec import Dialect, Part, Shape, Slot
from samband.adapters.kith.datatypes import Code

ADDITIONAL_ID = Part("AdditionalId", AdditionalId)
INST = Part("Inst", Inst)
DEPT = Part("Dept", Dept)
HC_PERSON = Part("HCPerson", HCPerson)
HC_PROF = Part("HCProf", HCProf)
ADDRESS = Part("Address", ApprecAddress)
HCP_PART = Part("HCP", HCP)

_NAMED = (Slot("name", "Name"), Slot("id", "Id"), Slot("type_id", "TypeId", "cs"))
_EXTRA = Slot("additional_ids", "AdditionalId", "part", many=True, part=ADDITIONAL_ID)
_TYPE = Slot("type", "Type", "cs")
PARTS: dict[str, Shape] = {
    ADDITIONAL_ID.name: Shape((Slot("id", "Id", default=""), Slot("type", "Type", "cs", default=Code()))),
    INST.name: Shape(
        (
            *_NAMED,
            Slot("depts", "Dept", "part", many=True, part=DEPT),
            _EXTRA,
            Slot("persons", "HCPerson", "part", many=True, part=HC_PERSON),
        )
    ),
    DEPT.name: Shape((_TYPE, *_NAMED, _EXTRA)),
    HC_PERSON.name: Shape((*_NAMED, _EXTRA)),
    HC_PROF.name: Shape((_TYPE, *_NAMED, _EXTRA)),
    ADDRESS.name: Shape(
        (
            Slot("type", "Type", "cs", default=Code()),
            Slot("street", "StreetAdr"),
            Slot("postal_code", "PostalCode"),
            Slot("city", "City"),
            Slot("county", "County", "cs"),
            Slot("country", "Country", "cs"),
            Slot("city_distr", "CityDistr", "cs"),
            Slot("tele_addresses", "TeleAddress", "url", many=True, default=""),
        )
    ),
    HCP_PART.name: Shape(
        (
            Slot("inst", "Inst", "part", part=INST),
            Slot("hc_prof", "HCProf", "part", part=HC_PROF),
            Slot("med_speciality", "MedSpeciality", "cv"),
            Slot("address", "Address", "part", part=ADDRESS),
        )
    ),
}
"""AppRec 1.0 and 1.1 parties in schema order (the same shapes, only the namespace differs)."""


@functools.cache
def dialect(namespace: str) -> Dialect:
    """The AppRec parts in ``namespace`` (1.0 or 1.1)."""
    return {name: (shape, namespace) for name, shape in PARTS.items()}
