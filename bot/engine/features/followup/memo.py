"""What the follow-up keeps in the conversation memo (JSON), with typed accessors.

memo["episode"] (read by other features too; shape documented in docs/contracts.md):
    {"onset": "2026-02-20", "pain_type": "back" | "radicular", "recurrent": false,
     "first_contact": "2026-03-02T09:00:00+00:00"}
memo["followup"]:
    {"nrs": [[iso, value], ...], "comi": [[iso, value], ...],
     "changes": [[iso, "better" | "same" | "worse"], ...],
     "pending": [{"id": 12, "kind": "checkin", "flows": [...], "run_from": 7}, ...],
     "time": "10:00" | null, "enabled": true}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from bot.pathway.config import PainType, PathwayConfig
from bot.pathway.phase import Phase, phase_on
from bot.pathway.progress import GlobalChange

if TYPE_CHECKING:
    from bot.engine.turn import Turn

EPISODE = "episode"
FOLLOWUP = "followup"
HISTORY_MAX = 60  # points kept per series: enough for half a year of weekly scores


@dataclass(frozen=True)
class EpisodeMemo:
    onset: date
    pain_type: PainType
    recurrent: bool
    first_contact: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "onset": self.onset.isoformat(),
            "pain_type": self.pain_type,
            "recurrent": self.recurrent,
            "first_contact": self.first_contact.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EpisodeMemo:
        return cls(
            onset=date.fromisoformat(data["onset"]),
            pain_type=cast(PainType, data["pain_type"]),
            recurrent=bool(data["recurrent"]),
            first_contact=datetime.fromisoformat(data["first_contact"]),
        )


def episode_of(turn: Turn) -> EpisodeMemo | None:
    data = turn.memo(EPISODE)
    return EpisodeMemo.from_json(data) if data else None


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
    for key in ("nrs", "comi", "changes", "pending"):
        data[key] = list(data.get(key, []))
    data.setdefault("time", None)
    data.setdefault("enabled", True)
    return data


def update(turn: Turn, **changes: Any) -> None:
    turn.remember(FOLLOWUP, {**followup(turn), **changes})


def append(turn: Turn, series: str, value: float | str) -> None:
    history = [*followup(turn)[series], [turn.now.isoformat(), value]]
    update(turn, **{series: history[-HISTORY_MAX:]})


def points(turn: Turn, series: str, since: date | None = None) -> list[tuple[datetime, float]]:
    """A numeric series (nrs, comi), from local day `since` on when given."""
    result = [(datetime.fromisoformat(t), float(v)) for t, v in followup(turn)[series]]
    return [p for p in result if since is None or p[0].date() >= since]


def changes(turn: Turn, since: date | None = None) -> list[tuple[datetime, GlobalChange]]:
    result = [
        (datetime.fromisoformat(t), cast(GlobalChange, v)) for t, v in followup(turn)["changes"]
    ]
    return [c for c in result if since is None or c[0].date() >= since]


def pending(turn: Turn) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], followup(turn)["pending"])


def preferred_time(turn: Turn) -> str | None:
    value = followup(turn)["time"]
    return str(value) if value else None
