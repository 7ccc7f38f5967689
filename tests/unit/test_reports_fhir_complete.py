"""FHIR export, complete: Questionnaire resources with LOINC codes, red flags as
Observation + Flag linked to the screen's QuestionnaireResponse; every resource validated."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from bot.clinic.exports import questionnaire_resource, questionnaires
from bot.clinic.report import ReportContent
from bot.engine.runner import Engine
from bot.i18n import Catalogs
from bot.reports.fhir import export_bundle
from bot.reports.model import ExportFlag, ExportResponse, FlowResponse, RedFlagAnswer
from tests.instrument_support import ITEMS, SCORERS, SUBSCALES
from tests.unit.report_samples import NOW, RED_FLAG, export_rows

SCREEN = FlowResponse(
    response_id=41,
    flow="redflags",
    version=2,  # flows/redflags.yaml
    language="fr",
    completed_at=datetime(2025, 3, 13, 17, 59, tzinfo=UTC),
    answers=(("neuro_bladder", False), ("neuro_saddle", True), ("weak_screen", True),
             ("weak_course", "worse")),
)  # fmt: skip
FLAG = RED_FLAG.__class__(
    **{**RED_FLAG.__dict__, "response_id": 41, "source": "screen"},
)
FREE_TEXT_FLAG = RED_FLAG.__class__(
    level="semi_urgent",
    cluster="infection",
    answers=(RedFlagAnswer("infection_fever", "Koorts?", "Ja"),),
    raised_at=datetime(2025, 3, 14, 8, 0, tzinfo=UTC),
    shown_at=None,
    acknowledged_at=None,
    seen_by_doctor_at=datetime(2025, 3, 14, 12, 0, tzinfo=UTC),
    source="free_text",
)


def _content(engine: Engine, catalogs: Catalogs) -> ReportContent:
    return ReportContent(catalogs, engine.flows, engine.instruments)


def _bundle(engine: Engine, catalogs: Catalogs) -> dict[str, Any]:
    rows = export_rows()
    flows = [r.result.instrument for r in rows] + ["redflags"]
    return export_bundle(
        rows,
        engine.instruments,
        generated_at=NOW,
        red_flags=[ExportFlag("P-7F3K-92QD", FLAG), ExportFlag("P-7F3K-92QD", FREE_TEXT_FLAG)],
        responses=[ExportResponse("P-7F3K-92QD", SCREEN)],
        questionnaires=questionnaires(_content(engine, catalogs), flows),
    )


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_every_resource_of_the_bundle_validates(engine: Engine, catalogs: Catalogs) -> None:
    bundle = _bundle(engine, catalogs)
    Bundle.model_validate(bundle)
    kinds = set()
    for entry in bundle["entry"]:
        resource = entry["resource"]
        kinds.add(resource["resourceType"])
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert kinds == {"QuestionnaireResponse", "Questionnaire", "Observation", "Flag"}


def test_every_response_refers_to_a_questionnaire_in_the_bundle_with_its_items(
    engine: Engine, catalogs: Catalogs
) -> None:
    bundle = _bundle(engine, catalogs)
    published = {f"{q['url']}|{q['version']}": q for q in _resources(bundle, "Questionnaire")}
    assert {q["id"] for q in published.values()} == {
        "startback",
        "orebro",
        "comi",
        "nrs",
        "redflags",
    }

    def link_ids(items: list[dict[str, Any]]) -> set[str]:
        return {item["linkId"] for item in items}

    for response in _resources(bundle, "QuestionnaireResponse"):
        questionnaire = published[response["questionnaire"]]
        assert link_ids(response["item"]) <= link_ids(questionnaire["item"])


def test_startback_questionnaire_carries_the_loinc_codes(
    engine: Engine, catalogs: Catalogs
) -> None:
    (startback,) = [
        q for q in _resources(_bundle(engine, catalogs), "Questionnaire") if q["id"] == "startback"
    ]
    assert startback["code"] == [{"system": "http://loinc.org", "code": "91349-1"}]
    codes = {item["linkId"]: item.get("code", [{}])[0].get("code") for item in startback["item"]}
    assert [codes[i] for i in ("leg_pain", "shoulder_neck", "walk_short", "dress_slow", "fear",
                               "worry", "catastrophising", "anhedonia", "bothersome")] == [
        f"9134{n}-{c}" for n, c in zip(range(9), "086429753", strict=True)
    ]  # fmt: skip
    assert codes["score.total"] == "91351-7"
    assert codes["score.psychosocial"] == "91350-9"
    assert codes["score.category"] == "91352-5"
    (category,) = [i for i in startback["item"] if i["linkId"] == "score.category"]
    assert {o["valueCoding"]["code"] for o in category["answerOption"]} == {
        "LA9194-7", "LA8982-6", "LA9193-9"
    }  # fmt: skip
    # Dutch text verbatim from the catalog, French as a translation extension.
    (leg,) = [i for i in startback["item"] if i["linkId"] == "leg_pain"]
    assert leg["text"] == catalogs.message("nl", "startback.leg_pain")
    translation = leg["_text"]["extension"][0]["extension"]
    assert {"url": "lang", "valueCode": "fr"} in translation
    assert {"url": "content", "valueString": catalogs.message("fr", "startback.leg_pain")} in (
        translation
    )


def test_nrs_item_is_coded_with_loinc_and_orebro_keeps_our_url(
    engine: Engine, catalogs: Catalogs
) -> None:
    published = {q["id"]: q for q in _resources(_bundle(engine, catalogs), "Questionnaire")}
    (pain,) = [i for i in published["nrs"]["item"] if i["linkId"] == "pain"]
    assert pain["code"] == [{"system": "http://loinc.org", "code": "72514-3"}]
    assert published["orebro"]["url"] == "https://backpath.be/fhir/Questionnaire/orebro"
    assert "code" not in published["orebro"]


def test_red_flags_are_observations_and_flags_with_level_cluster_and_times(
    engine: Engine, catalogs: Catalogs
) -> None:
    bundle = _bundle(engine, catalogs)
    observations = _resources(bundle, "Observation")
    flags = _resources(bundle, "Flag")
    assert len(observations) == len(flags) == 2
    screen_flag, typed_flag = observations
    assert screen_flag["code"]["coding"][0]["code"] == "neuro"
    assert screen_flag["valueCodeableConcept"]["coding"][0]["code"] == "urgent"
    assert screen_flag["effectiveDateTime"] == "2025-03-13T17:58:00Z"
    assert screen_flag["subject"]["identifier"]["value"] == "P-7F3K-92QD"
    components = {c["code"]["coding"][0]["code"]: c for c in screen_flag["component"]}
    assert components["shown"]["valueDateTime"] == "2025-03-13T17:58:01Z"
    assert "acknowledged" not in components
    assert components["source"]["valueCodeableConcept"]["coding"][0]["code"] == "screen"
    assert components["saddle"]["valueString"] == "Oui"
    # derivedFrom points at the screen's QuestionnaireResponse in the same bundle.
    (screen,) = [
        r for r in _resources(bundle, "QuestionnaireResponse")
        if r["questionnaire"].endswith("/redflags|2")
    ]  # fmt: skip
    assert screen_flag["derivedFrom"] == [{"reference": f"urn:uuid:{screen['id']}"}]
    answers = {i["linkId"]: i["answer"][0] for i in screen["item"]}
    assert answers["neuro_saddle"] == {"valueBoolean": True}
    assert answers["weak_course"]["valueCoding"]["code"] == "worse"
    # A flag from typed text has no screen; seen by a doctor closes the Flag.
    assert "derivedFrom" not in typed_flag
    first, second = flags
    assert first["status"] == "active" and "end" not in first["period"]
    assert second["status"] == "inactive"
    assert second["period"] == {
        "start": "2025-03-14T08:00:00Z",
        "end": "2025-03-14T12:00:00Z",
    }
    detail = second["extension"][0]
    assert detail["url"] == "http://hl7.org/fhir/StructureDefinition/flag-detail"
    assert detail["valueReference"]["reference"] == f"urn:uuid:{typed_flag['id']}"


@pytest.mark.parametrize(
    "flow_id",
    ["startback", "orebro", "comi", "nrs", "redflags", "episode", "history", "clinic_question"],
)
def test_questionnaire_of_each_flow_validates(
    engine: Engine, catalogs: Catalogs, flow_id: str
) -> None:
    (resource,) = questionnaires(_content(engine, catalogs), [flow_id])
    data = resource.model_dump(mode="json")
    get_fhir_model_class("Questionnaire").model_validate(data)
    assert data["url"] == f"https://backpath.be/fhir/Questionnaire/{flow_id}"
    assert data["language"] == "nl"


def test_the_web_app_gets_the_resource_by_flow_id(engine: Engine, catalogs: Catalogs) -> None:
    content = _content(engine, catalogs)
    data = questionnaire_resource(content, "history")
    assert data is not None
    get_fhir_model_class("Questionnaire").model_validate(data)
    assert data["url"] == "https://backpath.be/fhir/Questionnaire/history"
    assert questionnaire_resource(content, "nope") is None


def test_the_questionnaire_score_items_are_the_scorers_subscales() -> None:
    """The read-only score items name exactly what each scorer returns."""
    for instrument, items in ITEMS.items():
        form = {item: values[0] for item, values in items.items()}
        assert tuple(SCORERS[instrument](form).subscales) == SUBSCALES[instrument]


def test_every_flow_has_a_valid_questionnaire(engine: Engine, catalogs: Catalogs) -> None:
    content = _content(engine, catalogs)
    for flow_id in engine.flows:
        data = questionnaire_resource(content, flow_id)
        assert data is not None
        get_fhir_model_class("Questionnaire").model_validate(data)
