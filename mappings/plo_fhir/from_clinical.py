"""FHIR Communication (Helseopplysninger til lege, Medisinske opplysninger) → PLO clinical blocks:
Condition → MedisinskDiagnose, MedicationStatement → Legemiddelinfo, Observation (9111) →
KartlagtFunksjon, AllergyIntolerance → Cave, payload text → GenereltJournalnotat.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from samband.adapters.plo import build
from samband.adapters.plo import clinical as c
from samband.adapters.plo import parties as p
from samband.adapters.plo.message import OpplysningOpphold
from samband.adapters.plo.nodes import Code, Quantity
from samband.kernel.codes import lookup
from samband.kernel.errors import MappingError
from samband.mappings.common import kith_out
from samband.mappings.common.carry import Carried, carried_in, is_carried, is_reading
from samband.mappings.common.state import MapState, first_coding
from samband.mappings.common.systems import (
    EXT_MAIN_DIAGNOSIS,
    EXT_MULTIDOSE,
    EXT_NOT_WITH_OTHER,
    EXT_NOTE_HEADING,
    KOMPONENT_ID,
    PLO_SECTION,
)
from samband.mappings.common.view import BundleView, JsonDict, as_dict, as_list, text_of
from samband.mappings.plo_fhir.from_logistics import event
from samband.mappings.plo_fhir.from_services import _extension, _service

CONTENT_TABLES = frozenset({"9137", "9138", "9139", "9140"})
"""TypeInnhold (TypeInnholdIMelding) code lists: one per message family."""


def _about(view: BundleView, communication: JsonDict, resource_type: str) -> list[JsonDict]:
    found = [view.resolve(a) for a in as_list(communication.get("about"))]
    listed = [r for r in found if r is not None and r.get("resourceType") == resource_type]
    return listed or view.of_type(resource_type)


def diagnoses(items: list[JsonDict], state: MapState) -> tuple[c.InfoMedisinskDiagnose, ...]:
    """Current Conditions → MedisinskDiagnose; resolved ones (previous illnesses) have no PLO twin here."""
    out = []
    for condition in items:
        if is_carried(condition):
            continue
        status = first_coding(condition.get("clinicalStatus"))
        if status is not None and status.get("code") in {"resolved", "inactive", "remission"}:
            state.not_mapped(
                f"Condition/{condition.get('id')}", "resolved Condition (InfoTidligereSykdommer)"
            )
            continue
        concept = as_dict(condition.get("code"))
        main = _extension(condition, EXT_MAIN_DIAGNOSIS)
        out.append(
            c.MedisinskDiagnose(
                hoveddiagnose=main if isinstance(main, bool) else None,
                diagnosekode=kith_out.code_of(concept, "7110"),
                beskrivelse=text_of(concept.get("text")),
            )
        )
    return (c.InfoMedisinskDiagnose(diagnoser=tuple(out)),) if out else ()


def _strength(medication: JsonDict) -> Quantity | None:
    for ingredient in as_list(medication.get("ingredient")):
        numerator = as_dict(as_dict(ingredient.get("strength")).get("numerator"))
        if numerator.get("value") is not None:
            return Quantity(v=str(numerator["value"]), u=text_of(numerator.get("unit")))
    return None


def _cs(concept: object, table: str) -> Code | None:
    return kith_out.code_of(concept, table, cs=True)


def _prescription_status(statement: JsonDict) -> Code | None:
    """StatusTilForskrivningen: as read (statusReason), else 2 Seponering for a stopped statement."""
    kept = next(iter(as_list(statement.get("statusReason"))), None)
    code = kith_out.code_of(kept, "9101", cs=True) if kept else None
    if code is None and statement.get("status") == "stopped":
        return Code(v="2", dn="Seponering")
    return code


def medication(view: BundleView, statement: JsonDict) -> c.Legemiddelinfo:
    medicine = view.resolve(statement.get("medicationReference")) or {}
    concept = as_dict(medicine.get("code") or statement.get("medicationCodeableConcept"))
    dosage = next(iter(as_list(statement.get("dosage"))), {})
    period = as_dict(statement.get("effectivePeriod"))
    apart = _extension(statement, EXT_NOT_WITH_OTHER)
    info = c.Forskrivningsinfo(
        bruksomrade=text_of(dosage.get("patientInstruction")),
        dosering_tekst=text_of(dosage.get("text")),
        navn=text_of(concept.get("text")),
        atc=_cs(concept, "7180"),
        legemiddelform=_cs(medicine.get("form"), "7448"),
        styrke=_strength(medicine),
        bruk=_cs(statement.get("category"), "9101"),
        dosering_start=text_of(period.get("start")),
        dosering_slutt=text_of(period.get("end")),
        skal_ikke_tas_sammen=apart if isinstance(apart, bool) else None,
    )
    notes = [text_of(n.get("text")) for n in as_list(statement.get("note"))]
    prescription = c.ForenkletForskrivning(
        status=_prescription_status(statement),
        inngaar_i_multidose=_cs(_extension(statement, EXT_MULTIDOSE), "9102"),
        merknad=" ".join(n for n in notes if n) or None,
        forskrivningsinfo=info,
    )
    kept = [
        text_of(i.get("value"))
        for i in as_list(statement.get("identifier"))
        if i.get("system") == KOMPONENT_ID
    ]
    key = next((k for k in kept if k), None) or build.komponent_id("Legemiddelinfo", str(statement.get("id")))
    return c.Legemiddelinfo(komponent_id=key, informasjonskategori="Legemidler", forskrivning=prescription)


def functions(items: list[JsonDict], state: MapState) -> c.InfoKartleggingFunksjonsniva | None:
    """Observations coded in IPLOS 9111 → KartlagtFunksjon; other Observations have no PLO twin."""
    out = []
    overall: c.SamletVurderingFunksjonsniva | None = None
    for observation in items:
        if overall is None and (overall := _overall(observation)) is not None:
            continue
        code = kith_out.code_of(observation.get("code"), "9111")
        if code is None or not (code.s or "").endswith(".9111"):
            state.not_mapped(f"Observation/{observation.get('id')}", "Observation not coded in IPLOS 9111")
            continue
        notes = [text_of(n.get("text")) for n in as_list(observation.get("note"))]
        score = observation.get("valueInteger")
        out.append(
            c.KartlagtFunksjon(
                funksjonsvariabel=code,
                vurdering=score if isinstance(score, int) else None,
                merknad=" ".join(n for n in notes if n) or None,
            )
        )
    if not out and overall is None:
        return None
    return c.InfoKartleggingFunksjonsniva(samlet=overall, funksjoner=tuple(out))


def _overall(observation: JsonDict) -> c.SamletVurderingFunksjonsniva | None:
    """The Observation coded ``plo-seksjon#SamletVurderingFunksjonsniva`` → SamletVurderingFunksjonsniva."""
    coding = first_coding(observation.get("code"))
    if (
        coding is None
        or coding.get("system") != PLO_SECTION
        or coding.get("code") != "SamletVurderingFunksjonsniva"
    ):
        return None
    load = as_dict(observation.get("valueQuantity")).get("value")
    judgement = [text_of(i.get("text")) for i in as_list(observation.get("interpretation"))]
    notes = [text_of(n.get("text")) for n in as_list(observation.get("note"))]
    return c.SamletVurderingFunksjonsniva(
        pleietyngde=None if load is None else Decimal(str(load)),
        vurdering=" ".join(j for j in judgement if j) or None,
        merknad=" ".join(n for n in notes if n) or None,
    )


