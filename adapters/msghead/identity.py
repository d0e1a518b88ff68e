"""Who a Hodemelding is from and about: the sender and the patient must be identifiable, and the patient's
identifiers are checked by kind (FNR/DNR mod-11; help numbers and other kinds taken in with a warning).

These are the receive acceptance tests' stateless cases (docs/acceptance.md): missing patient
information (E36), missing fødselsnummer (E30), wrong check digits (E31), missing sender (X99).
"""

from __future__ import annotations

from lxml import etree

from samband.adapters.ident import birth_date, check_person_id
from samband.adapters.kith.datatypes import child, children, text, xpath_of
from samband.adapters.msghead.model import MSGHEAD_NS
from samband.kernel.problems import Problem, Severity

NS = MSGHEAD_NS
NATIONAL_IDS = frozenset({"FNR", "DNR"})  # kodeverk 8116 kinds with a checked mod-11 number
MSGINFO_CHILDREN = frozenset(
    {"Type", "MIGversion", "GenDate", "MsgId", "Ack", "ConversationRef", "Sender", "Receiver"}
    | {"OtherReceiver", "Patient"}
)


def _problem(code: str, severity: Severity, message: str, element: etree._Element) -> Problem:
    return Problem(code, severity, message, line=element.sourceline, path=xpath_of(element))


def _idents(parent: etree._Element | None) -> list[tuple[str, str, etree._Element]]:
    """(8116/9051 kind, value, Id element) of each Ident that has a value."""
    found = []
    for ident in children(parent, NS, "Ident"):
        value, where = text(ident, NS, "Id"), child(ident, NS, "Id")
        type_id = child(ident, NS, "TypeId")
        if value is not None and where is not None:
            found.append(((type_id.get("V") or "") if type_id is not None else "", value, where))
    return found


def _has_name(patient: etree._Element) -> bool:
    return any(text(patient, NS, local) for local in ("FamilyName", "GivenName"))


def patient_findings(info: etree._Element | None) -> list[Problem]:
    """MsgInfo/Patient: a name or an identifier (MsgHead), an identifier with a value (E30), FNR/DNR
    check digits (E31), other kinds and a patient without a name warned about. No Patient at all is
    the payload's rule to judge."""
    patient = child(info, NS, "Patient")
    if patient is None:
        return []
    idents = _idents(patient)
    if not idents and not _has_name(patient):
        message = "MsgInfo/Patient has neither a name nor an identifier; expected FamilyName/GivenName, Ident"
        return [_problem("patient.unidentified", Severity.ERROR, message, patient)]
    if not idents:
        message = "MsgInfo/Patient has no Ident with an Id; expected the patient's fødselsnummer or D-number"
        where = child(patient, NS, "Ident")
        where = patient if where is None else where
        return [_problem("patient.missing-national-id", Severity.ERROR, message, where)]
    findings = [finding for kind, value, where in idents for finding in _national_id(kind, value, where)]
    findings += _birth_date_findings(patient, idents)
    kinds = ", ".join(sorted({kind or "(no TypeId)" for kind, _value, _where in idents}))
    if not _has_name(patient):
        message = (
            f"MsgInfo/Patient has no name, only {kinds}: the identifier cannot be checked against a name"
        )
        findings.append(_problem("patient.unnamed", Severity.WARNING, message, patient))
    if not any(kind in NATIONAL_IDS for kind, _value, _where in idents):
        message = f"the patient is identified by {kinds} only, not by fødselsnummer or D-number"
        findings.append(_problem("patient.other-identifier", Severity.WARNING, message, idents[0][2]))
    return findings


def _national_id(kind: str, value: str, where: etree._Element) -> list[Problem]:
    """An FNR/DNR must be 11 digits with right mod-11 check digits (E31 otherwise).

    A value that is not 11 digits cannot be mistaken for another person's number and is only
    warned about; an 11-digit value with wrong check digits may be a typo of a real one: error.
    """
    if kind not in NATIONAL_IDS:
        return []
    check = check_person_id(value)
    if check.valid:
        return []
    message = f"patient {kind} {value!r}: {check.problem}"
    if len(value) == 11 and value.isdigit():
        return [_problem("patient.fnr-check-digit", Severity.ERROR, message, where)]
    return [_problem("patient.fnr-format", Severity.WARNING, message, where)]


def _foreign_child(info: etree._Element) -> bool:
    return any(isinstance(el.tag, str) and etree.QName(el).localname not in MSGINFO_CHILDREN for el in info)


def _birth_date_findings(
    patient: etree._Element, idents: list[tuple[str, str, etree._Element]]
) -> list[Problem]:
    """MsgInfo/Patient/DateOfBirth must be the date the patient's FNR/DNR encodes: otherwise the
    message names two persons, and the receiver cannot tell which one it is about."""
    stated, element = text(patient, NS, "DateOfBirth"), child(patient, NS, "DateOfBirth")
    if stated is None or element is None:
        return []
    for kind, value, _where in idents:
        encoded = birth_date(value) if kind in NATIONAL_IDS and check_person_id(value).valid else None
        if encoded is not None and encoded.isoformat() != stated[:10]:
            message = (
                f"DateOfBirth {stated} is not the date of birth {encoded.isoformat()} of the patient's {kind}"
            )
            return [_problem("patient.birth-date-mismatch", Severity.WARNING, message, element)]
    return []


def sender_findings(info: etree._Element | None) -> list[Problem]:
    """MsgInfo/Sender must name its organisation and an identifier of it (HER-id or organisation
    number): without them the sender can be neither known nor answered (X99)."""
    sender = child(info, NS, "Sender")
    if info is None or (sender is None and _foreign_child(info)):
        return []  # a misspelt element: the schema error says where
    organisation = child(sender, NS, "Organisation")
    missing = [
        what
        for what, present in (
            ("OrganisationName", text(organisation, NS, "OrganisationName") is not None),
            ("Ident/Id", bool(_idents(organisation))),
        )
        if not present
    ]
    if not missing:
        return []
    where = organisation if organisation is not None else sender if sender is not None else info
    place = "MsgInfo/Sender" if sender is None else "Sender/Organisation"
    message = f"{place} lacks {' and '.join(missing)}; expected the sending organisation's name and HER-id"
    return [_problem("msghead.sender-unidentified", Severity.ERROR, message, where)]
