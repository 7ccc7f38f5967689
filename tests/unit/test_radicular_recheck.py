"""Radicular signs re-checked at every check-in and /flare (issue #10 point 6, seed 001).

Back pain that now goes below the knee (or into the front of the thigh) moves the episode
to the radicular track: stored, planned again on the radicular cadence, alarm signs told.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.engine import Engine
from bot.engine.features.followup import FollowUp
from bot.engine.features.followup.effects import EpisodeTrackChanged, RemindersPlanned
from bot.engine.model import Event, StepResult
from bot.i18n import BRUSSELS, Catalogs
from bot.pathway.schedule import TRACK_KINDS, plan_episode
from tests.unit.test_engine import NOW, Talk, no_red_flags

CHECKIN_AT = NOW + timedelta(days=14)  # the first back-pain check-in (10:00 Brussels)
WORDS = {
    "nl": {
        "consent": "Ja, ik ga akkoord",
        "onset": "1 tot 2 weken geleden",
        "back": "Nee, vooral in de rug",
        "leg": "Ja, tot onder de knie",
        "yes": "Ja",
        "no": "Nee",
    },
    "fr": {
        "consent": "Oui, je suis d'accord",
        "onset": "Il y a 1 à 2 semaines",
        "back": "Non, surtout dans le dos",
        "leg": "Oui, jusque sous le genou",
        "yes": "Oui",
        "no": "Non",
    },
}
TYPED_YES = {"nl": "ja, tot in mijn kuit", "fr": "oui, jusqu'au mollet"}
TYPED_NO = {"nl": ["nee", "nee hoor, alleen in mijn rug"], "fr": ["non", "pas du tout"]}
UNCLEAR = {"nl": "misschien", "fr": "peut-être"}


class Clocked(Talk):
    """A patient whose messages arrive at `now` (moved by the test)."""

    now: datetime = NOW

    def send(self, event: Event) -> StepResult:
        self.last = self.engine.step(self.state, event, self.now)
        self.state = self.last.state
        return self.last


def patient(engine: Engine, catalogs: Catalogs, lang: str, pain: str = "back") -> Clocked:
    """The intake: no red flags, an episode 1-2 weeks old on the given track, NRS 7."""
    talk = Clocked(engine, catalogs)
    talk.start(lang)
    talk.tap(WORDS[lang]["consent"])
    no_red_flags(talk)
    talk.tap(WORDS[lang]["onset"])
    talk.tap(WORDS[lang][pain])
    talk.tap(WORDS[lang]["no"])
    talk.tap("7")
    while talk.state.stack:  # the COMI baseline (and the risk questionnaire, radicular)
        talk.command("cancel")
    assert talk.state.agenda == ()
    return talk


def screen_then_recheck(talk: Talk, lang: str) -> StepResult:
    """Answer "no" to the red-flag screen only; return the step that follows it."""
    result = talk.last
    while talk.state.top is not None and talk.state.top.flow == "redflags":
        result = talk.tap(WORDS[lang]["no"])
    assert result is not None
    return result


def checkin(talk: Clocked, lang: str, reminder_id: int = 5) -> StepResult:
    talk.now = CHECKIN_AT
    talk.send(Event("reminder", text="checkin", arg=str(reminder_id)))
    return screen_then_recheck(talk, lang)


def of(result: StepResult, kind: type) -> list[object]:
    return [e for e in result.effects if isinstance(e, kind)]


def assert_switched(talk: Clocked, result: StepResult, lang: str, at_checkin: bool) -> None:
    """Stored, planned again, told: the next check-in's day (at a check-in its summary
    says it at the end) and the alarm signs."""
    assert of(result, EpisodeTrackChanged) == [EpisodeTrackChanged("radicular", talk.now)]
    episode = talk.state.memo["episode"]
    assert episode["pain_type"] == "radicular"
    assert episode["radicular_from"] == talk.now.isoformat()
    ids = talk.msgids(result)
    start = ids.index("radicular_check.switched")
    told_next = [] if at_checkin else ["radicular_check.next_checkin"]
    expected = ["radicular_check.switched", *told_next, "radicular_check.alarms"]
    assert ids[start : start + len(expected)] == expected
    [told] = [
        text
        for reply, text in zip(result.replies, talk.texts(result), strict=True)
        if reply.parts[0].key == "radicular_check.switched"
    ]
    assert "112" in told and "48" in told and "1733" in told
    # the radicular cadence from the switch on: a week later, then every 10 days
    [planned] = of(result, RemindersPlanned)
    assert isinstance(planned, RemindersPlanned)
    checkins = [due for kind, due in planned.moments if kind == "checkin"]
    days = [due.astimezone(BRUSSELS).date() for due in checkins]
    first = talk.now.astimezone(BRUSSELS).date() + timedelta(days=7)
    assert days[:3] == [first, first + timedelta(days=10), first + timedelta(days=20)]
    kinds = {kind for kind, _ in planned.moments}
    assert {"review_severe_pain", "review_specialist"} <= kinds
    assert not kinds & {"review_multimodal", "review_subacute"}  # the back track's reviews
    if not at_checkin:
        assert f"{first.day} {'maart' if lang == 'nl' else 'mars'} 2026" in told


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_sciatica_appearing_at_a_check_in_switches_the_track(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = patient(engine, catalogs, lang)
    asked = checkin(talk, lang)
    assert talk.msgids(asked) == ["radicular_check.below_knee"]
    question = talk.texts(asked)[0]
    assert ("onder de knie" in question and "dij" in question) or (
        "sous le genou" in question and "cuisse" in question
    )
    assert [label for label, _ in talk.buttons()] == [WORDS[lang]["yes"], WORDS[lang]["no"]]
    result = talk.tap(WORDS[lang]["yes"])
    assert_switched(talk, result, lang, at_checkin=True)
    assert talk.msgids(result)[-2:] == ["nrs.pain", "scale.anchors"]  # the check-in goes on
    talk.tap("5")
    talk.tap("Beter" if lang == "nl" else "Mieux")
    next_day = "23 maart 2026" if lang == "nl" else "23 mars 2026"  # the switch + 7 days
    assert any(next_day in text for text in talk.texts())  # the summary names it
    assert talk.state.memo["followup"]["pending"] == []  # the check-in was answered
    # the next check-in: a radicular episode is not asked again
    talk.now = CHECKIN_AT + timedelta(days=7)
    talk.send(Event("reminder", text="checkin", arg="6"))
    assert "radicular_check" not in talk.state.agenda
    screen_then_recheck(talk, lang)
    assert "radicular_check.below_knee" not in talk.msgids()


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_sciatica_appearing_at_a_flare_typed_switches_the_track(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = patient(engine, catalogs, lang)
    talk.now = NOW + timedelta(days=5)
    talk.command("flare")
    asked = screen_then_recheck(talk, lang)
    assert talk.msgids(asked) == ["radicular_check.below_knee"]
    result = talk.type(TYPED_YES[lang])
    assert_switched(talk, result, lang, at_checkin=False)
    assert "nrs.pain_now" in talk.msgids(result)  # then the pain of the moment
    talk.type("6")
    talk.command("flare")  # radicular now: the flare asks only its red flags and the pain
    screen_then_recheck(talk, lang)
    assert "radicular_check.below_knee" not in talk.msgids()
    assert "nrs.pain_now" in talk.msgids()


@pytest.mark.parametrize("lang", ["nl", "fr"])
@pytest.mark.parametrize("typed", [0, 1])
def test_a_typed_no_stays_on_the_back_track(
    engine: Engine, catalogs: Catalogs, lang: str, typed: int
) -> None:
    talk = patient(engine, catalogs, lang)
    checkin(talk, lang)
    result = talk.type(TYPED_NO[lang][typed])
    assert not of(result, EpisodeTrackChanged) and not of(result, RemindersPlanned)
    assert talk.state.memo["episode"]["pain_type"] == "back"
    assert "radicular_from" not in talk.state.memo["episode"]
    assert talk.msgids(result)[-2:] == ["nrs.pain", "scale.anchors"]
    talk.tap("5")
    talk.tap("Beter" if lang == "nl" else "Mieux")
    talk.command("flare")  # still back pain: asked again at the next contact
    screen_then_recheck(talk, lang)
    assert talk.msgids() == ["radicular_check.below_knee"]


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_an_unclear_answer_is_asked_again_kindly_with_the_buttons(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = patient(engine, catalogs, lang)
    checkin(talk, lang)
    result = talk.type(UNCLEAR[lang])
    assert talk.msgids(result) == ["redflags.unclear_answer", "radicular_check.below_knee"]
    assert [label for label, _ in talk.buttons()] == [WORDS[lang]["yes"], WORDS[lang]["no"]]
    assert not result.effects
    assert talk.state.memo["episode"]["pain_type"] == "back"


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_a_radicular_episode_is_never_re_checked(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = patient(engine, catalogs, lang, pain="leg")
    checkin(talk, lang)
    assert "radicular_check" not in talk.state.agenda
    assert talk.msgids()[-2:] == ["nrs.pain", "scale.anchors"]
    talk.tap("5")
    talk.tap("Beter" if lang == "nl" else "Mieux")
    talk.command("flare")
    screen_then_recheck(talk, lang)
    assert "nrs.pain_now" in talk.msgids()


def test_a_red_flag_typed_at_the_re_check_is_asked_about_first(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = patient(engine, catalogs, "nl")
    checkin(talk, "nl")
    talk.type("ja, en mijn been wordt zwakker")
    assert talk.state.top is not None and talk.state.top.flow == "redflags"
    assert talk.state.memo["episode"]["pain_type"] == "back"  # the re-check waits below


def test_reminders_stopped_the_switch_is_kept_and_planned_at_restart(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = patient(engine, catalogs, "nl")
    talk.now = NOW + timedelta(days=5)
    talk.command("stop")
    talk.command("flare")
    screen_then_recheck(talk, "nl")
    result = talk.tap("Ja")
    assert of(result, EpisodeTrackChanged) and not of(result, RemindersPlanned)
    assert "radicular_check.next_checkin" not in talk.msgids(result)
    assert "radicular_check.alarms" in talk.msgids(result)
    talk.command("cancel")
    talk.now = NOW + timedelta(days=6)
    restarted = talk.command("restart")
    [planned] = of(restarted, RemindersPlanned)
    assert isinstance(planned, RemindersPlanned)
    first = min(due for kind, due in planned.moments if kind == "checkin")
    assert first.astimezone(BRUSSELS).date() == date(2026, 3, 14)  # the switch (7 March) + 7


def test_the_shared_moments_keep_the_episode_plan(engine: Engine) -> None:
    """COMI and the risk questionnaire stay where the back-pain plan put them."""
    config = next(f for f in engine.features if isinstance(f, FollowUp)).config
    from bot.pathway.schedule import plan_switched_to_radicular

    onset, switched = date(2026, 2, 25), NOW + timedelta(days=3)
    back = plan_episode(onset, NOW, "back", False, config)
    plan = plan_switched_to_radicular(onset, NOW, switched, False, config)
    assert [m for m in plan if m.kind not in TRACK_KINDS] == [
        m for m in back if m.kind not in TRACK_KINDS
    ]
    # the radicular day of the risk questionnaire (onset + 7) has passed by the switch:
    # it keeps the back-pain day (onset + 14) rather than being lost
    [risk] = [m for m in plan if m.kind == "risk_questionnaire"]
    assert risk.due.astimezone(BRUSSELS).date() == onset + timedelta(days=14) > switched.date()
    reviews = {m.kind: m.due for m in plan if m.kind.startswith("review_")}
    assert set(reviews) == {"review_severe_pain", "review_specialist", "review_chronic"}
    assert reviews["review_severe_pain"] >= switched + timedelta(days=8)
    assert plan == sorted(plan, key=lambda m: m.due)
