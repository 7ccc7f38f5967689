"""Reminder events from the scheduler, and the patient's control over reminders.

Reminder events are Event("reminder", text=<kind>, arg=<reminder id>); the kinds are
the pathway moments plus "nudge" and "expired" for a reminder already sent. Buttons
on reminder messages (`Snooze`, `ReminderTime`, `Reminders` in bot/engine/callbacks.py)
are not tied to a question, so never stale.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta
from typing import TYPE_CHECKING

from bot.engine.callbacks import Reminders, ReminderTime, Snooze, pack, unpack
from bot.engine.features.followup import asks, episode, memo, snoozes, track, upcoming
from bot.engine.features.followup.effects import (
    ReminderClosed,
    ReminderSettings,
    ReminderSnoozed,
)
from bot.engine.features.questionnaires import score_history
from bot.engine.model import Button, Frame, Reply, Text
from bot.pathway.config import PathwayConfig
from bot.pathway.progress import assess_progress
from bot.pathway.quiet_hours import in_quiet_hours
from bot.pathway.reminders import SnoozeOption, snooze_until

if TYPE_CHECKING:
    from bot.engine.turn import Turn

# Questionnaire moments besides the check-in (the instrument comes from the registry by
# its role, followup/asks.py); the check-in asks the red flags, the radicular re-check
# (left out when the episode is radicular already, track.py), the pain rating and
# "better or worse?". Flows that do not exist (yet) are left out at runtime; a moment's
# questions are skipped when one of asks.done_by was completed shortly before it
# (config.reminders.done_within_days).
CHECKIN = "checkin"


def questions(turn: Turn, kind: str) -> tuple[str, ...]:
    """What a questionnaire moment asks, in order (flow ids)."""
    instruments = turn.engine.instruments
    if kind == CHECKIN:
        return ("redflags", track.FLOW, *asks.pain_flow(instruments), CHECKIN)
    found = asks.moment_instrument(instruments, kind)
    return (found.flow,) if found is not None else ()


INTROS = {
    "checkin": "reminder.checkin",
    "risk_questionnaire": "reminder.risk",
    "comi": "reminder.comi",
}
# Review moments: the advice when the patient is not improving (config.yaml names the
# seed line of each). review_subacute speaks only at high risk (else the multimodal
# advice); review_severe_pain only when the latest pain score is above the threshold.
REVIEWS = {
    "review_severe_pain": "review.severe_pain",
    "review_multimodal": "review.multimodal",
    "review_subacute": "review.subacute",
    "review_specialist": "review.specialist",
    "review_chronic": "review.chronic",
}
TIMES = ("09:00", "10:00", "12:00", "14:00", "18:00", "20:00")
SNOOZES: dict[str, SnoozeOption] = {"t": "tomorrow", "w": "next_week"}


def on_reminder(turn: Turn, config: PathwayConfig) -> bool:
    kind = turn.event.text
    try:
        reminder_id = int(turn.event.arg)
    except ValueError:
        return True  # not ours to guess: nothing to say
    if turn.state.consent != "given":
        return True
    if kind not in ("nudge", "expired"):
        snoozes.forget(turn, reminder_id)  # a snoozed reminder has come
    if kind == "nudge":
        _nudge(turn, reminder_id)
    elif kind == "expired":
        _expired(turn, reminder_id)
    elif kind == CHECKIN or kind in asks.MOMENT_ROLES:
        _ask(turn, reminder_id, kind, config)
    elif kind == "review_severe_pain":
        _severe_pain_review(turn, reminder_id, config)
    elif kind in REVIEWS:
        _review(turn, reminder_id, kind)
    else:
        return False
    return True


def _intro(key: str, reminder_id: int) -> Reply:
    snooze = tuple(
        Button(Text(f"reminder.snooze_{option}"), pack(Snooze(reminder_id, token)))
        for token, option in SNOOZES.items()
    )
    return Reply(parts=(Text(key),), buttons=(snooze,))


def _find(turn: Turn, reminder_id: int) -> memo.PendingReminder | None:
    return next((p for p in memo.pending(turn) if p.id == reminder_id), None)


def _ask(turn: Turn, reminder_id: int, kind: str, config: PathwayConfig) -> None:
    if _find(turn, reminder_id) is not None:
        # Already asked: its messages are in the outbox, which delivers (and retries) them
        # once (bot/delivery); saying the intro again would repeat it.
        return
    if _done_recently(turn, kind, config):
        turn.effect(ReminderClosed(reminder_id, "answered"))  # never asked twice
        return
    flows = [
        f
        for f in questions(turn, kind)
        if f in turn.engine.flows and (f != track.FLOW or track.applies(turn))
    ]
    if not flows:
        turn.effect(ReminderClosed(reminder_id, "cancelled"))
        return
    # Runs numbered from run_from on were started for this reminder (see _ours).
    entry = memo.PendingReminder(
        id=reminder_id, kind=kind, flows=tuple(flows), run_from=turn.state.next_run
    )
    memo.update(turn, pending=(*memo.pending(turn), entry))
    idle = turn.state.top is None
    turn.state = replace(turn.state, agenda=(*turn.state.agenda, *flows))
    if turn.engine.holding(turn) is not None:
        return  # an urgent message is open: say nothing; the agenda waits for the hold
    if turn.state.paused:
        turn.reply(_intro("reminder.paused", reminder_id))
    elif idle:
        turn.reply(_intro(INTROS[kind], reminder_id))
        turn.advance()
    else:  # never interrupt a running flow: the agenda starts when it ends
        turn.reply(_intro("reminder.queued", reminder_id))


def _done_recently(turn: Turn, kind: str, config: PathwayConfig) -> bool:
    """One of the moment's instruments was completed within its window before now."""
    days = config.reminders.done_within_days.get(kind)
    if days is None:
        return False
    since = turn.now - timedelta(days=days)
    return any(
        entry.at >= since
        for instrument in asks.done_by(turn.engine.instruments, kind)
        for entry in score_history(turn, instrument)
    )


