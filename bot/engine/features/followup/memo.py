"""What the follow-up keeps in the conversation memo: two typed parts (bot/engine/memo.py).

memo["episode"] (`EpisodeMemo`; read by other features too through `episode_of`; shape
documented in docs/contracts.md):
    {"onset": "2026-02-20", "pain_type": "back" | "radicular", "recurrent": false,
     "first_contact": "2026-03-02T09:00:00+00:00",
     "radicular_from": "2026-03-16T09:00:00+00:00"}  # only after a switch (track.py)
memo["followup"] (`FollowUpMemo`, the follow-up's alone):
    {"changes": [[iso, "better" | "same" | "worse"], ...],
     "pending": [{"id": 12, "kind": "checkin", "flows": [...], "run_from": 7}, ...],
     "snoozed": [{"id": 12, "kind": "checkin", "day": "2026-03-17",
                  "until": "2026-03-17T09:00:00+00:00"}, ...],
     "time": "10:00" | null, "enabled": true,
     "planned": [["checkin", "2026-03-16T09:00:00+00:00"], ...]}
("snoozed": reminders the patient put off, so a new time of day keeps their day;
"planned": the moments last planned as reminder rows, shown as what comes next.)

NRS (with its recall period, "week" or "now") and COMI totals are read from the score
history the questionnaires feature keeps (`ScoreHistory`, memo["scores"],
bot/engine/features/questionnaires.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from bot.engine.features.questionnaires import score_history
from bot.engine.memo import Moment, Record
from bot.pathway.config import PainType, PathwayConfig
from bot.pathway.phase import Phase, phase_on
from bot.pathway.progress import GlobalChange

if TYPE_CHECKING:
    from bot.engine.turn import Turn

HISTORY_MAX = 60  # check-in answers kept: more than half a year of weekly check-ins


class EpisodeMemo(Record):
    """Memo "episode" (follow-up's; others read it with `episode_of`): set when the
    `episode` flow completes, changed by the radicular re-check."""

    KEY: ClassVar[str] = "episode"

    onset: date
    pain_type: PainType
    recurrent: bool
    first_contact: Moment
    #: when an episode begun as back pain moved to the radicular track (new radicular
    #: signs at a check-in or /flare); None for an episode still on the track it began on
    radicular_from: Moment | None = Field(default=None, exclude_if=lambda value: value is None)


class PendingReminder(BaseModel):
    """A reminder whose questions were queued and are not answered yet: its flows, and
    `run_from`, the first run number started for it (runs before it are the patient's own)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int
    kind: str
    flows: tuple[str, ...]
    run_from: int


class SnoozedReminder(BaseModel):
    """A reminder the patient put off: the local `day` they chose and the time it is due."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int
    kind: str
    day: date
    until: Moment


class FollowUpMemo(Record):
    """Memo "followup" (the follow-up's own; nobody else reads it). A patient without one
    reads as the defaults: no answers, nothing pending, reminders on at the usual time."""

    KEY: ClassVar[str] = "followup"

    #: (when, answer) of the check-ins' "better or worse?", the last HISTORY_MAX
    changes: tuple[tuple[Moment, GlobalChange], ...] = ()
    pending: tuple[PendingReminder, ...] = ()
    #: absent before 1 December (snoozes were not remembered): none
    snoozed: tuple[SnoozedReminder, ...] = ()
    #: the preferred time of day, "HH:MM" (None: the pathway's)
    time: str | None = None
    enabled: bool = True
    #: (kind, due) of the moments last planned as reminder rows; absent for an episode
    #: planned before 1 December (then the plan itself is what comes next)
    planned: tuple[tuple[str, Moment], ...] | None = Field(
        default=None, exclude_if=lambda value: value is None
    )


def latest_risk(turn: Turn) -> str | None:
    """low / medium / high from the latest result of a risk screen (an instrument whose
    categories carry a risk level: STarT Back, Örebro), None before one."""
    latest = [
        (h[-1].at, instrument, h[-1].category)
        for instrument in turn.engine.instruments.risk_screens()
        if (h := score_history(turn, instrument.id))
    ]
    if not latest:
        return None
    _, instrument, category = max(latest, key=lambda entry: entry[0])
    found = instrument.category(category)
    return found.risk if found is not None else None


def episode_of(turn: Turn) -> EpisodeMemo | None:
    return turn.part(EpisodeMemo)


def local_today(turn: Turn, config: PathwayConfig) -> date:
    return turn.now.astimezone(config.tz).date()


def current_phase(turn: Turn, config: PathwayConfig) -> Phase | None:
    """The phase of the patient's episode now (None without an episode)."""
    episode = episode_of(turn)
    if episode is None:
        return None
    return phase_on(episode.onset, max(local_today(turn, config), episode.onset), config)


def followup(turn: Turn) -> FollowUpMemo:
    """The follow-up memo (the defaults when the patient has none yet)."""
    return turn.part(FollowUpMemo) or FollowUpMemo()


def update(turn: Turn, **changes: Any) -> None:
    """Store the follow-up memo with these fields changed (validated, so a wrong value
    fails here rather than when it is read back)."""
    turn.keep(FollowUpMemo.model_validate({**dict(followup(turn)), **changes}))


def append_change(turn: Turn, change: str) -> None:
    history = (*followup(turn).changes, (turn.now, change))
    update(turn, changes=history[-HISTORY_MAX:])


def points(
    turn: Turn, instrument: str, since: date | None = None, recall: str | None = None
) -> list[tuple[datetime, float]]:
    """Totals of an instrument, from day `since` on when given.

    `recall` keeps only pain ratings of that recall period ("week": intake and check-ins;
    "now": /pain and /flare), so trends compare like with like. Ratings stored before the
    period was recorded were all asked about the past week.
    """
    result = [
        (entry.at, entry.total)
        for entry in score_history(turn, instrument)
        if recall is None or (entry.recall or "week") == recall
    ]
    return [p for p in result if since is None or p[0].date() >= since]


def pain_points(
    turn: Turn, since: date | None = None, recall: str | None = None
) -> list[tuple[datetime, float]]:
    """`points` of the pain rating (the instrument with role `pain`: the NRS)."""
    pain = turn.engine.instruments.with_role("pain")
    return points(turn, pain.id, since, recall) if pain is not None else []


def changes(turn: Turn, since: date | None = None) -> list[tuple[datetime, GlobalChange]]:
    return [c for c in followup(turn).changes if since is None or c[0].date() >= since]


def pending(turn: Turn) -> tuple[PendingReminder, ...]:
    return followup(turn).pending


def planned(turn: Turn) -> list[tuple[str, datetime]] | None:
    """The moments last planned (None for an episode planned before they were kept)."""
    data = followup(turn).planned
    return None if data is None else list(data)


def snoozed(turn: Turn) -> tuple[SnoozedReminder, ...]:
    return followup(turn).snoozed


def enabled(turn: Turn) -> bool:
    """Reminders are on (/stop turns them off, /restart on again)."""
    return followup(turn).enabled


def preferred_time(turn: Turn) -> str | None:
    return followup(turn).time or None
