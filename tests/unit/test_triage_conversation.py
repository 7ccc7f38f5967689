"""Red flags in the conversation: shown first, never lost, hold and release, restart."""

from __future__ import annotations

from datetime import timedelta

import pytest

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
    for _ in range(10):  # neuro x6, weakness, trauma, vascular x2: then the pathological screen
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
    assert talk.msgids() == ["radicular_check.below_knee"]  # a back-pain episode: re-checked
    talk.tap("Nee")
    assert "nrs.pain_now" in talk.msgids()  # the pain of the moment


def test_seen_without_open_flags(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    assert talk.msgids(talk.command("seen"))[0] == "escalation.nothing_open"


def test_a_semi_urgent_cluster_already_seen_by_a_doctor_is_kept_as_a_note(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = consented(engine, catalogs)
    for _ in range(10):
        talk.tap("Nee")
    talk.tap("Ja")  # pathological screen
    result = talk.tap("Ja")  # cancer history: semi-urgent
    assert talk.msgids(result)[0] == "escalation.semi_urgent"
    talk.command("seen")
    talk.command("flare")  # the same history at the next check
    for _ in range(10):
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
    for _ in range(6):
        talk.tap("Nee")  # the six neuro questions
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


def test_one_warning_not_repeated_before_every_question_shown_again_next_session(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = onboarded(engine, catalogs)
    talk.type("ik heb koorts")
    talk.tap("Ja")
    shown = talk.tap("Ja")  # semi-urgent, not acknowledged
    assert talk.msgids(shown)[0] == "escalation.semi_urgent"
    for _ in range(3):  # the next questions, the same day: no copy, one live keyboard
        result = talk.tap("Nee")
        assert "escalation.semi_urgent" not in talk.msgids(result)
        assert sum(1 for r in result.replies if r.buttons) <= 1
    # the next day: shown again, first
    talk.last = engine.step(talk.state, Event("text", text="hallo"), NOW + timedelta(days=1))
    talk.state = talk.last.state
    assert talk.msgids()[0] == "escalation.semi_urgent"
    # a reminder starts a session too
    talk.last = engine.step(
        talk.state, Event("reminder", text="checkin", arg="5"), NOW + timedelta(days=1, hours=3)
    )
    talk.state = talk.last.state
    assert talk.msgids()[0] == "escalation.semi_urgent"
    tap_data(talk, "ack")  # read: not shown again
    talk.last = engine.step(talk.state, Event("text", text="hallo"), NOW + timedelta(days=3))
    assert "escalation.semi_urgent" not in talk.msgids(talk.last)


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


NEGATIONS = {
    "nl": ["Nee, ik kan gewoon plassen", "neen", "nee hoor", "Nee.", "helemaal niet", "geen"],
    "fr": ["non, pas de souci pour uriner", "non", "pas du tout", "Non !", "bah non", "jamais"],
}


def test_typed_negations_at_every_screen_question_raise_nothing(
    engine: Engine, catalogs: Catalogs
) -> None:
    for lang, answers in NEGATIONS.items():
        talk = consented(engine, catalogs, lang)
        asked: list[str] = []
        i = 0
        while talk.state.top is not None and talk.state.top.flow == "redflags":
            asked.append(talk.msgids()[-1])
            result = talk.type(answers[i % len(answers)])
            i += 1
            assert not [e for e in result.effects if isinstance(e, FlagRaised)], asked[-1]
            assert "escalation.urgent" not in talk.msgids(result)
        assert asked[0] == "redflags.neuro_bladder" and len(asked) >= 9
        assert talk.msgids()[-1] == "episode.onset"
        assert not withheld(engine, talk)


TYPED_NO = {"nl": "Nee, ik kan gewoon plassen", "fr": "non, pas de souci pour uriner"}


def test_the_issue_examples_are_read_as_no(engine: Engine, catalogs: Catalogs) -> None:
    for lang, text in TYPED_NO.items():
        talk = consented(engine, catalogs, lang)
        result = talk.type(text)
        assert talk.msgids(result) == ["redflags.neuro_saddle"]
        assert not talk.state.memo.get("triage", {}).get("hold")


def test_typed_yes_words_are_read_as_yes(engine: Engine, catalogs: Catalogs) -> None:
    for lang, text in (("nl", "ja hoor"), ("nl", "klopt"), ("fr", "oui"), ("fr", "ouais")):
        talk = consented(engine, catalogs, lang)
        assert talk.msgids(talk.type(text))[0] == "escalation.urgent"


def test_an_unclear_answer_is_asked_again_kindly_with_the_buttons(
    engine: Engine, catalogs: Catalogs
) -> None:
    for lang, text in (
        ("nl", "ik kan gewoon plassen"),
        ("fr", "je sais pas trop"),
        ("nl", "nee, ik kan niet plassen"),
    ):
        talk = consented(engine, catalogs, lang)
        result = talk.type(text)
        assert talk.msgids(result) == ["redflags.unclear_answer", "redflags.neuro_bladder"]
        assert [label for label, _ in talk.buttons()] == (
            ["Ja", "Nee"] if lang == "nl" else ["Oui", "Non"]
        )
        assert not [e for e in result.effects if isinstance(e, FlagRaised)]


def test_a_no_that_mentions_another_symptom_asks_about_it_next(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = consented(engine, catalogs)
    result = talk.type("nee, maar ik heb wel koorts")
    assert talk.msgids(result) == ["redflags.free_text_intro", "redflags.inf_screen"]
    assert talk.state.stack[0].answers.get("neuro_bladder") is False


def screen(talk: Talk, yes: set[str], course: str | None = None) -> list[str]:
    """Answer the red-flag screen: "yes" to the items in `yes`, the weakness course by its
    label; acknowledge escalations. Returns every msgid shown on the way."""
    shown: list[str] = []
    nl = talk.state.language == "nl"
    while talk.state.top is not None and talk.state.top.flow == "redflags":
        ids = talk.msgids()
        shown += ids
        if "escalation.urgent" in ids:
            break
        if ids[0].startswith("escalation.semi_urgent"):
            tap_data(talk, "ack")
            continue
        item = ids[-1].removeprefix("redflags.")
        if item == "weak_course":
            assert course is not None
            talk.tap(course)
        else:
            talk.tap(("Ja" if nl else "Oui") if item in yes else ("Nee" if nl else "Non"))
    return shown + talk.msgids()


FACTORS = [
    "path_cancer",
    "path_weight",
    "path_tired",
    "path_age",
    "path_osteoporosis",
    "path_steroids",
    "path_chest",
    "inf_fever",
    "inf_sweats",
    "inf_infection",
    "inf_systemic",
    "inf_injection",
    "inf_surgery",
    "inf_immune",
    "inf_drugs",
]


@pytest.mark.parametrize("factor", FACTORS)
@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_each_single_factor_gets_the_48_hour_message(
    engine: Engine, catalogs: Catalogs, factor: str, lang: str
) -> None:
    talk = consented(engine, catalogs, lang)
    group_screen = "path_screen" if factor.startswith("path_") else "inf_screen"
    shown = screen(talk, {group_screen, factor})
    assert shown.count("escalation.semi_urgent") == 1
    raised = talk.state.memo["triage"]["flags"]
    assert [(f["level"], factor in f["items"]) for f in raised] == [("semi_urgent", True)]
    assert withheld(engine, talk)


@pytest.mark.parametrize(
    ("course", "message"),
    [
        (
            {"nl": "Begonnen in de laatste 2 dagen", "fr": "Apparue ces 2 derniers jours"},
            "escalation.urgent",
        ),
        ({"nl": "Ze wordt erger", "fr": "Elle s'aggrave"}, "escalation.urgent"),
        (
            {
                "nl": "Ze is er al langer en blijft hetzelfde",
                "fr": "Elle est là depuis plus longtemps et ne change pas",
            },
            "escalation.semi_urgent_weakness",
        ),
    ],
)
@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_weakness_new_worse_stable(
    engine: Engine, catalogs: Catalogs, course: dict[str, str], message: str, lang: str
) -> None:
    talk = consented(engine, catalogs, lang)
    shown = screen(talk, {"weak_screen"}, course[lang])
    assert message in shown
    if message == "escalation.semi_urgent_weakness":
        assert "escalation.urgent" not in shown
    assert withheld(engine, talk)


def test_the_stable_weakness_message_names_the_spine_surgeon_and_48_hours(
    catalogs: Catalogs,
) -> None:
    nl = catalogs.message("nl", "escalation.semi_urgent_weakness")
    fr = catalogs.message("fr", "escalation.semi_urgent_weakness")
    assert "rugchirurg" in nl and "48 uur" in nl and "1733" in nl and "112" in nl
    assert "chirurgien du dos" in fr and "48 heures" in fr and "1733" in fr and "112" in fr


def test_a_minor_fall_alone_is_told_plainly_not_silent(engine: Engine, catalogs: Catalogs) -> None:
    talk = consented(engine, catalogs)
    shown = screen(talk, {"trauma_screen"})
    assert "escalation.note" in shown
    assert not withheld(engine, talk)  # no urgency: advice goes on
