"""The features an engine runs, in order (earlier features see events first)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.engine.features import Feature
from bot.engine.features.advice import Advice
from bot.engine.features.clinic import Clinic
from bot.engine.features.core import Core
from bot.engine.features.data_rights import DataRights
from bot.engine.features.followup import FollowUp
from bot.engine.features.history import History
from bot.engine.features.intake import Intake
from bot.engine.features.questionnaires import Questionnaires
from bot.engine.features.triage import Triage
from bot.engine.flows import Flow
from bot.pathway.config import PathwayConfig, load_config

if TYPE_CHECKING:
    from bot.instruments.registry import Instruments


def default_features(
    flows: Mapping[str, Flow],
    advice_repeat: timedelta = timedelta(days=14),
    pathway: PathwayConfig | None = None,
    *,
    instruments: Instruments | None = None,
) -> list[Feature]:
    """`pathway`: the follow-up timing shared with the scheduler (default: the packaged one);
    `instruments`: the registry (none: no questionnaire has a command of its own)."""
    pathway = pathway or load_config()
    return [
        Triage(pathway.tz),  # a new day (a new session) begins at local midnight
        Core(),
        Clinic(),
        History(),
        DataRights(),
        Intake(),
        Questionnaires(flows, instruments),
        FollowUp(pathway),  # after Questionnaires (reads their score history), before Advice
        Advice(advice_repeat, config=pathway),
    ]
