"""Questionnaires: start them, stop them, and explain each result in plain words.

The explanation is keyed on the instrument and its category
(`result.startback.high`), and a COMI is compared with the episode's baseline (the
first COMI since the episode's first contact) using the change thresholds of
bot.instruments (`result.comi.improved`). Clinicians see the numbers in their report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.engine.features import Command, Feature
from bot.engine.flows import Flow
from bot.engine.model import Frame, Reply, Text
from bot.engine.turn import Turn
from bot.instruments import comi_change

SCORES_MEMO = "scores"
HISTORY_LIMIT = 60
STARTABLE = ("startback", "orebro", "comi", "nrs")


def startable(flows: Mapping[str, Flow]) -> list[str]:
    """The questionnaires with a command and a menu entry (the NRS has /pain)."""
    return [f for f in STARTABLE if f in flows and f != "nrs"]


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


def comi_baseline(turn: Turn, history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first COMI of the current episode (since its first contact), else the first."""
    episode: Mapping[str, Any] = turn.memo("episode") or {}
    start = episode.get("first_contact")
    if start is not None:
        since = datetime.fromisoformat(start)
        history = [h for h in history if datetime.fromisoformat(h["at"]) >= since]
    return history[0] if history else None


def result_reply(
    instrument: str, score: Mapping[str, Any], baseline: Mapping[str, Any] | None
) -> Reply:
    total = score["total"]
    category = score.get("category")
    key = f"result.{instrument}.{category}" if category else f"result.{instrument}"
    params: dict[str, Any] = {"score": total}
    if instrument == "nrs":
        params = {"pain": int(total)}
    parts = [Text(key, params)]
    if instrument == "comi" and baseline is not None:
        change = comi_change(float(baseline["total"]), float(total))
        parts.append(
            Text(
                f"result.comi.{change}",
                {"previous": float(baseline["total"]), "score": float(total)},
            )
        )
    return Reply(parts=tuple(parts))


class Questionnaires(Feature):
    name = "questionnaires"

    def __init__(self, flows: Mapping[str, Flow]) -> None:
        self._startable = startable(flows)

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
        history = score_history(turn, flow.instrument)
        baseline = comi_baseline(turn, history) if flow.instrument == "comi" else None
        turn.reply(result_reply(flow.instrument, score, baseline))
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
