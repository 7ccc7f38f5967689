"""Radicular signs re-checked at every check-in and /flare (seed 001: at every contact).

While the episode is on the back-pain track, a check-in and /flare ask one yes/no
question right after the red-flag check (flow `radicular_check`): does the pain now go
below the knee, or into the front of the thigh (cruralgia)? A "yes" moves the episode to
the radicular track for good: the memo and the store (`EpisodeTrackChanged`) say
radicular, the reminders are planned again on the radicular cadence from now on
(bot/pathway/schedule.py `plan_switched_to_radicular`), and the patient is told what
that means, when the next check-in comes (at a check-in its own summary says so) and
which alarm signs call for 112 or a doctor within 48 h. A radicular
episode is never asked again. A typed answer is read by the red-flag screen's yes/no
reader; an unclear one is asked again kindly, with the buttons.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.engine.features.followup import episode, memo
from bot.engine.features.followup.effects import EpisodeTrackChanged
from bot.engine.features.triage import take_typed_yes_no
from bot.engine.model import Reply, Text
from bot.triage.yesno import read_yes_no

if TYPE_CHECKING:
    from bot.engine.model import Frame
    from bot.engine.turn import Turn
    from bot.pathway.config import PathwayConfig

FLOW = "radicular_check"
STEP = "below_knee"
CHECKIN = "checkin"  # the check-in's last flow (reminders.QUESTIONS)


def applies(turn: Turn) -> bool:
    """True while the re-check has something to find: an episode on the back track."""
    current = memo.episode_of(turn)
    return current is not None and current.pain_type == "back" and FLOW in turn.engine.flows


def queue_on_flare(turn: Turn) -> None:
    """/flare: the re-check comes right after its red-flag check, before the pain score."""
    waiting = {*turn.state.agenda, *(f.flow for f in turn.state.stack)}
    if applies(turn) and FLOW not in waiting:
        turn.state = replace(turn.state, agenda=(FLOW, *turn.state.agenda))


def typed_answer(turn: Turn) -> bool:
    """A typed answer to the re-check ("nee", « non, pas du tout »); True when handled."""
    frame, step = turn.state.top, turn.current()
    if frame is None or frame.flow != FLOW or step is None or turn.event.kind != "text":
        return False
    take_typed_yes_no(turn, step, read_yes_no(turn.event.text))
    return True


def finished(turn: Turn, frame: Frame, config: PathwayConfig) -> None:
    """A "yes": the episode is radicular from now on, with its cadence and alarm signs."""
    current = memo.episode_of(turn)
    if frame.answers.get(STEP) is not True or current is None or current.pain_type != "back":
        return
    turn.keep(current.model_copy(update={"pain_type": "radicular", "radicular_from": turn.now}))
    turn.effect(EpisodeTrackChanged("radicular", turn.now))
    # nothing left to re-check: a check-in queued meanwhile does not ask again
    turn.state = replace(turn.state, agenda=tuple(f for f in turn.state.agenda if f != FLOW))
    parts = [Text("radicular_check.switched")]
    if memo.enabled(turn):  # reminders stopped: planned again at /restart
        ahead = episode.replan(turn, config) or []
        checkin = next((m for m in ahead if m.kind == "checkin"), None)
        # at a check-in its own summary names the next one (upcoming.py): said once
        in_checkin = CHECKIN in {*turn.state.agenda, *(f.flow for f in turn.state.stack)}
        if checkin is not None and not in_checkin:
            day = checkin.due.astimezone(config.tz).date()
            parts.append(Text("radicular_check.next_checkin", {"day": day}))
    parts.append(Text("radicular_check.alarms"))
    turn.reply(Reply(parts=tuple(parts)))
