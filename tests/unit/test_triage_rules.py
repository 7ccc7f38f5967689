"""Red-flag rules, table-driven: every cluster alone, none, several, the 48 h logic."""

from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT
from bot.engine.flows import load_flow
from bot.triage import Escalation, evaluate
from bot.triage.rules import rule_items

FLOW = load_flow(PROJECT_ROOT / "flows" / "redflags.yaml")
NO_FLAGS = {s.id: False for s in FLOW.steps if s.answer.type == "yesno" and s.when is None}


def answers(**yes: object) -> dict[str, object]:
    return {**NO_FLAGS, **yes}


def levels(result: list[Escalation]) -> list[tuple[str, str]]:
    return [(e.level, e.cluster) for e in result]


def test_no_flags() -> None:
    assert evaluate(NO_FLAGS) == []
    assert evaluate({}) == []


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"neuro_bladder": True}, [("urgent", "neuro")]),
        ({"neuro_saddle": True}, [("urgent", "neuro")]),
        ({"neuro_widespread": True}, [("urgent", "neuro")]),
        ({"trauma_screen": True, "trauma_major": True}, [("urgent", "trauma")]),
        ({"trauma_screen": True, "trauma_bechterew": True}, [("urgent", "trauma")]),
        ({"vascular_foot": True}, [("urgent", "vascular")]),
        ({"vascular_faint": True}, [("urgent", "vascular")]),
        ({"weak_screen": True, "weak_course": "new_severe"}, [("urgent", "weakness")]),
        ({"weak_screen": True, "weak_course": "worse"}, [("semi_urgent", "weakness")]),
        ({"weak_screen": True, "weak_course": "stable"}, [("note", "weakness")]),
        ({"path_screen": True, "path_cancer": True}, [("semi_urgent", "pathological")]),
        (
            {"path_screen": True, "path_age": True, "path_osteoporosis": True},
            [("semi_urgent", "pathological")],
        ),
        ({"path_screen": True, "path_age": True}, [("note", "pathological")]),
        ({"inf_screen": True, "inf_fever": True}, [("semi_urgent", "infection")]),
        ({"inf_screen": True, "inf_sweats": True}, [("semi_urgent", "infection")]),
        (
            {"inf_screen": True, "inf_surgery": True, "inf_immune": True},
            [("semi_urgent", "infection")],
        ),
        ({"inf_screen": True, "inf_drugs": True}, [("note", "infection")]),
    ],
)
def test_each_cluster_alone(given: dict[str, object], expected: list[tuple[str, str]]) -> None:
    assert levels(evaluate(answers(**given))) == expected


def test_urgent_needs_no_more_than_the_one_answer() -> None:
    """Asked one at a time: the first urgent "yes" is enough, nothing else answered yet."""
    assert levels(evaluate({"neuro_bladder": True})) == [("urgent", "neuro")]
    assert levels(evaluate({"vascular_foot": True})) == [("urgent", "vascular")]


def test_a_minor_fall_counts_towards_a_pathological_fracture() -> None:
    minor = answers(
        trauma_screen=True,
        trauma_major=False,
        trauma_bechterew=False,
        path_screen=True,
        path_age=True,
    )
    assert levels(evaluate(minor)) == [("semi_urgent", "pathological")]
    major = {**minor, "trauma_major": True}
    assert levels(evaluate(major)) == [("urgent", "trauma"), ("note", "pathological")]


def test_weight_loss_counts_for_both_clusters() -> None:
    result = evaluate(answers(path_screen=True, path_weight=True, inf_screen=True, inf_immune=True))
    assert ("semi_urgent", "infection") in levels(result)
    assert ("note", "pathological") in levels(result)


def test_several_flags_urgent_first() -> None:
    result = evaluate(
        answers(inf_screen=True, inf_fever=True, neuro_saddle=True, vascular_faint=True)
    )
    assert levels(result) == [
        ("urgent", "neuro"),
        ("urgent", "vascular"),
        ("semi_urgent", "infection"),
    ]
    assert result[0].items == ("neuro_saddle",)


def test_a_screen_yes_without_any_detail_is_kept_for_the_clinician() -> None:
    details = {s.id: False for s in FLOW.steps if s.group == "infection" and s.when}
    result = evaluate({**answers(inf_screen=True), **details})
    assert levels(result) == [("note", "infection")]


def test_every_rule_item_is_a_step_of_the_flow_and_every_step_has_a_group() -> None:
    ids = {s.id for s in FLOW.steps}
    assert rule_items() <= ids
    assert all(s.group for s in FLOW.steps if s.answer.type != "info")
    groups = {s.group for s in FLOW.steps if s.group}
    assert groups == {"neuro", "trauma", "vascular", "weakness", "pathological", "infection"}
