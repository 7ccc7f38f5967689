"""/progress and the check-in summary: a plain two-line trend and the chart attachment.

The engine only marks the reply with `attachment="progress"`; the service draws the
chart (bot/charts.py) from the committed scores right after the event's commit, and the
channel sends it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine.features.followup import memo, upcoming
from bot.engine.model import Frame, Reply, Text
from bot.pathway.config import PathwayConfig
from bot.pathway.progress import trend_summary

if TYPE_CHECKING:
    from bot.engine.turn import Turn

ATTACHMENT = "progress"


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def summary(turn: Turn, config: PathwayConfig) -> tuple[Text, ...]:
    """'Your pain went from 7 to 4 since 3 March.' plus a line on the direction.

    Like with like: the weekly ratings (intake, check-ins) when there are two, else the
    ratings of the moment (/pain, /flare), never one of each.
    """
    recall = "week"
    trend = trend_summary(memo.pain_points(turn, recall="week"))
    if trend is None:
        recall = "now"
        trend = trend_summary(memo.pain_points(turn, recall="now"))
    if trend is None:
        return (Text("progress.few_points"),)
    since = trend.first_at.astimezone(config.tz).date()
    key = "progress.went" if recall == "week" else "progress.went_now"
    went = Text(
        key,
        {"first": _number(trend.first_value), "last": _number(trend.last_value), "since": since},
    )
    return (went, Text(f"progress.{trend.direction}"))


def _point_count(turn: Turn) -> int:
    """The points the chart would draw (the charted instruments', bot/charts.py)."""
    return sum(len(memo.points(turn, i.id)) for i in turn.engine.instruments.charted())


def progress_command(turn: Turn, config: PathwayConfig) -> None:
    """/progress: the chart of NRS and COMI with a plain summary."""
    if _point_count(turn) == 0:
        turn.say("progress.none")
    else:
        turn.reply(Reply(parts=summary(turn, config), attachment=ATTACHMENT))
    turn.ask_again()


def checkin_finished(turn: Turn, frame: Frame, config: PathwayConfig) -> None:
    """Record "better / same / worse?" and sum up, with the chart from two points on.

    Other features (advice) react to the same after_finish of the `checkin` flow.
    """
    change = frame.answers.get("change")
    if isinstance(change, str):
        memo.append_change(turn, change)
    parts = (Text("checkin.thanks"), *summary(turn, config))
    coming = upcoming.next_checkin(turn, config)  # the patient knows when we ask again
    parts = (*parts, coming) if coming is not None else parts
    attachment = ATTACHMENT if _point_count(turn) >= 2 else None
    turn.reply(Reply(parts=parts, attachment=attachment))
