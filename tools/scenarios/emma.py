"""Scenario 9: barnekoordinator for Emma Nilsen (9, cerebral parese), a plan across five sectors.

Both parents consent (``relatedPersons[].isConsentGiver``); school, PPT, barnevern and NAV work only
in the IP tool. The negative variant gives the plan an adult owner: barnekoordinator is refused.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from samband.adapters.ident import synthetic_fnr
from samband.adapters.iplan.enums import AccessScope, ConsentType, MeasureStatus, Role, Sector
from samband.adapters.iplan.model import IndividualPlan, IpExport
from samband.adapters.iplan.model_parts import (
    Consent,
    NationalId,
    Organization,
    Participant,
    ParticipantPerson,
    Period,
)
from samband.adapters.iplan.model_work import Extent, Goal, Measure, SectoralPlan
from tools.scenarios import people as p
from tools.scenarios.build import Step, first_export, oslo, variant

PLAN_ID = "sampro-ip-5120"
START = date(2026, 3, 2)
SCOPE: tuple[AccessScope, ...] = ("goals", "measures", "meetings")


def _member(
    pid: str, org: str, sector: Sector, roles: tuple[Role, ...], name: str | None = None, invite: bool = True
) -> Participant:
    return Participant(
        id=pid,
        kind="person" if name else "unit",
        person=ParticipantPerson(name=name) if name else None,
        organization=Organization(name=org),
        sector=sector,
        roles=roles,
        access_scope=SCOPE if invite else (),
        invite_to_meetings=invite,
        active=True,
        joined_at=START,
    )


PARTICIPANTS = (
    _member("p-emma", "Privat", "bruker", ("planeier",), "Emma Nilsen"),
    _member("p-anne", "Privat", "privat-nettverk", ("paaroerende",), "Anne Nilsen"),
    _member("p-tor", "Privat", "privat-nettverk", ("paaroerende",), "Tor Nilsen"),
    _member(
        "p-nina",
        "Steinkjer kommune, Barn og familie",
        "kommune-helse-omsorg",
        ("barnekoordinator",),
        "Nina Dahl",
    ),
    _member("p-lars", "Sentrum skole", "skole", ("teammedlem",), "Lars Moe"),
    _member("p-ppt", "PPT Inn-Trøndelag", "PPT", ("teammedlem",)),
    _member("p-bv", "Steinkjer barneverntjeneste", "barnevern", ("teammedlem",)),
    _member("p-nav-e", "NAV Steinkjer", "NAV", ("teammedlem",)),
    _member("p-hs", "Helsestasjon og skolehelsetjeneste", "helsestasjon-skolehelse", ("teammedlem",)),
    _member("p-sunde", "Byen legesenter", "fastlege", ("fastlege",), "Jon Sunde", invite=False),
)


def _consent(cid: str, by: str, kind: ConsentType, who: str | None = None) -> Consent:
    return Consent(
        id=cid,
        type=kind,
        granted_by_ref=by,
        participant_ref=who,
        scope=SCOPE if who else (),
        period=Period(start=START),
        status="active",
        signed=True,
        recorded_at=oslo(2026, 3, 2, 10),
    )


def _measure(
    mid: str, title: str, who: str, sector: Sector, status: MeasureStatus, extent: Extent | None = None
) -> Measure:
    return Measure(
        id=mid,
        title=title,
        goal_refs=("g-e1",),
        responsible_ref=who,
        responsible_sector=sector,
        extent=extent,
        period=Period(start=START),
        status=status,
        status_date=START,
    )


def plan() -> IpExport:
    readers = [x.id for x in PARTICIPANTS if x.access_scope and x.id != "p-emma"]
    consents = [
        _consent("c-plan-anne", "rp-anne", "plan-creation"),
        _consent("c-plan-tor", "rp-tor", "plan-creation"),
    ]
    consents += [_consent(f"c-{who}", "rp-anne", "participant-access", who) for who in readers]
    goal = Goal(
        id="g-e1",
        text="Emma er med i friminuttene sammen med klassen",
        what_matters_to_me="Å leke med venner",
        life_area="sosialt-nettverk",
        expressed_by_ref="p-emma",
        start_date=START,
        status="active",
    )
    measures = (
        _measure("m-assistent", "Assistent i friminutt", "p-lars", "skole", "active"),
        _measure("m-sakkyndig", "Sakkyndig vurdering", "p-ppt", "PPT", "active"),
        _measure(
            "m-avlastning",
            "Avlastning for familien",
            "p-bv",
            "barnevern",
            "granted",
            Extent(text="1 helg per måned", amount=1, unit="days", per="month"),
        ),
        _measure("m-grunnstonad", "Grunnstønad", "p-nav-e", "NAV", "granted"),
    )
    body = IndividualPlan(
        id=PLAN_ID,
        plan_type="IP",
        legal_basis=("hol-7-1", "bvl"),
        status="active",
        ip_status=p.ip_status("101", "Ja, virksom plan"),
        plan_period=Period(start=START, end=date(2027, 3, 1)),
        revision=0,
        last_modified=oslo(2026, 3, 2, 10),
        subject=p.EMMA,
        related_persons=(
            dataclasses.replace(p.ANNE, participant_ref="p-anne"),
            dataclasses.replace(p.TOR, participant_ref="p-tor"),
        ),
        coordinator_ref="p-nina",
        coordinator_status=p.coordinator_status("1", "Ja, oppnevnt koordinator"),
        participants=PARTICIPANTS,
        consents=tuple(consents),
        goals=(goal,),
        measures=measures,
        sectoral_plans=(SectoralPlan(id="sp-iop", type="IOP", owner_ref="p-lars", reference="IOP 2026/27"),),
    )
    return first_export(body, oslo(2026, 3, 2, 10), "p-nina", p.STEINKJER)


def adult_owner(export: IpExport) -> IpExport:
    """The same plan for a 19-year-old: a barnekoordinator is not allowed."""
    birth = date(2007, 1, 15)
    subject = dataclasses.replace(
        export.plan.subject,
        birth_date=birth,
        national_id=NationalId(type="fnr", value=synthetic_fnr(birth, 3)),
    )
    return dataclasses.replace(export, plan=dataclasses.replace(export.plan, subject=subject))


def steps() -> list[Step]:
    export = plan()
    return [
        Step("s09-barnekoordinator", "01-child-plan", export, None, encoding="xml"),
        Step(
            "s09-barnekoordinator",
            "02-adult-owner-refused",
            variant(adult_owner(export), "adult-owner"),
            None,
            error="ip-export.invariant.barnekoordinator-age",
        ),
    ]
