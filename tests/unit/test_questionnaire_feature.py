"""Questionnaire feature: results in plain words, COMI compared, stop and queue."""

from __future__ import annotations

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
            labels = [label for label, _ in talk.buttons() if label != "« Vorige vraag"]
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


def test_result_reply_keys_and_parameters() -> None:
    high = result_reply("startback", {"total": 7, "category": "high"}, None)
    assert high.parts == (Text("result.startback.high", {"score": 7}),)
    nrs = result_reply("nrs", {"total": 4.0, "category": None}, None)
    assert nrs.parts == (Text("result.nrs", {"pain": 4}),)
    worse = result_reply("comi", {"total": 5.0, "category": None}, {"total": 4.5})
    assert worse.parts[1] == Text("result.comi.worse", {"previous": 4.5, "score": 5.0})
    same = result_reply("comi", {"total": 4.7, "category": None}, {"total": 4.5})
    assert same.parts[1].key == "result.comi.unchanged"


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
