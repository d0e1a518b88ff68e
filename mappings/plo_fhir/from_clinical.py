"""FHIR Communication (Helseopplysninger til lege, Medisinske opplysninger) → PLO clinical blocks:
Condition → MedisinskDiagnose, MedicationStatement → Legemiddelinfo, Observation (9111) →
KartlagtFunksjon, AllergyIntolerance → Cave, payload text → GenereltJournalnotat.
"""

from __future__ import annotations

from typing import Any

from samband.adapters.plo import build
from samband.adapters.plo import clinical as c
from samband.adapters.plo.nodes import Code, Quantity
from samband.kernel.codes import lookup
from samband.kernel.errors import MappingError
from samband.mappings.common import kith_out
from samband.mappings.common.carry import carried_in
from samband.mappings.common.state import MapState, first_coding
from samband.mappings.common.systems import EXT_MAIN_DIAGNOSIS, EXT_MULTIDOSE, EXT_NOTE_HEADING
from samband.mappings.common.view import BundleView, JsonDict, as_dict, as_list, text_of
from samband.mappings.plo_fhir.from_services import _extension


def _about(view: BundleView, communication: JsonDict, resource_type: str) -> list[JsonDict]:
    found = [view.resolve(a) for a in as_list(communication.get("about"))]
    listed = [r for r in found if r is not None and r.get("resourceType") == resource_type]
    return listed or view.of_type(resource_type)


def diagnoses(items: list[JsonDict], state: MapState) -> tuple[c.InfoMedisinskDiagnose, ...]:
    """Current Conditions → MedisinskDiagnose; resolved ones (previous illnesses) have no PLO twin here."""
    out = []
    for condition in items:
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


def medication(view: BundleView, statement: JsonDict) -> c.Legemiddelinfo:
    medicine = view.resolve(statement.get("medicationReference")) or {}
    concept = as_dict(medicine.get("code") or statement.get("medicationCodeableConcept"))
    dosage = next(iter(as_list(statement.get("dosage"))), {})
    period = as_dict(statement.get("effectivePeriod"))
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
    )
    notes = [text_of(n.get("text")) for n in as_list(statement.get("note"))]
    prescription = c.ForenkletForskrivning(
        status=build.code("9101", "2", cs=True) if statement.get("status") == "stopped" else None,
        inngaar_i_multidose=_cs(_extension(statement, EXT_MULTIDOSE), "9102"),
        merknad=" ".join(n for n in notes if n) or None,
        forskrivningsinfo=info,
    )
    key = build.komponent_id("Legemiddelinfo", str(statement.get("id")))
    return c.Legemiddelinfo(komponent_id=key, informasjonskategori="Legemidler", forskrivning=prescription)


def functions(items: list[JsonDict], state: MapState) -> c.InfoKartleggingFunksjonsniva | None:
    """Observations coded in IPLOS 9111 → KartlagtFunksjon; other Observations have no PLO twin."""
    out = []
    for observation in items:
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
    return c.InfoKartleggingFunksjonsniva(funksjoner=tuple(out)) if out else None


def notes(
    communication: JsonDict, state: MapState, carried: frozenset[str] = frozenset()
) -> tuple[c.GenereltJournalnotat, ...]:
    """Text payloads → Journaltekst; a heading outside Volven (a PLO block read as text) is the text
    of a ``carried`` block, written from there, or has no PLO twin."""
    texts: list[tuple[Code | None, str]] = []
    for index, item in enumerate(as_list(communication.get("payload"))):
        content = text_of(item.get("contentString"))
        heading = _extension(item, EXT_NOTE_HEADING)
        if not content:
            continue
        if isinstance(heading, dict) and lookup.table_id_of(text_of(heading.get("system"))) is None:
            if str(heading.get("code")).split("/")[0] in carried:
                continue
            state.not_mapped(
                f"Communication/{communication.get('id')}/payload/{index}",
                f"text section {heading.get('code')}",
            )
            continue
        code = kith_out.code_of({"coding": [heading]}, "9142") if isinstance(heading, dict) else None
        texts.append((code, content))
    return (build.journalnotat(texts),) if texts else ()


def cave(items: list[JsonDict]) -> c.Cave | None:
    words = [text_of(as_dict(a.get("code")).get("text")) for a in items]
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


def clinical_fields(view: BundleView, state: MapState) -> dict[str, Any]:
    """The Communication and what it is about → PloMessage fields."""
    communication = view.first("Communication")
    if communication is None:
        raise MappingError(
            "Helseopplysninger needs a Communication", code="plo.no-communication", where="/entry"
        )
    if communication.get("reasonCode"):
        state.not_mapped(
            f"Communication/{communication.get('id')}/reasonCode",
            "InnholdKonsultasjon (not in the PLO model)",
        )
    blocks = frozenset(s[1][0] for s in (item.steps() for item in carried_in(view.resources)) if len(s) > 1)
    journal = notes(communication, state, blocks)
    allergy = cave(_about(view, communication, "AllergyIntolerance"))
    fields: dict[str, Any] = {
        "diagnoser": diagnoses(_about(view, communication, "Condition"), state),
        "legemidler": tuple(medication(view, s) for s in _about(view, communication, "MedicationStatement")),
        "funksjonsniva": functions(_about(view, communication, "Observation"), state),
    }
    if journal or allergy:
        fields["medisinskfaglige"] = c.MedisinskfagligeOpplysninger(cave=allergy, journalnotater=journal)
    return fields
