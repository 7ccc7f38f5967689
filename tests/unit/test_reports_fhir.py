from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from bot.reports.fhir import export_bundle, questionnaire_response
from tests.instrument_support import INSTRUMENTS
from tests.unit.report_samples import COMI, NOW, NRS, STARTBACK, export_rows


def _json(response: QuestionnaireResponse) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(response.model_dump_json())
    return data


def _items(response: QuestionnaireResponse) -> dict[str, object]:
    """linkId -> the single answer's value (integer, decimal or coding code)."""
    answers: dict[str, object] = {}
    for item in _json(response)["item"]:
        (answer,) = item["answer"]
        value = answer.get("valueInteger", answer.get("valueDecimal"))
        answers[item["linkId"]] = answer["valueCoding"]["code"] if value is None else value
    return answers


def test_questionnaire_response_carries_answers_and_scores() -> None:
    response = questionnaire_response(STARTBACK, "P-7F3K-92QD", INSTRUMENTS)

    assert response.status == "completed"
    assert response.questionnaire == "https://backpath.be/fhir/Questionnaire/startback|1"
    assert response.language == "fr"
    data = _json(response)
    assert data["subject"]["identifier"]["value"] == "P-7F3K-92QD"
    assert data["extension"] == [
        {
            "url": "https://backpath.be/fhir/StructureDefinition/language-version-validated",
            "valueBoolean": True,
        }
    ]
    items = _items(response)
    assert items["fear"] == 1
    assert items["bothersome"] == 3
    assert items["score.total"] == 6
    assert items["score.psychosocial"] == 4
    # LOINC 91352-5's answer list LL3578-3: High = LA9193-9.
    assert items["score.category"] == "LA9193-9"
    (category,) = [i for i in data["item"] if i["linkId"] == "score.category"]
    assert category["answer"][0]["valueCoding"]["system"] == "http://loinc.org"


def test_nrs_refers_to_our_questionnaire() -> None:
    response = questionnaire_response(NRS, "P-1", INSTRUMENTS)

    assert response.questionnaire == "https://backpath.be/fhir/Questionnaire/nrs|1"
    assert _items(response) == {"pain": 7, "score.total": 7}


def test_decimal_scores_keep_their_value() -> None:
    assert _items(questionnaire_response(COMI, "P-1", INSTRUMENTS))["score.total"] == 5.875


def test_response_round_trips_through_json() -> None:
    response = questionnaire_response(COMI, "P-1", INSTRUMENTS)
    text = response.model_dump_json()

    again = QuestionnaireResponse.model_validate_json(text)
    assert again.model_dump_json() == text


def test_bundle_is_a_json_ready_collection_that_validates() -> None:
    data = export_bundle(export_rows(), INSTRUMENTS, generated_at=NOW)

    assert data == json.loads(json.dumps(data))
    assert data["resourceType"] == "Bundle"
    assert data["type"] == "collection"
    assert len(data["entry"]) == len(export_rows())
    ids = [entry["resource"]["id"] for entry in data["entry"]]
    assert len(set(ids)) == len(ids)
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in data["entry"])
    bundle = Bundle.model_validate(data)
    assert json.loads(bundle.model_dump_json()) == data


def test_export_is_deterministic() -> None:
    assert export_bundle(export_rows(), INSTRUMENTS, generated_at=NOW) == export_bundle(
        export_rows(), INSTRUMENTS, generated_at=NOW
    )


def test_naive_datetimes_are_refused() -> None:
    naive = replace(STARTBACK, completed_at=datetime(2025, 3, 13, 18, 5))

    with pytest.raises(ValueError, match="timezone-aware"):
        questionnaire_response(naive, "P-1", INSTRUMENTS)