def _nudge(turn: Turn, reminder_id: int) -> None:
    entry = _find(turn, reminder_id)
    if entry is None or turn.engine.holding(turn) is not None:
        return
    # a check-in is "your short follow-up"; the other reminders ask a questionnaire
    if entry.kind == "checkin":
        turn.say("reminder.nudge")
    else:
        turn.say("reminder.nudge_questionnaire")
    turn.ask_again()


def _expired(turn: Turn, reminder_id: int) -> None:
    """Drop an unanswered reminder's flows, unless the patient is in the middle of one."""
    entry = _find(turn, reminder_id)
    if entry is None or any(_ours(frame, entry) for frame in turn.state.stack):
        return
    _withdraw(turn, entry)


def _ours(frame: Frame, entry: memo.PendingReminder) -> bool:
    return frame.flow in entry.flows and frame.run >= entry.run_from


def _withdraw(turn: Turn, entry: memo.PendingReminder) -> None:
    """Stop the reminder's running flows and take the rest off the agenda."""
    while (top := turn.state.top) is not None and _ours(top, entry):
        turn.finish("stopped")
    agenda = list(turn.state.agenda)
    for flow in entry.flows:
        if flow in agenda:
            agenda.remove(flow)
    turn.state = replace(turn.state, agenda=tuple(agenda))
    memo.update(turn, pending=tuple(p for p in memo.pending(turn) if p.id != entry.id))


def close_answered(turn: Turn, frame: Frame) -> None:
    """A completed flow that is the last one a waiting reminder asks for marks it answered,
    also when the patient started it themselves (a /comi while a COMI reminder waits); the
    reminder's flows still queued are taken off, so nothing is asked twice."""
    entry = next((p for p in memo.pending(turn) if p.flows[-1] == frame.flow), None)
    if entry is None:
        return
    turn.effect(ReminderClosed(entry.id, "answered"))
    memo.update(turn, pending=tuple(p for p in memo.pending(turn) if p.id != entry.id))
    agenda = tuple(f for f in turn.state.agenda if f not in entry.flows)
    turn.state = replace(turn.state, agenda=agenda)


def _review(turn: Turn, reminder_id: int, kind: str) -> None:
    """Plain advice at a review moment, from the NRS history and the check-in answers."""
    turn.effect(ReminderClosed(reminder_id, "answered"))
    ep = memo.episode_of(turn)
    since = ep.onset if ep else None
    weekly = memo.pain_points(turn, since, recall="week")
    progress = assess_progress(weekly, memo.changes(turn, since))
    if kind == "review_chronic":
        turn.say("review.chronic_phase")  # 001 l.956: a condition to manage, not to cure
    if kind == "review_subacute" and memo.latest_risk(turn) != "high":
        kind = "review_multimodal"
    if progress == "not_improving":
        turn.say(REVIEWS[kind])
    elif progress == "improving":
        turn.say("review.improving")
    elif progress == "clearly_better":
        buttons = (
            (Button(Text("review.stop_yes"), pack(Reminders("off"))),),
            (Button(Text("review.keep"), pack(Reminders("keep"))),),
        )
        turn.reply(Reply(parts=(Text("review.doing_well"),), buttons=buttons))


def _severe_pain_review(turn: Turn, reminder_id: int, config: PathwayConfig) -> None:
    """Radicular pain, week 1-2: severe pain (NRS above 5) -> discuss an MRI and an
    epidural with the GP (seed 003 l.544-546, 002 l.322); otherwise nothing to add."""
    turn.effect(ReminderClosed(reminder_id, "answered"))
    ep = memo.episode_of(turn)
    pain = memo.pain_points(turn, ep.onset if ep else None)
    if pain and pain[-1][1] > config.reviews.severe_pain_nrs_above:  # the latest score
        turn.say(REVIEWS["review_severe_pain"])


