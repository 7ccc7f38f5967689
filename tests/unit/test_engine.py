"""The pure engine: onboarding, answer types, bad input, language switch, navigation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.engine import Engine, Event, State, StepResult
from bot.engine.callbacks import VERSION
from bot.engine.model import AnswerGiven, ConsentRecorded, RunFinished, RunStarted, Text
from bot.i18n import Catalogs
from bot.i18n.rendering import render_reply

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Talk:
    """Drive the engine like a patient, keeping state between steps."""

    def __init__(self, engine: Engine, catalogs: Catalogs) -> None:
        self.engine, self.catalogs = engine, catalogs
        self.state = State()
        self.last: StepResult | None = None

    def send(self, event: Event) -> StepResult:
        self.last = self.engine.step(self.state, event, NOW)
        self.state = self.last.state
        return self.last

    def start(self, hint: str | None = None) -> StepResult:
        return self.send(Event("start", language_hint=hint))

    def type(self, text: str) -> StepResult:
        return self.send(Event("text", text=text))

    def command(self, name: str) -> StepResult:
        return self.send(Event("command", text=name))

    def buttons(self) -> list[tuple[str, str]]:
        assert self.last is not None
        reply = self.last.replies[-1]
        lang = self.state.language or "nl"
        return [(self.catalogs.render(lang, b.label), b.data) for row in reply.buttons for b in row]

    def tap(self, label: str) -> StepResult:
        data = dict(self.buttons())[label]
        return self.send(Event("choice", text=data))

    def texts(self, result: StepResult | None = None) -> list[str]:
        result = result or self.last
        assert result is not None
        lang = self.state.language or "nl"
        return [render_reply(self.catalogs, lang, r).text for r in result.replies]

    def msgids(self, result: StepResult | None = None) -> list[str]:
        result = result or self.last
        assert result is not None
        return [p.key for r in result.replies for p in r.parts if isinstance(p, Text)]


def no_red_flags(talk: Talk) -> StepResult:
    """Answer "no" to every red-flag screen question (and, at a check-in or /flare of a
    back-pain episode, to the radicular re-check that follows it)."""
    assert talk.last is not None
    result = talk.last
    while talk.state.top is not None and talk.state.top.flow in ("redflags", "radicular_check"):
        result = talk.tap("Nee" if talk.state.language == "nl" else "Non")
    return result


def episode_today(talk: Talk) -> StepResult:
    """Answer the intake's episode questions: started today, back pain, not recurrent."""
    nl = talk.state.language == "nl"
    talk.tap("Vandaag" if nl else "Aujourd'hui")
    talk.tap("Nee, vooral in de rug" if nl else "Non, surtout dans le dos")
    return talk.tap("Nee" if nl else "Non")


def onboarded(engine: Engine, catalogs: Catalogs, hint: str = "nl") -> Talk:
    """Consent given, red-flag screen answered "no", episode told: the NRS question waits."""
    talk = Talk(engine, catalogs)
    talk.start(hint)
    talk.tap("Ja, ik ga akkoord" if hint == "nl" else "Oui, je suis d'accord")
    no_red_flags(talk)
    episode_today(talk)
    return talk


def test_language_from_telegram_skips_the_question(engine: Engine, catalogs: Catalogs) -> None:
    talk = Talk(engine, catalogs)
    result = talk.start("fr-BE")
    assert talk.state.language == "fr"
    assert talk.msgids(result) == ["onboarding.welcome", "onboarding.privacy"]
    assert "112" in talk.texts(result)[1]


def test_unknown_language_is_asked(engine: Engine, catalogs: Catalogs) -> None:
    talk = Talk(engine, catalogs)
    result = talk.start("de")
    assert talk.state.language is None
    assert talk.msgids(result) == ["onboarding.language"]
    talk.tap("Français")
    assert talk.state.language == "fr"
    assert talk.msgids() == ["onboarding.welcome", "onboarding.privacy"]


