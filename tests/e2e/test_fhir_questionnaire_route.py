"""The worker serves each Questionnaire at its canonical URL (what exported
QuestionnaireResponses refer to)."""

from __future__ import annotations

from pathlib import Path

from fhir.resources.R4B.questionnaire import Questionnaire

from bot.clock import FrozenClock
from tests.e2e.test_webhook_app import worker


async def test_questionnaires_are_served_at_their_canonical_url(
    database_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    async with worker(database_url, clock, tmp_path) as w:
        response = await w.client.get("/fhir/Questionnaire/startback")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/fhir+json")
        questionnaire = Questionnaire.model_validate(response.json())
        assert questionnaire.url == "https://backpath.be/fhir/Questionnaire/startback"
        assert (await w.client.get("/fhir/Questionnaire/history")).status_code == 200
        assert (await w.client.get("/fhir/Questionnaire/nope")).status_code == 404
