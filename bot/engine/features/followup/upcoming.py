"""What comes next: the planned moments still ahead, for the patient's eyes.

From the moments last planned as reminder rows (memo "planned") and the snoozed
reminders; nothing while reminders are off. Shown after
a check-in ("the next one comes on ...") and in /reminders (the next few moments).
Dates are local calendar days, rendered by the catalogs in the patient's language.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.engine.features.followup import episode, memo, snoozes
from bot.engine.model import Raw, Text
from bot.pathway.config import PathwayConfig

if TYPE_CHECKING:
    from bot.engine.turn import Turn

SHOWN = 3  # moments listed in /reminders
REVIEW = "review"  # every review moment has one plain name for the patient


def label(kind: str) -> str:
    """The patient's name of a moment kind (msgid)."""
    return f"upcoming.{REVIEW if kind.startswith('review_') else kind}"


def ahead(turn: Turn, config: PathwayConfig) -> list[tuple[str, datetime]]:
    """(kind, due UTC) of the moments still to come, in order; empty when reminders are off."""
    if not memo.enabled(turn):
        return []
    planned = memo.planned(turn)
    if planned is None:  # planned before the plan was remembered: the plan itself
        planned = [(m.kind, m.due) for m in episode.plan(turn, config)]
    ahead = [(kind, due) for kind, due in planned if due > turn.now]
    return sorted([*ahead, *snoozes.ahead(turn)], key=lambda moment: moment[1])


def next_checkin(turn: Turn, config: PathwayConfig) -> Text | None:
    """'The next check-in comes on 17 March 2026.' (None without one)."""
    due = next((d for kind, d in ahead(turn, config) if kind == "checkin"), None)
    if due is None:
        return Text("upcoming.reminders_off") if not memo.enabled(turn) else None
    return Text("upcoming.next_checkin", {"day": due.astimezone(config.tz).date()})


def listing(turn: Turn, config: PathwayConfig) -> Text | None:
    """The next few moments, one line each (None when nothing is planned)."""
    moments = ahead(turn, config)[:SHOWN]
    if not moments:
        return None
    lines: Text | Raw = Raw("")
    for kind, due in reversed(moments):  # each line carries the ones after it
        local = due.astimezone(config.tz)
        params = {"day": local.date(), "time": f"{local:%H:%M}", "what": Text(label(kind))}
        lines = Text("upcoming.line", {**params, "more": lines})
    return Text("upcoming.list", {"lines": lines})
