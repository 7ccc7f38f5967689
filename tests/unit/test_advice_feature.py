"""Advice in the conversation: when it comes, what fits, withheld, not repeated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.engine import Engine, State
from bot.engine.features.advice import AdviceGiven, profile_of
from bot.engine.model import Event
from bot.engine.turn import Turn
from bot.i18n import Catalogs
from bot.pathway.config import load_config
from tests.unit.test_engine import NOW, Talk, onboarded
from tests.unit.test_questionnaire_feature import answer_comi

HIGH_RISK_WITH_FEAR = ["Eens", "Eens", "Oneens", "Oneens", "Eens", "Eens", "Eens", "Eens"]


def advice_ids(talk: Talk) -> list[str]:
    assert talk.last is not None
    return [e.advice_id for e in talk.last.effects if isinstance(e, AdviceGiven)]


def finish_intake(talk: Talk) -> None:
    talk.type("5")  # NRS; then the COMI baseline
    talk.command("cancel")


def test_tailored_advice_after_a_high_risk_startback(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    finish_intake(talk)
    talk.command("startback")
    for answer in HIGH_RISK_WITH_FEAR:
        talk.tap(answer)
    talk.tap("Erg")
    msgids = talk.msgids()
    assert msgids.index("result.startback.high") < msgids.index("advice.intro")
    assert advice_ids(talk) == ["fear_movement_safe"]  # the answer-specific item first
    given = [e for e in talk.last.effects if isinstance(e, AdviceGiven)]  # type: ignore[union-attr]
    assert given[0] == AdviceGiven("fear_movement_safe", 1, "nl", "result")


def test_advice_is_not_repeated_within_the_window(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    finish_intake(talk)
    seen: list[str] = []
    for _ in range(30):
        talk.command("advice")
        ids = advice_ids(talk)
        if not ids:
            assert "advice.none_new" in talk.msgids()
            break
        assert ids[0] not in seen
        seen.extend(ids)
    else:
        raise AssertionError("the advice never ran out")
    later = engine.step(talk.state, Event("command", text="advice"), NOW + timedelta(days=15))
    assert [e for e in later.effects if isinstance(e, AdviceGiven)]  # the window has passed


def test_withheld_under_an_open_red_flag(engine: Engine, catalogs: Catalogs) -> None:
    talk = Talk(engine, catalogs)
    talk.start("nl")
    talk.tap("Ja, ik ga akkoord")
    for _ in range(7):
        talk.tap("Nee")
    talk.tap("Ja")  # pathological screen
    talk.tap("Ja")  # cancer: semi-urgent, advice withheld
    while talk.state.top is not None and talk.state.top.flow == "redflags":
        talk.tap("Nee")
    talk.type("5")
    talk.command("cancel")
    result = talk.command("advice")
    assert "advice.withheld" in talk.msgids(result)
    assert not [e for e in result.effects if isinstance(e, AdviceGiven)]
    talk.command("seen")
    talk.command("advice")
    assert advice_ids(talk)


def test_intake_ends_with_onboarding_advice(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    talk.type("5")
    answer_comi(talk, ["1", "5", "2", "2", "2", "2", "2", "2"])
    assert talk.last is not None
    given = [e for e in talk.last.effects if isinstance(e, AdviceGiven)]
    assert given and {e.trigger for e in given} == {"onboarding"}
    assert len(given) == 2


def test_profile_from_memory(engine: Engine) -> None:
    config = load_config()
    state = State(
        memo={
            "episode": {
                "onset": "2026-01-01",
                "pain_type": "radicular",
                "recurrent": False,
                "first_contact": "2026-01-02T09:00:00+00:00",
            },
            "scores": {
                "startback": [{"at": "2026-02-01T10:00:00+00:00", "total": 2, "category": "low"}],
                "orebro": [
                    {"at": "2026-03-01T10:00:00+00:00", "total": 60, "category": "elevated"}
                ],
            },
            "answers": {"orebro.sleep": 2},
        }
    )
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    profile = profile_of(Turn(engine, state, Event("text"), now), config)
    assert (profile.phase, profile.pain_type, profile.risk) == ("subacute", "radicular", "high")
    assert profile.answers == {"orebro.sleep": 2} and not profile.red_flag_open
