"""Follow-up on the KCE care pathway: episodes, check-ins, reminders, progress.

Modules: memo (what is remembered per patient), episode (the pathway clock and plan),
reminders (scheduler events, snooze and settings), progress (/progress, summaries),
track (radicular signs re-checked at check-ins and /flare: back pain that becomes
radicular moves the episode to the radicular track).
Effects are written by bot/store/effects/followup.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.engine.features import Command, Feature
from bot.engine.features.followup import episode, progress, reminders, track
from bot.engine.features.followup.memo import (
    EpisodeMemo,
    FollowUpMemo,
    current_phase,
    episode_of,
)
from bot.engine.model import Frame
from bot.pathway.config import PathwayConfig, load_config

if TYPE_CHECKING:
    from bot.engine.flows import Flow
    from bot.engine.turn import Turn

__all__ = ["CHECKIN_FLOW", "FollowUp", "current_phase", "episode_of"]

CHECKIN_FLOW = "checkin"


class FollowUp(Feature):
    name = "followup"
    after = frozenset({"questionnaires"})  # reads the score history
    parts = (EpisodeMemo, FollowUpMemo)

    def __init__(self, config: PathwayConfig | None = None) -> None:
        self.config = config or load_config()

    def commands(self) -> Mapping[str, Command]:
        cfg = self.config
        return {
            "newepisode": episode.new_episode,
            "progress": lambda turn: progress.progress_command(turn, cfg),
            "reminders": lambda turn: reminders.settings_command(turn, cfg),
            "stop": reminders.stop,
            "restart": lambda turn: reminders.restart(turn, cfg),
        }

    def intercept(self, turn: Turn) -> bool:
        return (
            reminders.on_button(turn, self.config)
            or episode.typed_onset(turn, self.config)
            or track.typed_answer(turn)
        )

    def after_command(self, turn: Turn, name: str) -> None:
        if name == "flare":
            track.queue_on_flare(turn)

    def after_finish(
        self, turn: Turn, frame: Frame, flow: Flow, score: Mapping[str, Any] | None
    ) -> None:
        if flow.id == episode.FLOW:
            reminders.withdraw_all(turn)  # the old episode's reminders are cancelled
            episode.finished(turn, frame, self.config)
        if flow.id == CHECKIN_FLOW:
            progress.checkin_finished(turn, frame, self.config)
        if flow.id == track.FLOW:
            track.finished(turn, frame, self.config)
        reminders.close_answered(turn, frame)

    def on_reminder(self, turn: Turn) -> bool:
        return reminders.on_reminder(turn, self.config)

    def menu(self, turn: Turn) -> list[tuple[str, str]]:
        return [("progress", "menu.progress")]

    def on_menu(self, turn: Turn, token: str) -> bool:
        if token != "progress":
            return False
        progress.progress_command(turn, self.config)
        return True
