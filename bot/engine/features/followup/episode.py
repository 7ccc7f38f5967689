"""The episode: its answers start the pathway clock and plan the follow-up moments."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, cast

from bot.engine.features.followup import asks, memo, snoozes
from bot.engine.features.followup.effects import EpisodeStarted, RemindersPlanned
from bot.engine.model import Text
from bot.pathway.config import PainType, PathwayConfig
from bot.pathway.schedule import PlannedMoment, plan_episode, plan_switched_to_radicular

if TYPE_CHECKING:
    from bot.engine.model import Frame
    from bot.engine.turn import Turn

FLOW = "episode"
ONSET_STEP = "onset"
MAX_YEARS_BACK = 10
# Pathway moments due at the first contact are part of the intake: the flow of the
# instrument they ask (followup/asks.py) is queued at once (when it exists) instead of
# becoming a reminder row.
_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def new_episode(turn: Turn) -> None:
    """/newepisode (and the intake): ask about this episode of pain."""
    turn.state = replace(turn.state, paused=False)
    turn.push(FLOW)
    turn.advance()


def typed_onset(turn: Turn, config: PathwayConfig) -> bool:
    """A date typed as dd/mm/yyyy at the onset question; True when handled."""
    frame, step = turn.state.top, turn.current()
    if frame is None or frame.flow != FLOW or step is None or step.id != ONSET_STEP:
        return False
    if turn.event.kind != "text" or (match := _DATE.match(turn.event.text)) is None:
        return False
    day_, month, year = (int(g) for g in match.groups())
    today = memo.local_today(turn, config)
    try:
        onset = date(year, month, day_)
    except ValueError:
        onset = None
    if onset is None or onset > today or onset.year < today.year - MAX_YEARS_BACK:
        turn.reply_error(Text("episode.date_invalid"))
        turn.ask_again()
        return True
    turn.engine.accept(turn, step, onset.isoformat())
    return True


def finished(turn: Turn, frame: Frame, config: PathwayConfig) -> None:
    """Store the episode, remember it, plan its moments and queue the ones due now."""
    answers = frame.answers
    raw_onset = answers[ONSET_STEP]
    today = memo.local_today(turn, config)
    if isinstance(raw_onset, str):
        onset = date.fromisoformat(raw_onset)
    else:
        onset = today - timedelta(days=int(raw_onset or 0))
    pain_type = cast(PainType, answers["pain_type"])
    recurrent = answers["recurrent"] is True
    turn.keep(
        memo.EpisodeMemo(
            onset=onset, pain_type=pain_type, recurrent=recurrent, first_contact=turn.now
        )
    )
    turn.effect(EpisodeStarted(onset, pain_type, recurrent, turn.now))
    moments = plan(turn, config)
    planned(turn, [(m.kind, m.due) for m in moments if m.due > turn.now])
    asked = (asks.moment_instrument(turn.engine.instruments, m.kind) for m in moments)
    intake = [i.flow for i, m in zip(asked, moments, strict=True) if i and m.due <= turn.now]
    waiting = {*turn.state.agenda, *(f.flow for f in turn.state.stack)}
    queued = [f for f in intake if f in turn.engine.flows and f not in waiting]
    turn.state = replace(turn.state, agenda=(*turn.state.agenda, *queued))
    turn.say("episode.saved")


def plan(turn: Turn, config: PathwayConfig, chosen: str | None = None) -> list[PlannedMoment]:
    """The whole plan of the remembered episode at the patient's preferred time (or at
    `chosen`, "HH:MM")."""
    episode = memo.episode_of(turn)
    if episode is None:
        return []
    chosen = chosen or memo.preferred_time(turn)
    preferred = time.fromisoformat(chosen) if chosen else None
    if episode.radicular_from is not None:  # back pain that became radicular (track.py)
        return plan_switched_to_radicular(
            episode.onset,
            episode.first_contact,
            episode.radicular_from,
            episode.recurrent,
            config,
            preferred,
        )
    return plan_episode(
        episode.onset,
        episode.first_contact,
        episode.pain_type,
        episode.recurrent,
        config,
        preferred,
    )


def replan(
    turn: Turn, config: PathwayConfig, previous: str | None = None
) -> list[PlannedMoment] | None:
    """Replace the planned reminders by the moments still ahead (returned); None without
    an episode.

    `previous`: the time of day the reminders were planned at ("HH:MM"; default the
    current one). A moment is still ahead when it was under the previous plan: one that
    has already come (sent, answered, snoozed) is never planned again because a later
    hour of the same day is chosen; one still to come whose new hour has passed today
    comes now. Snoozed reminders keep their day (`snoozes.moved`).
    """
    if memo.episode_of(turn) is None:
        return None
    before: dict[str, list[PlannedMoment]] = {}
    for moment in plan(turn, config, previous):
        before.setdefault(moment.kind, []).append(moment)
    ahead: list[PlannedMoment] = []
    seen = dict.fromkeys(before, 0)
    for new in plan(turn, config):
        # the n-th moment of a kind is the n-th of that kind under the previous plan
        n = seen.get(new.kind, 0)
        seen[new.kind] = n + 1
        old = before.get(new.kind, [])[n : n + 1]
        if (old[0].due if old else new.due) > turn.now:
            ahead.append(replace(new, due=max(new.due, turn.now)))
    planned(turn, [(m.kind, m.due) for m in ahead], snoozes.moved(turn, config))
    return ahead


def planned(
    turn: Turn, moments: list[tuple[str, datetime]], kept: tuple[tuple[int, datetime], ...] = ()
) -> None:
    """Plan these moments (the reminder rows), and remember them for `upcoming`."""
    turn.effect(RemindersPlanned(tuple(moments), kept))
    memo.update(turn, planned=tuple(moments))
