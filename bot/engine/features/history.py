"""The optional pre-consultation history (flows/history.yaml): offered in invitations
(flows/history_offer.yaml, just before the patient's question) and started by /history
(queued after the flow that is running, like /startback).

The answers are stored like any flow's; the clinician's summary lists them with the
signals they raise (bot/reports/history.py). Own words, not a validated instrument.
After a /history outside an invitation, a patient who shares with a clinic is offered
the question for the appointment (the summary shows it), unless it is already waiting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.engine.features import Command, Feature
from bot.engine.features.clinic import QUESTION_FLOW, OpenInvitation, shared_clinics
from bot.engine.features.questionnaires import start_questionnaire
from bot.engine.flows import Flow
from bot.engine.model import Frame
from bot.engine.turn import Turn

HISTORY_FLOW = "history"
OFFER_FLOW = "history_offer"


def start_history(turn: Turn) -> None:
    """/history: the questions now, or after the flow that is running (never inside it)."""
    start_questionnaire(turn, HISTORY_FLOW)


class History(Feature):
    name = "history"
    after = frozenset({"clinic"})  # the offer's answer comes after the invitation's agenda

    def commands(self) -> Mapping[str, Command]:
        return {HISTORY_FLOW: start_history}

    def after_finish(
        self, turn: Turn, frame: Frame, flow: Flow, score: Mapping[str, Any] | None
    ) -> None:
        if flow.id == OFFER_FLOW and frame.answers.get("offer") == "yes":
            turn.state = replace(turn.state, agenda=(HISTORY_FLOW, *turn.state.agenda))
        elif flow.id == HISTORY_FLOW:
            turn.say("history.done")
            waiting = {*turn.state.agenda, *(f.flow for f in turn.state.stack)}
            if (
                turn.part(OpenInvitation) is None
                and shared_clinics(turn)
                and QUESTION_FLOW in turn.engine.flows
                and QUESTION_FLOW not in waiting
            ):
                turn.state = replace(turn.state, agenda=(QUESTION_FLOW, *turn.state.agenda))
