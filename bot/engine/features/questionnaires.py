"""Questionnaires: start them, stop them, and explain each result in plain words.

Which questionnaires have a command, and what a result means, come from the instrument
registry (bot/instruments/registry.py). The explanation is keyed on the instrument and
its category (`result.<id>.<category>`); an instrument with a change rule (COMI) is also
compared with the episode's baseline (its first result since the episode's first
contact): `result.<id>.<outcome>`. Clinicians see the numbers in their report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from bot.engine.features import Command, Feature
from bot.engine.flows import Flow, Recall
from bot.engine.memo import Mapped, Moment
from bot.engine.model import Frame, Reply, Text
from bot.engine.turn import Turn

if TYPE_CHECKING:
    from bot.instruments.registry import Instrument, Instruments

HISTORY_LIMIT = 60


class ScoreEntry(BaseModel):
    """One result in the patient's memory."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    at: Moment
    total: float
    category: str | None
    # pain ratings only: the period asked about; absent (None) on older rows = "week"
    recall: Recall | None = Field(default=None, exclude_if=lambda value: value is None)


class ScoreHistory(Mapped):
    """Memo "scores" (this feature's): each instrument's results, oldest first, the last
    HISTORY_LIMIT. Read by follow-up (trends, risk level, reminders) and advice."""

    KEY: ClassVar[str] = "scores"
    root: dict[str, tuple[ScoreEntry, ...]]


def startable(flows: Mapping[str, Flow], instruments: Instruments | None) -> list[str]:
    """The flows of the questionnaires with a command and a menu entry (descriptor
    `startable`; the NRS has /pain instead)."""
    found = instruments.startable() if instruments is not None else ()
    return [i.flow for i in found if i.flow in flows]


def start_questionnaire(turn: Turn, flow_id: str) -> None:
    """Start a questionnaire now, or queue it when another flow is running."""
    turn.state = replace(turn.state, paused=False)
    if turn.state.top is not None:
        turn.state = replace(turn.state, agenda=(*turn.state.agenda, flow_id))
        turn.say("questionnaire.queued", title=Text(turn.flow(flow_id).title))
        turn.ask_again()
        return
    turn.push(flow_id)
    turn.advance()


def cancel(turn: Turn) -> None:
    """Stop the current questionnaire: kept as stopped, never scored."""
    frame = turn.state.top
    if frame is None or turn.flow(frame.flow).kind != "questionnaire":
        turn.say("cancel.nothing")
        turn.ask_again()
        return
    turn.finish(status="stopped")
    turn.say("cancel.done", title=Text(turn.flow(frame.flow).title))
    turn.ask_again()


def _starter(flow_id: str) -> Command:
    def command(turn: Turn) -> None:
        start_questionnaire(turn, flow_id)

    return command


def score_history(turn: Turn, instrument: str) -> tuple[ScoreEntry, ...]:
    """An instrument's results in the patient's memory, oldest first."""
    history = turn.part(ScoreHistory)
    return history.root.get(instrument, ()) if history is not None else ()


def baseline(turn: Turn, history: Sequence[ScoreEntry]) -> ScoreEntry | None:
    """The first result of the current episode (since its first contact), else the first."""
    from bot.engine.features.followup.memo import episode_of  # follow-up reads our scores

    episode = episode_of(turn)
    if episode is not None:
        history = [h for h in history if h.at >= episode.first_contact]
    return history[0] if history else None


def result_reply(instrument: Instrument, score: Mapping[str, Any], first: float | None) -> Reply:
    """The result in words; `first`: the baseline total to compare with (change rule only)."""
    total = score["total"]
    category = score.get("category")
    key = f"result.{instrument.id}.{category}" if category else f"result.{instrument.id}"
    params: dict[str, Any] = {"score": total}
    if "pain" in instrument.descriptor.roles:
        params = {"pain": int(total)}
    parts = [Text(key, params)]
    if instrument.change is not None and first is not None:
        change = instrument.change(first, float(total))
        parts.append(
            Text(f"result.{instrument.id}.{change}", {"previous": first, "score": float(total)})
        )
    return Reply(parts=tuple(parts))


class Questionnaires(Feature):
    name = "questionnaires"
    parts = (ScoreHistory,)

    def __init__(self, flows: Mapping[str, Flow], instruments: Instruments | None = None) -> None:
        self._startable = startable(flows, instruments)

    def commands(self) -> Mapping[str, Command]:
        return {**{f: _starter(f) for f in self._startable}, "cancel": cancel}

    def menu(self, turn: Turn) -> list[tuple[str, str]]:
        return [(f, f"menu.{f}") for f in self._startable]

    def on_menu(self, turn: Turn, token: str) -> bool:
        if token in self._startable:
            start_questionnaire(turn, token)
            return True
        return False

    def after_finish(
        self, turn: Turn, frame: Frame, flow: Flow, score: Mapping[str, Any] | None
    ) -> None:
        if flow.instrument is None or score is None:
            return
        instrument = turn.engine.instruments[flow.instrument]
        history = score_history(turn, flow.instrument)
        first = baseline(turn, history) if instrument.change is not None else None
        turn.reply(result_reply(instrument, score, first.total if first else None))
        entry = ScoreEntry(
            at=turn.now,
            total=score["total"],
            category=score.get("category"),
            recall=score.get("recall"),
        )
        stored = turn.part(ScoreHistory)
        kept = {**(stored.root if stored is not None else {})}
        kept[flow.instrument] = (*history, entry)[-HISTORY_LIMIT:]
        turn.keep(ScoreHistory(kept))
