"""NRS recall period: /pain and /flare ask about now, intake and check-ins about the past
week; the period is stored with every score and trends compare like with like."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.engine import Engine
from bot.engine.model import RunFinished
from bot.i18n import Catalogs
from bot.reports.chart import progress_chart
from tests.unit.test_engine import Talk, no_red_flags, onboarded
from tests.unit.test_followup_engine import effects_of


def scored(talk: Talk) -> dict[str, object]:
    finished = [e for e in effects_of(talk, RunFinished) if e.score is not None]  # type: ignore[attr-defined]
    assert len(finished) == 1
    return dict(finished[0].score)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("language", "now_words", "week_words"),
    [
        ("nl", "Hoe erg is uw pijn nu?", "in de afgelopen week"),
        ("fr", "maintenant ?", "la dernière semaine"),
    ],
)
def test_pain_asks_about_now_and_the_intake_about_the_week(
    engine: Engine, catalogs: Catalogs, language: str, now_words: str, week_words: str
) -> None:
    talk = onboarded(engine, catalogs, language)
    assert week_words in " ".join(talk.texts())
    talk.type("6")
    assert scored(talk)["recall"] == "week"
    talk.command("cancel")  # the COMI baseline
    talk.command("pain")
    assert now_words in " ".join(talk.texts())
    talk.type("3")
    assert scored(talk)["recall"] == "now"
    history = talk.state.memo["scores"]["nrs"]
    assert [h["recall"] for h in history] == ["week", "now"]


def test_a_flare_rating_is_stored_as_now(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    talk.type("4")
    talk.command("cancel")
    talk.command("flare")
    no_red_flags(talk)
    talk.type("8")
    assert scored(talk)["recall"] == "now"
    assert "advice.intro" in talk.msgids()  # the flare advice still follows


def test_progress_sums_up_weekly_ratings_only(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    talk.type("7")  # past week
    talk.command("cancel")
    talk.command("pain")
    talk.type("2")  # now: not compared with the weekly 7
    talk.command("progress")
    assert talk.msgids()[0] == "progress.few_points"


def test_the_chart_draws_ratings_of_the_moment_apart() -> None:
    from tests.unit.test_reports_chart import BOUNDARIES, BRU, COMI, NRS, T0, labels, series

    now = [(T0 + timedelta(days=3), 9.0), (T0 + timedelta(days=20), 2.0)]
    named = labels()
    result = progress_chart(series(NRS, COMI, now), BOUNDARIES, named, BRU)
    assert result.points == len(NRS) + len(COMI) + len(now)
    only_now = progress_chart(series([], [], now), BOUNDARIES, named, BRU)
    assert only_now.points == 2