# --- the patient's controls -------------------------------------------------------


def settings_command(turn: Turn, config: PathwayConfig) -> None:
    """/reminders: the current setting and buttons to change it."""
    chosen = memo.preferred_time(turn) or config.preferred_time.strftime("%H:%M")
    q = config.quiet_hours
    times = [t for t in TIMES if not in_quiet_hours(time.fromisoformat(t), q.start, q.end)]
    buttons = [
        Button(Text("reminders.at", {"time": t}), pack(ReminderTime(t.replace(":", ""))))
        for t in times
    ]
    rows = [tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3)]
    if memo.enabled(turn):
        text = Text("reminders.status_on", {"time": chosen})
        rows.append((Button(Text("reminders.turn_off"), pack(Reminders("off"))),))
    else:
        text = Text("reminders.status_off")
        rows.append((Button(Text("reminders.turn_on"), pack(Reminders("on"))),))
    coming = upcoming.listing(turn, config)
    parts = (text,) if coming is None else (text, coming)
    turn.reply(Reply(parts=parts, buttons=tuple(rows)))


def withdraw_all(turn: Turn) -> None:
    """Withdraw every pending reminder's flows (reminders stopped, or a new episode); the
    snoozed ones are cancelled too (by the same effect's writer)."""
    for entry in memo.pending(turn):
        _withdraw(turn, entry)
    snoozes.forget(turn)


def stop(turn: Turn) -> None:
    """/stop: no more reminders (the queued ones are withdrawn)."""
    withdraw_all(turn)
    memo.update(turn, enabled=False)
    turn.effect(ReminderSettings(False, memo.preferred_time(turn)))
    turn.say("reminders.stopped")
    turn.ask_again()


def restart(turn: Turn, config: PathwayConfig) -> None:
    """/restart: reminders on again, planned from now on."""
    memo.update(turn, enabled=True)
    turn.effect(ReminderSettings(True, memo.preferred_time(turn)))
    turn.say("reminders.restarted")
    if episode.replan(turn, config) is None:
        turn.say("followup.no_episode")
    turn.ask_again()


def on_button(turn: Turn, config: PathwayConfig) -> bool:
    """Taps on reminder and settings buttons; True when the data was ours."""
    tap = unpack(turn.event.text) if turn.event.kind == "choice" else None
    if isinstance(tap, Snooze) and tap.option in SNOOZES:
        _snooze(turn, tap.reminder, SNOOZES[tap.option], config)
    elif isinstance(tap, ReminderTime) and len(tap.hhmm) == 4 and tap.hhmm.isdigit():
        _set_time(turn, f"{tap.hhmm[:2]}:{tap.hhmm[2:]}", config)
    elif isinstance(tap, Reminders) and tap.action == "off":
        stop(turn)
    elif isinstance(tap, Reminders) and tap.action == "on":
        restart(turn, config)
    elif isinstance(tap, Reminders):
        turn.say("reminders.kept")
        turn.ask_again()
    elif isinstance(tap, Snooze | ReminderTime):
        turn.say("error.stale_button")
        turn.ask_again()
    else:
        return False
    return True


def _snooze(turn: Turn, reminder_id: int, option: SnoozeOption, config: PathwayConfig) -> None:
    entry = _find(turn, reminder_id)
    if entry is None:
        turn.say("reminder.snooze_late")
        turn.ask_again()
        return
    chosen = memo.preferred_time(turn)
    until = snooze_until(turn.now, option, time.fromisoformat(chosen) if chosen else None, config)
    _withdraw(turn, entry)
    turn.effect(ReminderSnoozed(reminder_id, until))
    snoozes.record(turn, reminder_id, entry.kind, until, config)
    local = until.astimezone(config.tz)
    turn.say("reminder.snoozed", day=local.date(), time=local.strftime("%H:%M"))
    turn.ask_again()


def _set_time(turn: Turn, chosen: str, config: PathwayConfig) -> None:
    q = config.quiet_hours
    if chosen not in TIMES or in_quiet_hours(time.fromisoformat(chosen), q.start, q.end):
        turn.say("error.stale_button")
        turn.ask_again()
        return
    previous = memo.preferred_time(turn) or config.preferred_time.strftime("%H:%M")
    memo.update(turn, time=chosen)
    enabled = memo.enabled(turn)
    turn.effect(ReminderSettings(enabled, chosen))
    if enabled:
        episode.replan(turn, config, previous)
    turn.say("reminders.time_set", time=chosen)
    turn.ask_again()
