"""What follows consent: the intake agenda, in the order the KCE pathway asks for.

Red flags are always screened first (before any questionnaire or advice), then the
episode (onset, pain type), the pain score and the COMI baseline (the instruments with
roles `pain` and `follow_up`). Flows that do not exist in this deployment are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.engine.features import Feature
from bot.engine.features.clinic import OpenInvitation
from bot.engine.features.core import ONBOARDING
from bot.engine.features.followup.asks import pain_flow
from bot.engine.flows import Flow
from bot.engine.model import Frame
from bot.engine.turn import Turn


def standard_intake(turn: Turn) -> tuple[str, ...]:
    """Red flags, the episode, then the flows of the pain rating and of the follow-up
    instrument (its baseline), by their roles in the instrument registry."""
    instruments = turn.engine.instruments
    follow_up = instruments.with_role("follow_up")
    return (
        "redflags",
        "episode",
        *pain_flow(instruments),
        *((follow_up.flow,) if follow_up is not None else ()),
    )


def intake_agenda(flows: Mapping[str, Flow], wanted: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(flow for flow in wanted if flow in flows)


class Intake(Feature):
    name = "intake"
    after = frozenset({"clinic"})  # reads the invitation the clinic feature keeps

    def after_finish(
        self, turn: Turn, frame: Frame, flow: Flow, score: Mapping[str, Any] | None
    ) -> None:
        # an invitation plans its own agenda
        if flow.id != ONBOARDING or turn.part(OpenInvitation) is not None:
            return
        turn.state = replace(
            turn.state,
            agenda=(*intake_agenda(turn.engine.flows, standard_intake(turn)), *turn.state.agenda),
        )
