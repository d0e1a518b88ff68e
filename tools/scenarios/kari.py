"""Scenarios 1–5 for Kari Nordmann (72): referral, GP answer, decision, coordinator, IP with PSFS.

The IP tool holds the case from KE's registration (draft) until the plan is active (domain.md §5).
"""

from __future__ import annotations

from datetime import date

from samband.adapters.iplan.enums import AccessScope
from samband.adapters.iplan.model import IndividualPlan, IpExport
from samband.adapters.iplan.model_parts import Code, Consent, Need, Period
from samband.adapters.iplan.model_work import (
    Decision,
    Extent,
    Goal,
    Measure,
    PsfsAssessment,
    PsfsItem,
    PsfsTarget,
)
from tools.scenarios import people as p
from tools.scenarios.build import Log, Step, edit, first_export, oslo, revise, upsert

PLAN_ID = "sampro-ip-4711"


def registered() -> IpExport:
    """Scenario 1: KE registers the GP's «Oppfølgingsteam» referral as a draft plan (8705 = 105)."""
    plan = IndividualPlan(
        id=PLAN_ID,
        plan_type="IP",
        legal_basis=("hol-7-1",),
        status="draft",
        ip_status=p.ip_status("105", "Melding om behov for IP er sendt kommunen"),
        plan_period=Period(start=date(2026, 1, 12)),
        revision=0,
        last_modified=oslo(2026, 1, 12, 9),
        subject=p.KARI,
        coordinator_status=p.coordinator_status("2", "Nei, koordinator er ikke oppnevnt"),
        participants=(p.KARI_SELF, p.BERG, p.CASE_OFFICER),
        needs=(
            Need(
                id="n-1",
                text="Trenger hjelp i hverdagen etter fall; fire kroniske sykdommer, elleve legemidler",
                life_area="helse",
                identified_by_ref="p-berg",
            ),
        ),
    )
    return first_export(plan, oslo(2026, 1, 12, 9), "p-ke", p.STEINKJER)


def gp_answered(prev: IpExport) -> IpExport:
    """Scenario 2: the GP needs consent (9069 code 4); Kari consents to sharing, KE adds the GP's facts."""
    consent = Consent(
        id="c-info",
        type="information-sharing",
        granted_by_ref="p-kari",
        participant_ref="p-berg",
        scope=("goals", "measures", "meetings"),
        period=Period(start=date(2026, 1, 20)),
        status="active",
        signed=True,
        recorded_at=oslo(2026, 1, 20, 10),
    )
    need = Need(
        id="n-2",
        text="Legemiddelgjennomgang og oppfølging av fallrisiko",
        life_area="helse",
        identified_by_ref="p-berg",
    )
    plan = prev.plan
    return revise(
        prev,
        oslo(2026, 1, 20, 10),
        "p-ke",
        [("consent-granted", "consent", "c-info"), ("updated", "other", "n-2")],
        consents=upsert(plan.consents, consent),
        needs=upsert(plan.needs, need),
    )


HJEMME_EXTENT = Extent(text="3 besøk per uke", amount=3, unit="visits", per="week")


