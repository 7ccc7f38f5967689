"""What the follow-up keeps in the conversation memo (JSON), with typed accessors.

memo["episode"] (`EpisodeMemo`, a typed part, bot/engine/memo.py; read by other
features too through `episode_of`; shape documented in docs/contracts.md):
    {"onset": "2026-02-20", "pain_type": "back" | "radicular", "recurrent": false,
     "first_contact": "2026-03-02T09:00:00+00:00",
     "radicular_from": "2026-03-16T09:00:00+00:00"}  # only after a switch (track.py)
memo["followup"]:
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
from typing import TYPE_CHECKING, Any, ClassVar, cast

from pydantic import Field

from bot.engine.features.questionnaires import score_history
from bot.engine.memo import Moment, Record
from bot.pathway.config import PainType, PathwayConfig
from bot.pathway.phase import Phase, phase_on
from bot.pathway.progress import GlobalChange

if TYPE_CHECKING:
    from bot.engine.turn import Turn

FOLLOWUP = "followup"
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


def followup(turn: Turn) -> dict[str, Any]:
    """A copy of the follow-up memo with every key present."""
    data = dict(turn.memo(FOLLOWUP) or {})
    for key in ("changes", "pending", "snoozed"):
        data[key] = list(data.get(key, []))
    data.setdefault("time", None)
    data.setdefault("enabled", True)
    return data


def update(turn: Turn, **changes: Any) -> None:
    turn.remember(FOLLOWUP, {**followup(turn), **changes})


def append_change(turn: Turn, change: str) -> None:
    history = [*followup(turn)["changes"], [turn.now.isoformat(), change]]
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
    result = [
        (datetime.fromisoformat(t), cast(GlobalChange, v)) for t, v in followup(turn)["changes"]
    ]
    return [c for c in result if since is None or c[0].date() >= since]


def pending(turn: Turn) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], followup(turn)["pending"])


def planned(turn: Turn) -> list[tuple[str, datetime]] | None:
    """The moments last planned (None for an episode planned before they were kept)."""
    data = followup(turn).get("planned")
    return None if data is None else [(kind, datetime.fromisoformat(due)) for kind, due in data]


def snoozed(turn: Turn) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], followup(turn)["snoozed"])


def preferred_time(turn: Turn) -> str | None:
    value = followup(turn)["time"]
    return str(value) if value else None
