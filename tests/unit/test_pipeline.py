"""The engine's hooks: kinds declared once, features in a checked order, triage first."""

from __future__ import annotations

import inspect
from typing import ClassVar

import pytest

from bot.engine import Engine, Event
from bot.engine.features import Feature
from bot.engine.features.advice import Advice
from bot.engine.features.core import Core
from bot.engine.features.followup import FollowUp
from bot.engine.features.questionnaires import Questionnaires
from bot.engine.features.registry import default_features
from bot.engine.features.triage import Triage
from bot.engine.flows import Step
from bot.engine.model import AnswerValue, Frame
from bot.engine.pipeline import HOOKS, Kind, OrderError, Pipeline
from bot.engine.turn import Turn
from bot.i18n import Catalogs
from tests.unit.test_engine import NOW, onboarded


def test_every_hook_of_a_feature_is_declared_with_its_kind() -> None:
    public = {
        name
        for name, member in inspect.getmembers(Feature, inspect.isfunction)
        if not name.startswith("_")
    }
    assert {h.name for h in HOOKS} == public
    kinds = {h.name: h.kind for h in HOOKS}
    assert kinds["intercept"] is Kind.GUARD and kinds["after_finish"] is Kind.HANDLER


def test_the_default_order_is_valid_and_triage_is_first(engine: Engine) -> None:
    names = [f.name for f in engine.pipeline.features]
    assert names[0] == "triage"
    assert names.index("questionnaires") < names.index("followup") < names.index("advice")
    assert [f.name for f in default_features(engine.flows)] == names


@pytest.mark.parametrize(
    "order",
    [
        [Core(), Triage()],  # triage must see every event first
        [Triage(), Advice(), Questionnaires({})],  # advice reads the scores
        [Triage(), FollowUp(), Questionnaires({})],
        [Triage(), Core(), Core()],
    ],
    ids=["triage-not-first", "advice-early", "followup-early", "twice"],
)
def test_an_order_that_breaks_a_need_is_refused(order: list[Feature]) -> None:
    with pytest.raises(OrderError):
        Pipeline(order)


CALLS: list[str] = []


class Spy(Feature):
    handles: ClassVar[bool] = False

    def intercept(self, turn: Turn) -> bool:
        CALLS.append(f"intercept {self.name}")
        return self.handles

    def after_answer(self, turn: Turn, frame: Frame, step: Step, value: AnswerValue) -> None:
        CALLS.append(f"after_answer {self.name}")


class SpyA(Spy):
    name = "a"


class SpyB(Spy):
    name = "b"
    handles = True


class SpyC(Spy):
    name = "c"
    handles = True


def test_guards_stop_at_the_first_true_and_handlers_all_run(
    engine: Engine, catalogs: Catalogs
) -> None:
    pipeline = Pipeline([SpyA(), SpyB(), SpyC()])
    talk = onboarded(engine, catalogs)
    turn = Turn(engine, talk.state, Event("text", text="x"), NOW)
    frame, step = Frame(flow="nrs", version=1, run=1), engine.flows["nrs"].steps[0]
    CALLS.clear()
    assert pipeline.intercept(turn) is True
    pipeline.after_answer(turn, frame, step, 1)
    assert CALLS == [
        "intercept a",
        "intercept b",
        "after_answer a",
        "after_answer b",
        "after_answer c",
    ]
