"""Questionnaire feature: results in plain words, COMI compared, stop and queue."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.engine.features.questionnaires import result_reply
from bot.engine.model import RunFinished, Text
from bot.i18n import Catalogs
from tests.unit.test_engine import Talk, onboarded

COMI_WORST = ["2", "9", "9"]  # main problem, back pain, leg pain


def answer_comi(talk: Talk, positions: list[str]) -> None:
    """COMI: main problem, back, leg pain, then five choice items (1-based positions)."""
    for i, value in enumerate(positions):
        if i in (1, 2):
            talk.type(value)
        else:
            labels = [label for label, _ in talk.buttons() if not label.startswith("«")]
            talk.tap(labels[int(value) - 1])


def test_comi_then_a_better_comi_says_improved(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    talk.type("6")  # NRS, then the COMI baseline starts
    answer_comi(talk, [*COMI_WORST, "5", "5", "5", "5", "5"])
    first = talk.last
    assert first is not None
    assert "result.comi" in talk.msgids(first)
    assert not any(k.startswith("result.comi.") for k in talk.msgids(first))
    talk.command("comi")
    answer_comi(talk, ["1", "2", "2", "1", "1", "1", "1", "1"])
    keys = talk.msgids()
    assert "result.comi" in keys and "result.comi.improved" in keys


def test_result_reply_keys_and_parameters(engine: Engine) -> None:
    startback, nrs_, comi = (engine.instruments[i] for i in ("startback", "nrs", "comi"))
    high = result_reply(startback, {"total": 7, "category": "high"}, None)
    assert high.parts == (Text("result.startback.high", {"score": 7}),)
    nrs = result_reply(nrs_, {"total": 4.0, "category": None}, None)
    assert nrs.parts == (Text("result.nrs", {"pain": 4}),)
    worse = result_reply(comi, {"total": 5.7, "category": None}, 4.5)
    assert worse.parts[1] == Text("result.comi.worse", {"previous": 4.5, "score": 5.7})
    # +0.3 (Mannion's individual cut-off) is far below the measurement error: the same
    same = result_reply(comi, {"total": 4.8, "category": None}, 4.5)
    assert same.parts[1].key == "result.comi.unchanged"
    almost = result_reply(comi, {"total": 5.65, "category": None}, 4.5)
    assert almost.parts[1].key == "result.comi.unchanged"


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_comi_is_compared_with_the_episode_baseline_not_the_previous(
    engine: Engine, catalogs: Catalogs, language: str
) -> None:
    talk = onboarded(engine, catalogs, language)
    talk.type("6")  # NRS, then the COMI baseline starts
    answer_comi(talk, ["2", "9", "9", "5", "5", "5", "5", "5"])  # 9.8: the baseline
    talk.command("comi")
    answer_comi(talk, ["2", "9", "9", "4", "4", "4", "4", "4"])  # 7.8: 2.0 lower
    assert "result.comi.unchanged" in talk.msgids()
    talk.command("comi")
    answer_comi(talk, ["2", "8", "8", "4", "4", "4", "4", "4"])  # 7.6: 0.2 below the last
    assert "result.comi.improved" in talk.msgids()  # but 2.2 below the baseline
    text = " ".join(talk.texts())
    assert "9,8" in text and "7,6" in text  # Belgian decimals, baseline and now


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_results_explain_the_score_and_what_comes_next(
    engine: Engine, catalogs: Catalogs, language: str
) -> None:
    talk = onboarded(engine, catalogs, language)
    talk.type("6")
    nrs = " ".join(talk.texts())
    assert "6" in nrs and "/progress" in nrs
    answer_comi(talk, ["2", "3", "1", "2", "2", "2", "2", "2"])
    text = next(t for t in talk.texts() if "COMI" in t)
    # the number, what COMI measures, what 0 and 10 mean, and when it is asked again
    assert ("2,6 op 10" if language == "nl" else "2,6 sur 10") in text
    assert ("0 is geen last" if language == "nl" else "0 veut dire aucune gêne") in text
    assert ("over enkele weken" if language == "nl" else "dans quelques semaines") in text


def test_cancel_stops_without_a_score(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    talk.type("6")
    talk.tap("Rugpijn")  # first COMI answer
    result = talk.command("cancel")
    finished = [e for e in result.effects if isinstance(e, RunFinished)]
    assert finished == [RunFinished(finished[0].run, "stopped", None)]
    assert talk.msgids(result)[0] == "cancel.done"
    assert talk.command("cancel").replies[0].parts[0].key == "cancel.nothing"


def test_a_questionnaire_asked_for_mid_flow_is_queued(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    result = talk.command("startback")
    assert talk.msgids(result)[0] == "questionnaire.queued"
    assert "nrs.pain" in talk.msgids(result)  # the current question goes on
    assert talk.state.agenda[-1] == "startback"


def test_rendered_comi_change_uses_belgian_decimals(catalogs: Catalogs) -> None:
    text = catalogs.render("nl", Text("result.comi.worse", {"previous": 4.5, "score": 5.25}))
    assert "4,5" in text
