"""The KITH shared types as data: each part's children in schema order, and the dialects that place
them in a message family's namespaces.

MsgHead 1.2 declares its own Ident/Address/TeleCom/Patient/Organisation (all in the MsgHead namespace;
Organisation name first and with a HealthcareProfessional); felleskomponent1 (PLO, MsgHead
``OtherReceiver/Person``, Dialogmelding ``Kontaktenhet``) puts TypeOrganisation first and has no
HealthcareProfessional; Dialogmelding declares HealthcareProfessional and Person (given name first)
in its own namespace with felleskomponent1 Ident, Address and TeleCom inside.
"""

from __future__ import annotations

import functools

from samband.adapters.kith.codec import Dialect, Part, Shape, Slot
from samband.adapters.kith.datatypes import Code
from samband.adapters.kith.model import Address, HealthcareProfessional, Ident, Organisation, Person, TeleCom

MSGHEAD_NS = "http://www.kith.no/xmlstds/msghead/2006-05-24"
FK1_NS = "http://www.kith.no/xmlstds/felleskomponent1"

IDENT = Part("Ident", Ident)
ADDRESS = Part("Address", Address)
TELECOM = Part("TeleCom", TeleCom)
PERSON = Part("Person", Person)
HEALTHCARE_PROFESSIONAL = Part("HealthcareProfessional", HealthcareProfessional)
ORGANISATION = Part("Organisation", Organisation)

_IDENT = Shape((Slot("id", "Id", default=""), Slot("type_id", "TypeId", "cv", default=Code())))
_ADDRESS = Shape(
    (
        Slot("type", "Type", "cs"),
        Slot("street", "StreetAdr"),
        Slot("postal_code", "PostalCode"),
        Slot("city", "City"),
        Slot("postbox", "Postbox"),
        Slot("county", "County", "cs"),
        Slot("country", "Country", "cs"),
    )
)
_TELECOM = Shape((Slot("type", "TypeTelecom", "cs"), Slot("address", "TeleAddress", "url", default="")))

_NAMES = (
    Slot("family_name", "FamilyName"),
    Slot("middle_name", "MiddleName"),
    Slot("given_name", "GivenName"),
)
_PERSONAL = (
    Slot("date_of_birth", "DateOfBirth", "date"),
    Slot("sex", "Sex", "cs"),
    Slot("nationality", "Nationality", "cs"),
    Slot("idents", "Ident", "part", many=True, part=IDENT),
    Slot("address", "Address", "part", part=ADDRESS),
    Slot("telecoms", "TeleCom", "part", many=True, part=TELECOM),
)
_PERSON = Shape(_NAMES + _PERSONAL)
_PERSON_GIVEN_FIRST = Shape(_NAMES[::-1] + _PERSONAL)
_HEALTHCARE_PROFESSIONAL = Shape(
    (Slot("type_hp", "TypeHealthcareProfessional", "cs"), Slot("role_to_patient", "RoleToPatient", "cv"))
    + _NAMES
    + _PERSONAL
)
_UNIT = (
    Slot("idents", "Ident", "part", many=True, part=IDENT),
    Slot("address", "Address", "part", part=ADDRESS),
    Slot("telecoms", "TeleCom", "part", many=True, part=TELECOM),
    Slot("organisation", "Organisation", "part", part=ORGANISATION),
)
_WRITTEN_WHEN = ("name", "idents")
_MSGHEAD_ORGANISATION = Shape(
    (Slot("name", "OrganisationName"), Slot("type_organisation", "TypeOrganisation", "cv"))
    + _UNIT
    + (Slot("healthcare_professional", "HealthcareProfessional", "part", part=HEALTHCARE_PROFESSIONAL),),
    written_when=_WRITTEN_WHEN,
)
_FK1_ORGANISATION = Shape(
    (Slot("type_organisation", "TypeOrganisation", "cv"), Slot("name", "OrganisationName")) + _UNIT,
    written_when=_WRITTEN_WHEN,
)

_SHARED = {
    IDENT.name: _IDENT,
    ADDRESS.name: _ADDRESS,
    TELECOM.name: _TELECOM,
    PERSON.name: _PERSON,
    HEALTHCARE_PROFESSIONAL.name: _HEALTHCARE_PROFESSIONAL,
}

MSGHEAD: Dialect = {
    name: (shape, MSGHEAD_NS) for name, shape in {**_SHARED, ORGANISATION.name: _MSGHEAD_ORGANISATION}.items()
}
"""Hodemelding 1.2: every part in the MsgHead namespace."""

FK1: Dialect = {
    name: (shape, FK1_NS) for name, shape in {**_SHARED, ORGANISATION.name: _FK1_ORGANISATION}.items()
}
"""felleskomponent1: PLO 1.5/1.6/2.0 parties, MsgHead ``OtherReceiver/Person``."""


@functools.cache
def dialogmelding(namespace: str) -> Dialect:
    """Dialogmelding 1.0 or 1.1 (``namespace``): its own HealthcareProfessional and Person (given name
    first), felleskomponent1 for the rest (``Kontaktenhet`` is an fk1:Organisation)."""
    return {
        **FK1,
        PERSON.name: (_PERSON_GIVEN_FIRST, namespace),
        HEALTHCARE_PROFESSIONAL.name: (_HEALTHCARE_PROFESSIONAL, namespace),
    }
