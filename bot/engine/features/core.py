"""Core commands: start, help, about, language, pause/resume, back, pain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.engine.features import Command, Feature
from bot.engine.flows import Flow
from bot.engine.model import Frame, Reply, Text, language_from_hint
from bot.engine.turn import Turn

ONBOARDING = "onboarding"
LANGUAGE_FLOW = "language"


def start(turn: Turn) -> None:
    if turn.engine.pipeline.on_start(turn):
        return
    begin(turn)


def begin(turn: Turn) -> None:
    """The plain /start: onboarding for a new patient, else resume where they were."""
    state = turn.state
    hint = language_from_hint(turn.event.language_hint)
    if state.language is None and hint is not None:
        state = replace(state, language=hint)
    turn.state = replace(state, paused=False)
    if state.consent == "given":
        turn.say("start.welcome_back")
        turn.ask_again()
        return
    turn.state = replace(turn.state, stack=(), agenda=())
    turn.push(ONBOARDING)
    turn.advance()


def help_(turn: Turn) -> None:
    turn.say("help.text")
    turn.ask_again()


def about(turn: Turn) -> None:
    flows = turn.engine.flows.values()
    notices = [Text(f.notice) for f in flows if f.notice]
    # which texts of this language are not the validated versions (our own translations)
    unvalidated = [
        Text("about.unvalidated_item", {"title": Text(f.title)})
        for f in flows
        if f.provenance.get(turn.language) in ("partial", "unvalidated")
    ]
    parts = [Text("about.text"), *notices]
    if unvalidated:
        parts += [Text("about.unvalidated"), *unvalidated]
    turn.reply(Reply(parts=tuple(parts)))
    turn.ask_again()


def language(turn: Turn) -> None:
    turn.push(LANGUAGE_FLOW)
    turn.advance()


def pause(turn: Turn) -> None:
    turn.state = replace(turn.state, paused=True)
    turn.say("pause.done")


def resume(turn: Turn) -> None:
    turn.state = replace(turn.state, paused=False)
    turn.ask_again()


def back(turn: Turn) -> None:
    frame = turn.state.top
    if frame is None or not frame.history:
        turn.say("back.nothing")
        turn.ask_again()
        return
    last = frame.history[-1]
    answers = {k: v for k, v in frame.answers.items() if k != last}
    turn.set_top(replace(frame, answers=answers, history=frame.history[:-1]))
    turn.advance()


def pain(turn: Turn) -> None:
    turn.state = replace(turn.state, paused=False)
    turn.push("pain_now")  # the menu says "score your pain now": ask about now
    turn.advance()


class Core(Feature):
    name = "core"

    def commands(self) -> Mapping[str, Command]:
        return {
            "start": start,
            "help": help_,
            "about": about,
            "language": language,
            "pause": pause,
            "resume": resume,
            "back": back,
            "pain": pain,
        }

    def open_commands(self) -> frozenset[str]:
        return frozenset({"start", "help", "about", "language"})

    def menu(self, turn: Turn) -> list[tuple[str, str]]:
        return [("nrs", "menu.nrs")]

    def on_menu(self, turn: Turn, token: str) -> bool:
        if token == "nrs":
            pain(turn)
            return True
        return False

    def after_finish(
        self, turn: Turn, frame: Frame, flow: Flow, score: Mapping[str, Any] | None
    ) -> None:
        """A language chosen with /language while nothing else runs is never met with
        silence: onboarding follows for a patient without consent, else the menu."""
        if flow.id != LANGUAGE_FLOW or turn.state.stack or turn.state.agenda:
            return
        if turn.state.consent == "given":
            turn.menu("menu.prompt")
        else:
            turn.push(ONBOARDING)  # the language step is skipped: it is set now
