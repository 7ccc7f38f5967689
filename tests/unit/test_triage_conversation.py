"""Red flags in the conversation: shown first, never lost, hold and release, restart."""

from __future__ import annotations

from bot.engine import Engine
from bot.engine.callbacks import Flag, FlagAction, pack
from bot.engine.features.triage import FlagRaised, FlagsAcknowledged, FlagsSeen, advice_withheld
from bot.engine.model import Event, RunFinished
from bot.engine.serial import state_from_json, state_to_json
from bot.engine.turn import Turn
from bot.i18n import Catalogs
from tests.unit.test_engine import NOW, Talk, onboarded


def consented(engine: Engine, catalogs: Catalogs, hint: str = "nl") -> Talk:
    talk = Talk(engine, catalogs)
    talk.start(hint)
    talk.tap("Ja, ik ga akkoord" if hint == "nl" else "Oui, je suis d'accord")
    return talk


def tap_data(talk: Talk, action: FlagAction) -> None:
    talk.send(Event("choice", text=pack(Flag(action))))


def withheld(engine: Engine, talk: Talk) -> bool:
    return advice_withheld(Turn(engine, talk.state, Event("text"), NOW))


def test_urgent_answer_is_shown_first_and_stops_the_questions(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = consented(engine, catalogs)
    result = talk.tap("Ja")  # neuro_bladder
    assert talk.msgids(result)[0] == "escalation.urgent"
    assert len(result.replies) == 1  # nothing after it, no next question
    text = talk.texts(result)[0]
    assert "112" in text and "spoeddienst" in text and "plassen" in text
    raised = [e for e in result.effects if isinstance(e, FlagRaised)]
    assert [(e.level, e.cluster, dict(e.answers)) for e in raised] == [
        ("urgent", "neuro", {"neuro_bladder": True})
    ]
    assert any(isinstance(e, RunFinished) and e.status == "stopped" for e in result.effects)
    assert withheld(engine, talk)


def test_on_hold_every_message_repeats_the_numbers_and_commands_still_work(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = consented(engine, catalogs)
    talk.tap("Ja")
    result = talk.type("hallo?")
    assert talk.msgids(result) == ["escalation.still_urgent", "escalation.seen_question"]
    result = talk.command("help")
    assert talk.msgids(result)[0] == "help.text" and "1733" in talk.texts(result)[0]
    assert talk.msgids(result)[1:] == ["escalation.still_urgent", "escalation.seen_question"]


def test_acknowledge_then_seen_releases_the_hold(engine: Engine, catalogs: Catalogs) -> None:
    talk = consented(engine, catalogs)
    talk.tap("Ja")
    tap_data(talk, "ack")
    assert FlagsAcknowledged() in (talk.last.effects if talk.last else ())
    assert talk.msgids() == ["escalation.seen_question"]
    tap_data(talk, "seen_no")
    assert talk.msgids()[0] == "escalation.still_urgent"
    tap_data(talk, "seen_yes")
    assert FlagsSeen() in (talk.last.effects if talk.last else ())
    assert talk.msgids()[0] == "escalation.seen_thanks"
    assert "episode.onset" in talk.msgids()  # the intake goes on
    assert not withheld(engine, talk)


def test_semi_urgent_comes_before_the_next_question(engine: Engine, catalogs: Catalogs) -> None:
    talk = consented(engine, catalogs, "fr")
    for _ in range(7):  # neuro x3, weakness, trauma, vascular x2: then the pathological screen
        talk.tap("Non")
    assert talk.msgids()[-1] == "redflags.path_screen"
    talk.tap("Oui")
    result = talk.tap("Oui")  # path_cancer
    assert talk.msgids(result) == ["escalation.semi_urgent", "redflags.path_weight"]
    text = talk.texts(result)[0]
    assert "48 heures" in text and "1733" in text and "112" in text
    tap_data(talk, "ack")
    assert talk.msgids() == ["escalation.ack_semi", "redflags.path_weight"]
    assert withheld(engine, talk)


def test_urgent_free_text_in_the_middle_of_a_questionnaire(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = onboarded(engine, catalogs)
    talk.type("6")  # NRS; the COMI baseline starts
    talk.tap("Rugpijn")
    assert talk.msgids()[-2:] == ["comi.back_pain", "scale.anchors"]
    result = talk.type("ik kan sinds gisteren niet meer plassen")
    assert talk.msgids(result) == ["redflags.free_text_intro", "redflags.neuro_bladder"]
    result = talk.tap("Ja")
    assert talk.msgids(result) == ["escalation.urgent"]
    raised = [e for e in result.effects if isinstance(e, FlagRaised)]
    assert raised[0].source == "free_text"
    tap_data(talk, "seen_yes")  # seen by a doctor: the questionnaire resumes where it was
    assert talk.msgids()[-2:] == ["comi.back_pain", "scale.anchors"]


def test_free_text_answering_the_current_red_flag_question_counts_as_yes(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = consented(engine, catalogs)
    result = talk.type("ja, ik kan niet goed plassen")
    assert talk.msgids(result)[0] == "escalation.urgent"


def test_restart_keeps_the_flag_and_the_withheld_advice(engine: Engine, catalogs: Catalogs) -> None:
    talk = consented(engine, catalogs)
    talk.tap("Ja")
    talk.state = state_from_json(state_to_json(talk.state))  # what a restart does
    result = talk.start("nl")
    assert "escalation.still_urgent" in talk.msgids(result)
    assert withheld(engine, talk)


def test_flare_checks_red_flags_then_pain(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    talk.type("4")
    talk.command("cancel")
    result = talk.command("flare")
    assert talk.msgids(result)[:3] == ["flare.intro", "redflags.intro", "redflags.neuro_bladder"]
    while talk.state.top is not None and talk.state.top.flow == "redflags":
        talk.tap("Nee")
    assert "nrs.pain_now" in talk.msgids()  # the pain of the moment


def test_seen_without_open_flags(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    assert talk.msgids(talk.command("seen"))[0] == "escalation.nothing_open"


def test_a_semi_urgent_cluster_already_seen_by_a_doctor_is_kept_as_a_note(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = consented(engine, catalogs)
    for _ in range(7):
        talk.tap("Nee")
    talk.tap("Ja")  # pathological screen
    result = talk.tap("Ja")  # cancer history: semi-urgent
    assert talk.msgids(result)[0] == "escalation.semi_urgent"
    talk.command("seen")
    talk.command("flare")  # the same history at the next check
    for _ in range(7):
        talk.tap("Nee")
    talk.tap("Ja")
    result = talk.tap("Ja")
    assert "escalation.semi_urgent" not in talk.msgids(result)
    raised = [e for e in result.effects if isinstance(e, FlagRaised)]
    assert [(e.level, e.cluster) for e in raised] == [("note", "pathological")]
    assert not withheld(engine, talk)
    # an urgent answer is never softened
    talk.command("flare")
    assert talk.msgids(talk.tap("Ja"))[0] == "escalation.urgent"


def test_a_red_flag_typed_without_consent_gets_the_numbers_and_stores_nothing(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = Talk(engine, catalogs)
    talk.start("nl")
    talk.tap("Nee, liever niet")
    result = talk.type("ik kan niet meer plassen")
    assert talk.msgids(result) == ["escalation.without_consent"]
    assert "112" in talk.texts(result)[0] and "1733" in talk.texts(result)[0]
    assert result.effects == ()
    assert talk.msgids(talk.type("hallo")) == ["consent.needed"]


def test_a_symptom_of_another_cluster_typed_during_the_screen_is_asked_about(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = consented(engine, catalogs)
    for _ in range(3):
        talk.tap("Nee")  # the three neuro questions
    assert talk.msgids()[-1] == "redflags.weak_screen"
    result = talk.type("ik kan niet meer plassen")
    assert talk.msgids(result) == ["redflags.free_text_intro", "redflags.neuro_bladder"]
    assert talk.msgids(talk.tap("Ja"))[0] == "escalation.urgent"


def test_confirmations_and_commands_still_work_on_hold(engine: Engine, catalogs: Catalogs) -> None:
    talk = consented(engine, catalogs)
    talk.tap("Ja")  # urgent
    result = talk.command("pain")  # pushes a question that must wait
    assert talk.msgids(result)[-2:] == ["escalation.still_urgent", "escalation.seen_question"]
    talk.command("delete")
    confirm = next(label for label, _ in talk.buttons())
    result = talk.tap(confirm)
    assert "escalation.still_urgent" not in talk.msgids(result)


def test_a_new_sign_after_a_doctor_visit_escalates_again(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = onboarded(engine, catalogs)
    talk.type("ik heb koorts")
    talk.tap("Ja")  # the infection screen
    assert talk.msgids(talk.tap("Ja"))[0] == "escalation.semi_urgent"  # fever
    tap_data(talk, "ack")
    while talk.state.top is not None and talk.state.top.flow == "redflags":
        talk.tap("Nee")
    talk.command("seen")
    talk.type("weer koorts")
    talk.tap("Ja")
    assert talk.msgids(talk.tap("Ja"))[0] == "escalation.semi_urgent"  # a new fever: again


def test_an_unacknowledged_escalation_is_shown_again_first(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = onboarded(engine, catalogs)
    talk.type("ik heb koorts")
    talk.tap("Ja")
    talk.tap("Ja")  # semi-urgent, not acknowledged
    result = talk.tap("Nee")  # the next question
    assert talk.msgids(result)[0] == "escalation.semi_urgent"
    tap_data(talk, "ack")
    result = talk.tap("Nee")
    assert "escalation.semi_urgent" not in talk.msgids(result)


def test_flags_of_a_later_screen_are_not_marked_free_text(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = onboarded(engine, catalogs)
    talk.type("ik kan niet meer plassen")
    talk.tap("Ja")  # urgent, from free text
    tap_data(talk, "seen_yes")
    talk.command("flare")
    result = talk.tap("Ja")
    raised = [e for e in result.effects if isinstance(e, FlagRaised)]
    assert [(e.level, e.source) for e in raised] == [("urgent", "screen")]


def test_flare_during_the_pain_question_does_not_ask_it_twice(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = onboarded(engine, catalogs)
    talk.command("flare")
    talk.command("flare")
    assert "nrs" not in talk.state.agenda  # the NRS already waits on the stack
