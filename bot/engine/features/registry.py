"""The features an engine runs, in order (earlier features see events first)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from bot.engine.features import Feature
from bot.engine.features.advice import Advice
from bot.engine.features.clinic import Clinic
from bot.engine.features.core import Core
from bot.engine.features.data_rights import DataRights
from bot.engine.features.followup import FollowUp
from bot.engine.features.intake import Intake
from bot.engine.features.questionnaires import Questionnaires
from bot.engine.features.triage import Triage
from bot.engine.flows import Flow


def default_features(
    flows: Mapping[str, Flow], advice_repeat: timedelta = timedelta(days=14)
) -> list[Feature]:
    return [
        Triage(),
        Core(),
        Clinic(),
        DataRights(),
        Intake(),
        Questionnaires(flows),
        FollowUp(),  # after Questionnaires (reads their score history), before Advice
        Advice(advice_repeat),
    ]