def test_consent_then_nrs_answered_and_scored(engine: Engine, catalogs: Catalogs) -> None:
    talk = Talk(engine, catalogs)
    talk.start("nl")
    result = talk.tap("Ja, ik ga akkoord")
    assert ConsentRecorded("given", 1) in result.effects
    assert talk.msgids(result)[:2] == ["redflags.intro", "redflags.neuro_bladder"]  # safety first
    result = no_red_flags(talk)
    assert talk.msgids(result)[-1:] == ["episode.onset"]  # then the episode
    result = episode_today(talk)
    assert talk.msgids(result)[-2:] == ["nrs.pain", "scale.anchors"]
    assert result.replies[-1].progress == (1, 1)
    result = talk.tap("7")
    assert result.chosen is not None
    started = [e for e in result.effects if isinstance(e, RunStarted)]
    assert started and started[0].flow == "nrs"
    assert AnswerGiven(started[0].run, "pain", 7, "nl") in result.effects
    finished = [e for e in result.effects if isinstance(e, RunFinished)]
    assert finished[0].status == "completed"
    assert finished[0].score is not None and finished[0].score["total"] == 7
    assert "result.nrs" in talk.msgids(result)
    top = talk.state.top
    assert top is not None and top.flow == "comi"  # the intake goes on with the COMI baseline


def test_refusing_consent_stores_nothing_else(engine: Engine, catalogs: Catalogs) -> None:
    talk = Talk(engine, catalogs)
    talk.start("nl")
    result = talk.tap("Nee, liever niet")
    assert result.effects == (ConsentRecorded("refused", 1),)
    assert talk.msgids(result) == ["consent.refused"]
    assert talk.state.stack == () and talk.state.agenda == ()
    later = talk.type("7")
    assert talk.msgids(later) == ["consent.needed"]
    assert later.effects == ()