def notes(
    communication: JsonDict, state: MapState, carried: list[Carried]
) -> tuple[c.GenereltJournalnotat, ...]:
    """Text payloads → Journaltekst; a heading outside Volven (a PLO block read as text) is the text
    of a ``carried`` block, written from there, or has no PLO twin."""
    texts: list[tuple[Code | None, str]] = []
    for index, item in enumerate(as_list(communication.get("payload"))):
        content = text_of(item.get("contentString"))
        heading = _extension(item, EXT_NOTE_HEADING)
        if not content or is_reading(item, carried):
            continue
        if isinstance(heading, dict) and lookup.table_id_of(text_of(heading.get("system"))) is None:
            state.not_mapped(
                f"Communication/{communication.get('id')}/payload/{index}",
                f"text section {heading.get('code')}",
            )
            continue
        code = kith_out.code_of({"coding": [heading]}, "9142") if isinstance(heading, dict) else None
        texts.append((code, content))
    return (build.journalnotat(texts),) if texts else ()


def cave(items: list[JsonDict]) -> c.Cave | None:
    """AllergyIntolerances made in FHIR → Cave keywords (those read from PLO are carried as they were)."""
    words = [text_of(as_dict(a.get("code")).get("text")) for a in items if not is_carried(a)]
    keywords = tuple(c.StikkordCave(stikkord=w) for w in words if w)
    if not keywords:
        return None
    sakshode = c.SakshodeCave(
        komponent_id=build.komponent_id("SakshodeCave", *words),
        informasjonskategori="Cave/allergier",
        stikkord=keywords,
    )
    return c.Cave(
        komponent_id=build.komponent_id("Cave", *words),
        informasjonskategori="Cave/allergier",
        sakshode=sakshode,
    )