def decided(prev: IpExport) -> IpExport:
    """Scenario 3: hjemmesykepleie granted from 1 Feb, praktisk bistand refused, coordinator offered."""
    granted = Measure(
        id="m-hjemme",
        title="Hjemmesykepleie",
        implementation="Morgenbesøk: medisiner og tilsyn",
        responsible_ref="p-hjemme",
        responsible_sector="kommune-helse-omsorg",
        extent=HJEMME_EXTENT,
        period=Period(start=date(2026, 2, 1)),
        status="granted",
        status_date=date(2026, 1, 26),
        decision=Decision(
            decision_id="VEDTAK-2026-0101",
            decision_date=date(2026, 1, 26),
            deciding_body="Steinkjer kommune, Tildelingskontoret",
            service_code=Code(system=p.IPLOS, code="15", display="Helsetjenester i hjemmet"),
        ),
    )
    refused = Measure(
        id="m-praktisk",
        title="Praktisk bistand",
        responsible_ref="p-ke",
        responsible_sector="kommune-helse-omsorg",
        status="rejected",
        status_date=date(2026, 1, 26),
        decision=Decision(
            decision_id="VEDTAK-2026-0102",
            decision_date=date(2026, 1, 26),
            deciding_body="Steinkjer kommune, Tildelingskontoret",
            reason="Behovet dekkes av hjemmesykepleien og hjelpemidler",
        ),
    )
    plan = prev.plan
    return revise(
        prev,
        oslo(2026, 1, 26, 14),
        "p-ke",
        [
            ("participant-added", "participant", "p-hjemme"),
            ("created", "measure", "m-hjemme"),
            ("created", "measure", "m-praktisk"),
        ],
        ip_status=p.ip_status("102", "Nei, IP er ikke utarbeidet/planprosess ikke igangsatt"),
        coordinator_status=p.coordinator_status("1", "Ja, oppnevnt koordinator"),
        participants=upsert(plan.participants, p.HJEMMESYKEPLEIEN),
        measures=upsert(plan.measures, granted, refused),
    )


def coordinator_appointed(prev: IpExport) -> IpExport:
    """Scenario 4: KE appoints Ola Hansen; the team is Ola, hjemmesykepleien, fysioterapeut, NAV, GP."""
    plan = prev.plan
    return revise(
        prev,
        oslo(2026, 2, 3, 11),
        "p-ke",
        [
            ("participant-added", "participant", "p-ola"),
            ("coordinator-changed", "participant", "p-ola"),
            ("participant-added", "participant", "p-fysio"),
            ("participant-added", "participant", "p-nav"),
        ],
        coordinator_ref="p-ola",
        participants=upsert(plan.participants, p.OLA, p.FYSIOTERAPEUT, p.PER),
    )


def _access(cid: str, who: str, scope: tuple[AccessScope, ...], end: date | None = None) -> Consent:
    return Consent(
        id=cid,
        type="participant-access",
        granted_by_ref="p-kari",
        participant_ref=who,
        scope=scope,
        period=Period(start=date(2026, 2, 10), end=end),
        status="active",
        signed=True,
        recorded_at=oslo(2026, 2, 10, 10),
    )


BASELINE = PsfsAssessment(
    id="psfs-1",
    date=date(2026, 2, 10),
    assessed_by_ref="p-ola",
    method="interview",
    scale_direction="0-unable_10-able",
    items=(
        PsfsItem(id="psfs-butikk", activity_text="Gå til butikken", score=3),
        PsfsItem(id="psfs-dusj", activity_text="Dusje selv", score=5),
    ),
)
GOALS = (
    Goal(
        id="g-1",
        text="Klare meg selv hjemme",
        what_matters_to_me="Å kunne handle selv og dusje uten hjelp",
        life_area="funksjon-ADL",
        expressed_by_ref="p-kari",
        start_date=date(2026, 2, 10),
        target_date=date(2026, 12, 31),
        status="active",
    ),
    Goal(
        id="g-1a",
        parent_goal_ref="g-1",
        text="Gå til butikken alene",
        expressed_by_ref="p-kari",
        start_date=date(2026, 2, 10),
        target_date=date(2026, 10, 1),
        status="active",
        psfs_targets=(PsfsTarget(item_ref="psfs-butikk", target_score=7),),
    ),
    Goal(
        id="g-1b",
        parent_goal_ref="g-1",
        text="Dusje uten hjelp",
        expressed_by_ref="p-kari",
        start_date=date(2026, 2, 10),
        status="active",
        psfs_targets=(PsfsTarget(item_ref="psfs-dusj", target_score=8),),
    ),
)
GAIT = Measure(
    id="m-gang",
    title="Gangtrening",
    implementation="Fysioterapeut hjemme, deretter tur til butikken sammen",
    goal_refs=("g-1a",),
    responsible_ref="p-fysio",
    responsible_sector="kommune-helse-omsorg",
    extent=Extent(text="2 ganger i uka", amount=2, unit="sessions", per="week"),
    period=Period(start=date(2026, 2, 12), end=date(2026, 5, 31)),
    status="active",
    status_date=date(2026, 2, 12),
)
AIDS = Measure(
    id="m-hjelpemidler",
    title="Dusjstol og gripetang",
    goal_refs=("g-1b",),
    responsible_ref="p-nav",
    responsible_sector="NAV",
    status="applied-for",
    status_date=date(2026, 2, 10),
)
CARE_SCOPE: tuple[AccessScope, ...] = ("goals", "measures", "meetings")


