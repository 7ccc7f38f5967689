"""The follow-up feature in the pure engine: episode, phase, reminder events, controls."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from bot.engine import Engine, Event
from bot.engine.callbacks import Snooze, pack
from bot.engine.features.followup import FollowUp, current_phase, episode_of
from bot.engine.features.followup.effects import (
    EpisodeStarted,
    ReminderClosed,
    ReminderSettings,
    ReminderSnoozed,
    RemindersPlanned,
)
from bot.engine.model import RunFinished
from bot.engine.turn import Turn
from bot.i18n import BRUSSELS, Catalogs
from tests.unit.test_engine import NOW, Talk, no_red_flags, onboarded


def intake(engine: Engine, catalogs: Catalogs, onset: str = "1 tot 2 weken geleden") -> Talk:
    """Consent, no red flags, then the episode questions (the intake's second flow)."""
    talk = Talk(engine, catalogs)
    talk.start("nl")
    talk.tap("Ja, ik ga akkoord")
    no_red_flags(talk)
    talk.tap(onset)
    talk.tap("Nee, vooral in de rug")
    talk.tap("Nee")
    return talk


def with_episode(engine: Engine, catalogs: Catalogs, onset: str = "1 tot 2 weken geleden") -> Talk:
    """The whole intake done: episode, NRS 7, the COMI baseline cancelled; the patient idles."""
    talk = intake(engine, catalogs, onset)
    talk.tap("7")
    talk.command("cancel")
    assert talk.state.stack == () and talk.state.agenda == ()
    return talk


def reminder(talk: Talk, kind: str, reminder_id: int = 5) -> None:
    talk.send(Event("reminder", text=kind, arg=str(reminder_id)))


def effects_of(talk: Talk, kind: type) -> list[object]:
    assert talk.last is not None
    return [e for e in talk.last.effects if isinstance(e, kind)]


def test_episode_is_stored_remembered_and_planned(engine: Engine, catalogs: Catalogs) -> None:
    talk = intake(engine, catalogs)
    started = effects_of(talk, EpisodeStarted)
    assert started == [EpisodeStarted(date(2026, 2, 20), "back", False, NOW)]
    assert talk.state.memo["episode"] == {
        "onset": "2026-02-20",
        "pain_type": "back",
        "recurrent": False,
        "first_contact": NOW.isoformat(),
    }
    (planned,) = effects_of(talk, RemindersPlanned)
    assert isinstance(planned, RemindersPlanned)
    kinds = [kind for kind, _ in planned.moments]
    assert {"checkin", "risk_questionnaire", "comi", "review_multimodal"} <= set(kinds)
    assert all(due > NOW for _, due in planned.moments)  # moments due now belong to the intake
    keys = talk.msgids()
    assert keys[0] == "episode.saved" and keys[-2] == "nrs.pain"  # the intake goes on


def test_phase_is_derived_at_any_moment(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs, "Vandaag")
    assert episode_of(Turn(engine, talk.state, Event("text"), NOW)) is not None

    def phase_after(days: int) -> str | None:
        return current_phase(Turn(engine, talk.state, Event("text"), NOW + timedelta(days)), cfg)

    cfg = next(f for f in engine.features if isinstance(f, FollowUp)).config
    assert phase_after(0) == "hyperacute"
    assert phase_after(7) == "acute"
    assert phase_after(42) == "subacute"
    assert phase_after(84) == "chronic"


def test_radicular_answer_is_in_memo(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs)
    talk.command("newepisode")
    talk.tap("Vandaag")
    talk.tap("Ja, tot onder de knie")
    talk.tap("Ja")
    assert talk.state.memo["episode"]["pain_type"] == "radicular"
    assert talk.state.memo["episode"]["recurrent"] is True


def test_onset_can_be_typed_as_a_date(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs)
    talk.command("newepisode")
    for bad in ("31/02/2026", "03/03/2026"):  # no such day; in the future
        result = talk.type(bad)
        assert talk.msgids(result)[0] == "episode.date_invalid"
    talk.type("14/02/2026")
    assert talk.msgids() == ["episode.pain_type"]
    talk.tap("Nee, vooral in de rug")
    talk.tap("Nee")
    assert effects_of(talk, EpisodeStarted)[0] == EpisodeStarted(
        date(2026, 2, 14), "back", False, NOW
    )


def test_checkin_reminder_when_idle_asks_nrs_then_change(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = with_episode(engine, catalogs)
    reminder(talk, "checkin")
    assert talk.msgids() == ["reminder.checkin", "redflags.intro", "redflags.neuro_bladder"]
    assert talk.last is not None
    snooze = [b.data for b in talk.last.replies[0].buttons[0]]
    assert snooze == [pack(Snooze(5, "t")), pack(Snooze(5, "w"))]
    no_red_flags(talk)
    assert talk.msgids()[-2:] == ["nrs.pain", "scale.anchors"]
    talk.tap("4")
    assert talk.msgids()[-1] == "checkin.change"
    talk.tap("Beter")
    assert ReminderClosed(5, "answered") in talk.last.effects
    reply = next(r for r in talk.last.replies if r.parts[0].key == "checkin.thanks")
    assert reply.attachment == "progress"  # two NRS points now
    assert [p.key for p in reply.parts] == [
        "checkin.thanks",
        "progress.went",
        "progress.better",
        "upcoming.next_checkin",
    ]
    assert "sinds 2 maart 2026" in talk.texts()[0]
    assert talk.state.memo["followup"]["changes"][-1][1] == "better"
    assert talk.state.memo["followup"]["pending"] == []


def test_reminder_never_interrupts_a_running_flow(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs)
    talk.command("pain")
    before = talk.state.stack
    reminder(talk, "checkin")
    assert talk.msgids() == ["reminder.queued"]
    assert talk.state.stack == before
    assert talk.state.agenda[-4:] == ("redflags", "radicular_check", "nrs", "checkin")
    talk.type("5")  # the /pain question; then the check-in starts with the red-flag check
    assert talk.msgids()[-2:] == ["redflags.intro", "redflags.neuro_bladder"]


def test_the_red_flag_check_goes_first(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs)
    reminder(talk, "checkin")
    assert [f.flow for f in talk.state.stack] == ["redflags"]
    assert talk.state.agenda == ("radicular_check", "nrs", "checkin")  # back pain: re-checked
    assert "redflags.neuro_bladder" in talk.msgids()


def test_risk_moment_starts_startback(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs)
    reminder(talk, "risk_questionnaire", 8)
    assert talk.msgids()[0] == "reminder.risk"
    assert [f.flow for f in talk.state.stack] == ["startback"]


def test_missing_questionnaire_closes_the_reminder(engine: Engine, catalogs: Catalogs) -> None:
    flows = {k: v for k, v in engine.flows.items() if k != "startback"}
    talk = with_episode(Engine(flows, engine.render, engine.instruments), catalogs)
    reminder(talk, "risk_questionnaire", 8)
    assert talk.last is not None
    assert talk.last.effects == (ReminderClosed(8, "cancelled"),)
    assert talk.last.replies == ()


def test_snooze_withdraws_the_check_in(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs)
    reminder(talk, "checkin")
    talk.send(Event("choice", text=pack(Snooze(5, "t"))))
    (snoozed,) = effects_of(talk, ReminderSnoozed)
    assert snoozed == ReminderSnoozed(5, datetime(2026, 3, 3, 9, 0, tzinfo=UTC))  # 10:00 local
    assert talk.state.stack == () and "checkin" not in talk.state.agenda
    assert talk.msgids()[0] == "reminder.snoozed"
    assert "3 maart 2026 om 10:00" in talk.texts()[0]
    talk.send(Event("choice", text=pack(Snooze(5, "w"))))
    assert talk.msgids()[0] == "reminder.snooze_late"


def test_nudge_and_expiry(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs)
    talk.command("pain")
    reminder(talk, "checkin")
    reminder(talk, "nudge")
    keys = talk.msgids()
    assert keys[0] == "reminder.nudge" and "nrs.pain_now" in keys  # /pain asks about now
    reminder(talk, "expired")
    assert "checkin" not in talk.state.agenda
    reminder(talk, "nudge")  # no longer pending: nothing to say
    assert talk.msgids() == []


def test_review_advice_follows_progress(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs)  # NRS 7 at intake
    reminder(talk, "checkin", 1)
    no_red_flags(talk)
    talk.tap("7")
    talk.tap("Ongeveer hetzelfde")
    reminder(talk, "review_multimodal", 2)
    assert talk.msgids() == ["review.multimodal"]
    assert ReminderClosed(2, "answered") in talk.last.effects  # type: ignore[union-attr]


def test_subacute_review_at_high_risk_speaks_of_rehabilitation(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = with_episode(engine, catalogs)  # NRS 7 at intake
    reminder(talk, "checkin", 1)
    no_red_flags(talk)
    talk.tap("7")
    talk.tap("Ongeveer hetzelfde")
    reminder(talk, "review_subacute", 2)
    assert talk.msgids() == ["review.multimodal"]  # not (known to be) at high risk
    talk.state = replace(
        talk.state,
        memo={
            **talk.state.memo,
            "scores": {
                **talk.state.memo["scores"],
                "startback": [{"at": NOW.isoformat(), "total": 8, "category": "high"}],
            },
        },
    )
    reminder(talk, "review_subacute", 3)
    assert talk.msgids() == ["review.subacute"]
    assert "fysische geneeskunde en revalidatie" in talk.texts()[0]


def test_radicular_severe_pain_review(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs)  # NRS 7 at intake
    reminder(talk, "review_severe_pain", 2)
    assert talk.msgids() == ["review.severe_pain"]
    assert "MRI" in talk.texts()[0] and "epidura" in talk.texts()[0]
    reminder(talk, "checkin", 3)
    no_red_flags(talk)
    talk.tap("4")
    talk.tap("Beter")
    reminder(talk, "review_severe_pain", 4)
    assert talk.msgids() == []  # 4 out of 10 now: nothing to add
    assert ReminderClosed(4, "answered") in talk.last.effects  # type: ignore[union-attr]


def test_chronic_review_says_what_chronic_pain_is(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs)
    reminder(talk, "checkin", 1)
    no_red_flags(talk)
    talk.tap("7")
    talk.tap("Slechter")
    reminder(talk, "review_chronic", 2)
    assert talk.msgids() == ["review.chronic_phase", "review.chronic"]
    assert "geen ziekte die moet genezen" in talk.texts()[0]


def test_clearly_better_offers_to_stop(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs)
    reminder(talk, "checkin", 1)
    no_red_flags(talk)
    talk.tap("2")
    talk.tap("Beter")
    reminder(talk, "review_chronic", 2)
    assert talk.msgids() == ["review.chronic_phase", "review.doing_well"]
    talk.tap("Ja, stop de herinneringen")
    assert effects_of(talk, ReminderSettings) == [ReminderSettings(False, None)]
    assert talk.state.memo["followup"]["enabled"] is False


def test_stop_restart_and_time_of_day(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs)
    talk.command("stop")
    assert effects_of(talk, ReminderSettings) == [ReminderSettings(False, None)]
    talk.command("reminders")
    labels = [label for label, _ in talk.buttons()]
    assert labels[:3] == ["09:00", "10:00", "12:00"] and labels[-1] == "Herinneringen aanzetten"
    talk.tap("18:00")
    assert effects_of(talk, ReminderSettings) == [ReminderSettings(False, "18:00")]
    assert not effects_of(talk, RemindersPlanned)  # off: nothing planned
    talk.command("restart")
    assert effects_of(talk, ReminderSettings) == [ReminderSettings(True, "18:00")]
    (planned,) = effects_of(talk, RemindersPlanned)
    assert isinstance(planned, RemindersPlanned)
    assert {due.astimezone(BRUSSELS).hour for _, due in planned.moments} == {18}


def test_restart_without_episode_says_how_to_start(engine: Engine, catalogs: Catalogs) -> None:
    talk = Talk(engine, catalogs)
    talk.start("nl")
    talk.tap("Ja, ik ga akkoord")
    talk.command("restart")
    assert talk.msgids()[:2] == ["reminders.restarted", "followup.no_episode"]


def test_progress_command(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    talk.command("progress")
    assert talk.msgids()[0] == "progress.none"
    talk.tap("6")
    talk.command("progress")
    assert talk.last is not None
    assert talk.last.replies[0].attachment == "progress"
    assert talk.msgids()[0] == "progress.few_points"


def test_snooze_of_stopped_frames_records_stopped_runs(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs)
    reminder(talk, "checkin")
    no_red_flags(talk)
    talk.tap("4")  # nrs done; checkin started
    talk.send(Event("choice", text=pack(Snooze(5, "w"))))
    assert talk.state.stack == ()
    assert not any(
        isinstance(e, RunFinished) and e.status == "completed" for e in talk.last.effects
    )  # type: ignore[union-attr]


def test_new_episode_withdraws_the_old_reminders_flows(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs)
    reminder(talk, "checkin")
    talk.command("newepisode")
    talk.tap("Vandaag")
    talk.tap("Nee, vooral in de rug")
    talk.tap("Nee")
    assert [f.flow for f in talk.state.stack] == ["comi"]  # the new episode's COMI baseline
    assert "checkin" not in talk.state.agenda
    assert talk.state.memo["followup"]["pending"] == []


def test_an_urgent_hold_keeps_the_reminder_silent(engine: Engine, catalogs: Catalogs) -> None:
    talk = with_episode(engine, catalogs)
    hold = {"flags": [], "raised": [], "hold": True}  # as the red-flag feature keeps it
    talk.state = replace(talk.state, memo={**talk.state.memo, "triage": hold})
    reminder(talk, "checkin")
    assert talk.msgids() == []
    assert talk.state.agenda == ("redflags", "radicular_check", "nrs", "checkin")
    reminder(talk, "nudge")
    assert talk.msgids() == []


def test_a_comi_filled_in_by_hand_answers_the_waiting_comi_reminder(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = with_episode(engine, catalogs)
    talk.command("comi")
    talk.tap("Rugpijn")
    reminder(talk, "comi", 9)  # fires while the patient is in their own COMI
    assert talk.state.agenda == ("comi",)
    talk.type("3")  # back pain
    talk.type("3")  # leg pain
    for _ in range(5):  # the five choice items: the second option each time
        talk.tap(talk.buttons()[1][0])
    assert ReminderClosed(9, "answered") in talk.last.effects  # type: ignore[union-attr]
    assert talk.state.agenda == () and talk.state.stack == ()  # not asked twice