def reasons(communication: JsonDict, state: MapState) -> dict[str, Any]:
    """Communication.reasonCode → TypeInnholdIMelding (9137–9140) and InnholdKonsultasjon."""
    fields: dict[str, Any] = {}
    for index, concept in enumerate(as_list(communication.get("reasonCode"))):
        coding = first_coding(concept) or {}
        system = text_of(coding.get("system")) or ""
        text = text_of(concept.get("text"))
        if system.endswith("kith-TypeInnholdKonsultasjon") and "innhold_konsultasjon" not in fields:
            code = kith_out.code_of(concept, "9137", cs=True)
            fields["innhold_konsultasjon"] = p.InnholdKonsultasjon(type_innhold=code, merknad=text)
        elif lookup.table_id_of(system) in CONTENT_TABLES and "type_innhold" not in fields:
            code = kith_out.code_of(concept, lookup.table_id_of(system) or "9137")
            fields["type_innhold"] = p.TypeInnholdIMelding(type_innhold=code, merknad=text)
        else:
            state.not_mapped(f"Communication/{communication.get('id')}/reasonCode/{index}", "reasonCode")
    return fields


def stays(view: BundleView, communication: JsonDict) -> tuple[OpplysningOpphold, ...]:
    """Communication.encounter and the Encounters it is about → OpplysningOpphold/TidsfestetHendelse."""
    found = [view.resolve(communication.get("encounter"))] + _about(view, communication, "Encounter")
    seen: list[JsonDict] = []
    for encounter in found:
        if (
            encounter is not None
            and encounter.get("resourceType") == "Encounter"
            and not any(encounter is s for s in seen)
        ):
            seen.append(encounter)
    return tuple(OpplysningOpphold(hendelse=event(e)) for e in seen)


def clinical_fields(view: BundleView, state: MapState) -> dict[str, Any]:
    """The Communication and what it is about → PloMessage fields."""
    communication = view.first("Communication")
    if communication is None:
        raise MappingError(
            "Helseopplysninger needs a Communication", code="plo.no-communication", where="/entry"
        )
    journal = notes(communication, state, carried_in(view.resources))
    allergy = cave(_about(view, communication, "AllergyIntolerance"))
    services = [s for s in _about(view, communication, "ServiceRequest") if not is_carried(s)]
    fields: dict[str, Any] = {
        "diagnoser": diagnoses(_about(view, communication, "Condition"), state),
        "legemidler": tuple(medication(view, s) for s in _about(view, communication, "MedicationStatement")),
        "funksjonsniva": functions(_about(view, communication, "Observation"), state),
        "opphold": stays(view, communication),
        "tjenester": tuple(_service(s, state, f"ServiceRequest/{s.get('id')}") for s in services),
        **reasons(communication, state),
    }
    if journal or allergy:
        fields["medisinskfaglige"] = c.MedisinskfagligeOpplysninger(cave=allergy, journalnotater=journal)
    return fields