def plan_created(prev: IpExport) -> IpExport:
    """Scenario 5: Ola creates the IP; Kari consents (NAV: goals and measures, 12 months); PSFS baseline."""
    plan = prev.plan
    consents = (
        Consent(
            id="c-plan",
            type="plan-creation",
            granted_by_ref="p-kari",
            period=Period(start=date(2026, 2, 10)),
            status="active",
            signed=True,
            recorded_at=oslo(2026, 2, 10, 10),
        ),
        _access("c-ola", "p-ola", ("all",)),
        _access("c-hjemme", "p-hjemme", CARE_SCOPE),
        _access("c-fysio", "p-fysio", CARE_SCOPE),
        _access("c-nav", "p-nav", ("goals", "measures"), end=date(2027, 2, 9)),
    )
    scopes: dict[str, tuple[AccessScope, ...]] = {
        "p-ola": ("all",),
        "p-hjemme": CARE_SCOPE,
        "p-fysio": CARE_SCOPE,
        "p-nav": ("goals", "measures"),
    }
    participants = tuple(
        edit(x, access_scope=scopes[x.id], access_period=Period(start=date(2026, 2, 10)))
        if x.id in scopes
        else x
        for x in plan.participants
    )
    hjemme = edit(plan.measures[0], status="active", status_date=date(2026, 2, 1))
    log: list[Log] = [("status-changed", "plan", PLAN_ID)]
    log += [("consent-granted", "consent", c.id) for c in consents]
    log += [("created", "goal", g.id) for g in GOALS] + [("psfs-recorded", "psfs", "psfs-1")]
    log += [
        ("status-changed", "measure", "m-hjemme"),
        ("created", "measure", "m-gang"),
        ("created", "measure", "m-hjelpemidler"),
    ]
    return revise(
        prev,
        oslo(2026, 2, 10, 10),
        "p-ola",
        log,
        status="active",
        ip_status=p.ip_status("101", "Ja, virksom plan"),
        title="Individuell plan for Kari Nordmann",
        plan_period=p.PLAN_PERIOD,
        revision_schedule=(date(2026, 8, 10), date(2027, 2, 1)),
        next_revision_date=date(2026, 8, 10),
        background="Henvist av fastlege etter identifisering; ønsker oppfølgingsteam",
        participants=participants,
        consents=upsert(plan.consents, *consents),
        goals=GOALS,
        psfs_assessments=(BASELINE,),
        measures=upsert(plan.measures, hjemme, GAIT, AIDS),
    )


def steps() -> list[Step]:
    s1 = registered()
    s2 = gp_answered(s1)
    s3 = decided(s2)
    s4 = coordinator_appointed(s3)
    s5 = plan_created(s4)
    from samband.features.changes.delta import make_delta

    return [
        Step("s01-referral", "01-registered", s1, None, note="KE registers the referral as a draft plan"),
        Step("s02-gp-answer", "01-consent-recorded", s2, "s01-referral/01-registered", encoding="xml"),
        Step("s03-decision", "01-decided-delta", make_delta(s2, s3), "s02-gp-answer/01-consent-recorded"),
        Step("s04-coordinator", "01-appointed", s4, "s03-decision/01-decided-delta"),
        Step("s05-ip-created", "01-active", s5, "s04-coordinator/01-appointed", encoding="xml"),
    ]
