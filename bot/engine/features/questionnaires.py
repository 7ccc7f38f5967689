"""Questionnaires: start them, stop them, and explain each result in plain words.

Which questionnaires have a command, and what a result means, come from the instrument
registry (bot/instruments/registry.py). The explanation is keyed on the instrument and
its category (`result.<id>.<category>`); an instrument with a change rule (COMI) is also
compared with the episode's baseline (its first result since the episode's first
contact): `result.<id>.<outcome>`. Clinicians see the numbers in their report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.engine.features import Command, Feature
from bot.engine.flows import Flow
from bot.engine.model import Frame, Reply, Text
from bot.engine.turn import Turn

if TYPE_CHECKING:
    from bot.instruments.registry import Instrument, Instruments

SCORES_MEMO = "scores"
HISTORY_LIMIT = 60


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


def score_history(turn: Turn, instrument: str) -> list[dict[str, Any]]:
    history: dict[str, list[dict[str, Any]]] = turn.memo(SCORES_MEMO) or {}
    return list(history.get(instrument, []))


def baseline(turn: Turn, history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first result of the current episode (since its first contact), else the first."""
    episode: Mapping[str, Any] = turn.memo("episode") or {}
    start = episode.get("first_contact")
    if start is not None:
        since = datetime.fromisoformat(start)
        history = [h for h in history if datetime.fromisoformat(h["at"]) >= since]
    return history[0] if history else None


def result_reply(
    instrument: Instrument, score: Mapping[str, Any], first: Mapping[str, Any] | None
) -> Reply:
    """The result in words; `first`: the baseline to compare with (change rule only)."""
    total = score["total"]
    category = score.get("category")
    key = f"result.{instrument.id}.{category}" if category else f"result.{instrument.id}"
    params: dict[str, Any] = {"score": total}
    if "pain" in instrument.descriptor.roles:
        params = {"pain": int(total)}
    parts = [Text(key, params)]
    if instrument.change is not None and first is not None:
        change = instrument.change(float(first["total"]), float(total))
        parts.append(
            Text(
                f"result.{instrument.id}.{change}",
                {"previous": float(first["total"]), "score": float(total)},
            )
        )
    return Reply(parts=tuple(parts))


class Questionnaires(Feature):
    name = "questionnaires"

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
        turn.reply(result_reply(instrument, score, first))
        entry = {
            "at": turn.now.isoformat(),
            "total": score["total"],
            "category": score.get("category"),
        }
        if "recall" in score:
            entry["recall"] = score["recall"]
        memo: dict[str, Any] = dict(turn.memo(SCORES_MEMO) or {})
        memo[flow.instrument] = [*history, entry][-HISTORY_LIMIT:]
        turn.remember(SCORES_MEMO, memo)
