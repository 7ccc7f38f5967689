"""The features an engine runs, in order (earlier features see events first)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine.features import Feature
from bot.engine.features.core import Core
from bot.engine.features.followup import FollowUp
from bot.engine.features.intake import Intake
from bot.engine.features.questionnaires import Questionnaires
from bot.engine.features.triage import Triage
from bot.engine.flows import Flow


def default_features(flows: Mapping[str, Flow]) -> list[Feature]:
    # FollowUp after Questionnaires: it reads the score history they keep.
    return [Triage(), Core(), Intake(), Questionnaires(flows), FollowUp()]
