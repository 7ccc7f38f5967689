"""The pre-consultation history: the signals it raises (pure) and the flow on the
engine in Dutch and French, by /history and offered in an invitation."""

from __future__ import annotations

import pytest

from bot.engine import Engine, Event
from bot.engine.model import VerifiedInvite
from bot.i18n import Catalogs
from bot.reports.history import SIGNALS, history_signals
from tests.history_support import ANSWERS, STORED
from tests.history_support import SIGNALS as EXPECTED
from tests.unit.test_engine import Talk, no_red_flags, onboarded


def test_the_example_answers_raise_the_expected_signals() -> None:
    assert history_signals(STORED, recurrent_episode=False) == EXPECTED


@pytest.mark.parametrize(
    ("answers", "recurrent", "expected"),
    [
        # Seed 001 l.1146-1151: Fedris after 4 weeks off, 1 week when recurrent.
        ({"sick_leave": "1w_4w", "work_vibration": True}, False, []),
        ({"sick_leave": "1w_4w", "work_vibration": True}, True,
         ["absence_fedris", "absence_long", "recurrent"]),
        ({"sick_leave": "4w_2m", "work_heavy": True}, False, ["absence_fedris", "absence_long"]),
        ({"sick_leave": "4w_2m", "work_heavy": False}, False, ["absence_long"]),
        ({"sick_leave": "under_1w", "work_heavy": True}, True, ["recurrent"]),
        ({"med_opioid": "sometimes", "med_relaxant": "daily"}, False,
         ["opioids", "muscle_relaxants"]),
        ({"med_opioid": "never", "imaging": "none", "passive_reliance": "some"}, False, []),
        ({"earlier_episodes": "one_two", "keeps_returning": False}, False, []),
        ({"neuro_touch": True}, False, ["neuropathic"]),
        ({}, False, []),
    ],
)  # fmt: skip
def test_signal_thresholds(
    answers: dict[str, bool | str], recurrent: bool, expected: list[str]
) -> None:
    assert history_signals(answers, recurrent_episode=recurrent) == expected


def test_every_signal_has_a_text_and_a_why_in_both_languages(catalogs: Catalogs) -> None:
    for signal in SIGNALS:
        for language in ("nl", "fr"):
            assert catalogs.message(language, f"report.signal.{signal}")
            assert catalogs.message(language, f"report.signal.{signal}.why")


def answer_history(talk: Talk, catalogs: Catalogs) -> None:
    language = talk.state.language
    assert language in ("nl", "fr")
    for _, label in ANSWERS:
        talk.tap(catalogs.message(language, label))


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_history_command_in_both_languages(
    engine: Engine, catalogs: Catalogs, language: str
) -> None:
    talk = onboarded(engine, catalogs, language)
    # The intake's pain score is running: the history waits until the intake is done.
    queued = talk.command("history")
    assert talk.msgids(queued)[0] == "questionnaire.queued"
    talk.tap("3")
    while "history.intro" not in talk.msgids():
        talk.tap(next(label for label, _ in talk.buttons()))  # the COMI baseline
    assert talk.msgids()[-2:] == ["history.intro", "history.working"]
    assert talk.texts()[-2] == catalogs.message(language, "history.intro")  # type: ignore[arg-type]
    answer_history(talk, catalogs)
    assert "history.done" in talk.msgids()
    assert talk.state.top is None and not talk.state.agenda


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_the_work_questions_only_for_patients_who_work(
    engine: Engine, catalogs: Catalogs, language: str
) -> None:
    talk = onboarded(engine, catalogs, language)
    talk.tap("3")
    while talk.state.top is not None:
        talk.tap(next(label for label, _ in talk.buttons()))  # the COMI baseline
    assert talk.msgids(talk.command("history"))[-1] == "history.working"
    result = talk.tap(catalogs.message(language, "answer.no"))  # type: ignore[arg-type]
    assert talk.msgids(result) == ["history.earlier_episodes"]


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_an_invitation_offers_the_history_before_the_question(
    engine: Engine, catalogs: Catalogs, language: str
) -> None:
    message = catalogs.message
    talk = Talk(engine, catalogs)
    invite = VerifiedInvite(7, 3, ("nrs",), "De Brug")
    talk.send(Event("start", invite=invite, language_hint=language))
    talk.tap(message(language, "onboarding.consent_yes"))  # type: ignore[arg-type]
    talk.tap(message(language, "clinic.sharing_yes"))  # type: ignore[arg-type]
    no_red_flags(talk)
    for key in ("episode.onset_1_2_weeks", "episode.pain_type_back", "answer.no"):
        talk.tap(message(language, key))  # type: ignore[arg-type]
    result = talk.tap("3")
    assert "history.offer" in talk.msgids(result)
    talk.tap(message(language, "history.offer_yes"))  # type: ignore[arg-type]
    answer_history(talk, catalogs)
    assert "history.done" in talk.msgids()
    while "clinic.question_offer" not in talk.msgids():
        assert "clinic.invite_done" not in talk.msgids()
        talk.tap(next(label for label, _ in talk.buttons()))  # the COMI baseline
    talk.tap(message(language, "clinic.question_skip"))  # type: ignore[arg-type]
    assert "clinic.invite_done" in talk.msgids()


def test_skipping_the_offer_goes_to_the_question(engine: Engine, catalogs: Catalogs) -> None:
    talk = Talk(engine, catalogs)
    talk.send(Event("start", invite=VerifiedInvite(7, 3, (), "De Brug"), language_hint="nl"))
    talk.tap("Ja, ik ga akkoord")
    talk.tap(catalogs.message("nl", "clinic.sharing_yes"))
    no_red_flags(talk)
    for key in ("episode.onset_1_2_weeks", "episode.pain_type_back", "answer.no"):
        talk.tap(catalogs.message("nl", key))
    while "history.offer" not in talk.msgids():
        talk.tap(next(label for label, _ in talk.buttons()))
    result = talk.tap(catalogs.message("nl", "history.offer_skip"))
    assert "history.intro" not in talk.msgids(result)
    while "clinic.question_offer" not in talk.msgids():
        assert "history.intro" not in talk.msgids()
        talk.tap(next(label for label, _ in talk.buttons()))  # the COMI baseline
    talk.tap(catalogs.message("nl", "clinic.question_skip"))
    assert "clinic.invite_done" in talk.msgids()