def test_scale_accepts_typed_numbers_and_explains_bad_ones(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = onboarded(engine, catalogs)
    for bad in ("twaalf", "11", "-1", "", "7.5"):
        result = talk.type(bad)
        assert talk.msgids(result)[0] == "error.scale_range", bad
        assert talk.msgids(result)[-2:] == ["nrs.pain", "scale.anchors"]
        assert not result.effects
    result = talk.type(" 4 ")
    assert any(isinstance(e, AnswerGiven) and e.value == 4 for e in result.effects)


def test_choice_accepts_typed_label_and_rejects_other_text(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = Talk(engine, catalogs)
    talk.start()
    result = talk.type("banaan")
    assert talk.msgids(result) == ["error.use_buttons", "onboarding.language"]
    talk.type("  nederlands ")
    assert talk.state.language == "nl"


def test_yes_no_words(engine: Engine, catalogs: Catalogs) -> None:
    from bot.engine.flows import Step
    from bot.engine.inputs import parse_text

    step = Step.model_validate({"id": "q", "text": "x", "answer": {"type": "yesno"}})
    assert parse_text(step, "Ja", "nl", catalogs.render).value is True
    assert parse_text(step, "non", "fr", catalogs.render).value is False
    assert parse_text(step, "misschien", "nl", catalogs.render).error == Text("error.use_buttons")


def test_free_text_answers(engine: Engine, catalogs: Catalogs) -> None:
    from bot.engine.flows import Step
    from bot.engine.inputs import parse_text

    step = Step.model_validate(
        {"id": "q", "text": "x", "answer": {"type": "text", "max_length": 10}}
    )
    assert parse_text(step, "  hallo ", "nl", catalogs.render).value == "hallo"
    assert parse_text(step, "   ", "nl", catalogs.render).error == Text("error.empty_text")
    assert parse_text(step, "x" * 11, "nl", catalogs.render).error == Text(
        "error.text_too_long", {"max": 10}
    )


def test_stale_and_double_taps_are_not_recorded_twice(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    seven = dict(talk.buttons())["7"]
    first = talk.send(Event("choice", text=seven))
    assert any(isinstance(e, AnswerGiven) for e in first.effects)
    again = talk.send(Event("choice", text=seven))
    assert again.effects == ()
    assert talk.msgids(again)[0] == "error.stale_button"
    garbage = talk.send(Event("choice", text="not:our:data"))
    assert garbage.effects == () and talk.msgids(garbage)[0] == "error.stale_button"


def test_unsupported_and_unknown_command_re_ask(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    result = talk.send(Event("unsupported"))
    assert talk.msgids(result)[0] == "error.unsupported" and "nrs.pain" in talk.msgids(result)
    result = talk.command("dance")
    assert talk.msgids(result)[0] == "error.unknown_command" and "nrs.pain" in talk.msgids(result)


def test_language_switch_mid_flow_re_asks_in_new_language(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = onboarded(engine, catalogs)
    assert talk.texts()[-1].startswith("Vraag 1/1")
    talk.command("language")
    assert talk.msgids() == ["language.choose"]
    result = talk.tap("Français")
    assert talk.state.language == "fr"
    assert talk.msgids(result) == ["nrs.pain", "scale.anchors"]
    assert talk.texts(result)[0].startswith("Question 1/1")
    assert "la pire douleur imaginable" in talk.texts(result)[0]
    result = talk.tap("5")
    assert any(isinstance(e, AnswerGiven) and e.language == "fr" for e in result.effects)


def test_pause_and_resume(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    talk.command("pause")
    result = talk.type("5")
    assert talk.msgids(result) == ["pause.active"] and not result.effects
    result = talk.command("resume")
    assert "nrs.pain" in talk.msgids(result)


def test_back_without_previous_question(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    result = talk.command("back")
    assert talk.msgids(result)[0] == "back.nothing"


def test_restart_resumes_with_welcome_back(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    result = talk.start("nl")
    assert talk.msgids(result)[0] == "start.welcome_back"
    assert "nrs.pain" in talk.msgids(result)


def test_callback_data_is_short_and_versioned(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    for _, data in talk.buttons():
        assert data.startswith(f"{VERSION}:") and len(data.encode()) <= 64


def test_data_rights_commands_work_without_consent(engine: Engine, catalogs: Catalogs) -> None:
    talk = Talk(engine, catalogs)
    talk.start("nl")
    talk.tap("Nee, liever niet")
    assert talk.msgids(talk.command("mydata"))[0] != "consent.needed"
    assert talk.msgids(talk.command("delete"))[0] != "consent.needed"


def test_refusing_a_new_privacy_text_closes_open_runs(
    engine: Engine, catalogs: Catalogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.engine import consent

    talk = onboarded(engine, catalogs)
    talk.type("6")
    talk.tap("Rugpijn")  # a COMI run is started
    monkeypatch.setattr(consent, "CONSENT_VERSION", 2)
    talk.type("5")  # consent is asked again first
    result = talk.tap("Nee, liever niet")
    stopped = [e for e in result.effects if isinstance(e, RunFinished)]
    assert stopped and all(e.status == "stopped" for e in stopped)
    assert talk.state.stack == ()


def test_a_flow_changed_by_a_deploy_starts_again(engine: Engine, catalogs: Catalogs) -> None:
    """A frame saved under an older flow version is stopped and the flow asked anew."""
    from dataclasses import replace

    talk = onboarded(engine, catalogs)
    talk.type("6")
    talk.tap("Rugpijn")  # a COMI run, started under version 1
    top = talk.state.top
    assert top is not None and top.flow == "comi"
    old = replace(top, version=0)
    talk.state = replace(talk.state, stack=(*talk.state.stack[:-1], old))
    result = talk.type("hallo")
    assert RunFinished(top.run, "stopped", None) in result.effects
    new = talk.state.top
    assert new is not None and new.flow == "comi" and new.version == 1 and new.run != top.run
    assert "comi.main_problem" in talk.msgids(result)
    gone = replace(new, flow="retired")
    talk.state = replace(talk.state, stack=(*talk.state.stack[:-1], gone), agenda=("retired",))
    talk.type("hallo")
    assert talk.state.stack == () and talk.state.agenda == ()
