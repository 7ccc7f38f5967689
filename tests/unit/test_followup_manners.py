"""Follow-up manners in the pure engine (nl and fr): what comes next, instruments done
shortly before their reminder, snoozes that survive a new time of day, a retried
reminder that does not repeat its intro once the patient is answering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.engine import Engine, Event
from bot.engine.callbacks import ReminderTime, Snooze, pack
from bot.engine.features.followup.effects import ReminderClosed, RemindersPlanned
from bot.i18n import Catalogs
from tests.unit.test_engine import NOW, Talk, no_red_flags

LANGUAGES = ("nl", "fr")
NOON = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)  # first check-in, 10:00 Brussels


def with_episode(engine: Engine, catalogs: Catalogs, lang: str) -> Talk:
    """Intake done (episode 1-2 weeks ago, back pain, NRS 7, COMI cancelled); idle."""
    nl = lang == "nl"
    talk = Talk(engine, catalogs)
    talk.start(lang)
    talk.tap("Ja, ik ga akkoord" if nl else "Oui, je suis d'accord")
    no_red_flags(talk)
    talk.tap("1 tot 2 weken geleden" if nl else "Il y a 1 à 2 semaines")
    talk.tap("Nee, vooral in de rug" if nl else "Non, surtout dans le dos")
    talk.tap("Nee" if nl else "Non")
    talk.tap("7")
    talk.command("cancel")
    return talk


def at(talk: Talk, moment: datetime, event: Event) -> None:
    talk.last = talk.engine.step(talk.state, event, moment)
    talk.state = talk.last.state


@pytest.mark.parametrize("lang", LANGUAGES)
def test_reminders_lists_the_next_three_moments(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = with_episode(engine, catalogs, lang)
    result = talk.command("reminders")
    listing = result.replies[0].parts[1]
    assert listing.key == "upcoming.list"
    text = talk.texts(result)[0]
    assert text.count("•") == 3
    day = "6 maart 2026" if lang == "nl" else "6 mars 2026"
    assert day in text and "STarT Back" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_comi_done_recently_is_not_asked_again(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = with_episode(engine, catalogs, lang)
    talk.command("comi")
    while not any(k.startswith("result.comi") for k in talk.msgids()):
        talk.send(Event("choice", text=talk.last.replies[-1].buttons[0][0].data))  # type: ignore[union-attr]
    at(talk, NOW + timedelta(days=13), Event("reminder", text="comi", arg="9"))
    assert talk.last is not None
    assert talk.last.replies == () and talk.last.effects == (ReminderClosed(9, "answered"),)
    at(talk, NOW + timedelta(days=15), Event("reminder", text="comi", arg="10"))
    assert talk.msgids()[0] == "reminder.comi"  # outside the window: asked


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_reminder_already_asked_never_repeats_its_intro(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = with_episode(engine, catalogs, lang)
    at(talk, NOON, Event("reminder", text="checkin", arg="5"))
    assert talk.msgids()[0] == "reminder.checkin"
    asked = dict(talk.buttons())
    at(talk, NOON, Event("reminder", text="checkin", arg="5"))  # the same reminder again
    assert talk.last is not None and talk.last.replies == ()
    no = asked["Nee" if lang == "nl" else "Non"]  # the question asked the first time counts
    assert talk.send(Event("choice", text=no)).effects


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_new_time_of_day_keeps_the_snoozed_day(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = with_episode(engine, catalogs, lang)
    at(talk, NOON, Event("reminder", text="checkin", arg="5"))
    at(talk, NOON, Event("choice", text=pack(Snooze(5, "t"))))
    at(talk, NOON, Event("choice", text=pack(ReminderTime("1800"))))
    (planned,) = [e for e in talk.last.effects if isinstance(e, RemindersPlanned)]  # type: ignore[union-attr]
    tomorrow_six = datetime(2026, 3, 17, 17, 0, tzinfo=UTC)  # 18:00 Brussels
    assert planned.kept == ((5, tomorrow_six),)
    # today's check-in has come: it is not planned again at 18:00 today
    today_six = datetime(2026, 3, 16, 17, 0, tzinfo=UTC)
    assert ("checkin", today_six) not in planned.moments
    assert all(due > NOON for _, due in planned.moments)
    at(talk, NOON, Event("command", text="reminders"))
    coming = talk.texts()[0]
    assert "16 maart 2026 om 18:00" not in coming and "16 mars 2026 à 18:00" not in coming
    assert ("17 maart 2026 om 18:00" if lang == "nl" else "17 mars 2026 à 18:00") in coming
