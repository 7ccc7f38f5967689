"""Red-flag rules: one table from the seeds; every Fig. 2 row asked and leveled; no silent yes."""

from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT
from bot.engine.flows import load_flow
from bot.triage import Escalation, evaluate
from bot.triage.rules import FIG2, FIG2_SECTION, RULES, SCREENS, WEAKNESS_LEVELS, rule_items

FLOW = load_flow(PROJECT_ROOT / "flows" / "redflags.yaml")
NO_FLAGS = {s.id: False for s in FLOW.steps if s.answer.type == "yesno" and s.when is None}
ORDER = {"urgent": 0, "semi_urgent": 1, "note": 2}


def answers(**yes: object) -> dict[str, object]:
    return {**NO_FLAGS, **yes}


def levels(result: list[Escalation]) -> list[tuple[str, str]]:
    return [(e.level, e.cluster) for e in result]


def test_no_flags() -> None:
    assert evaluate(NO_FLAGS) == []
    assert evaluate({}) == []


def test_the_table_covers_every_fig2_row_with_a_question_and_a_level() -> None:
    """The table test: each row of seed 000 Fig. 2, the questions that ask it, their level."""
    seeds = [
        root / "shared" / "seeds" / "000_5f08abb220cf6668.txt"
        for root in (PROJECT_ROOT.parent, PROJECT_ROOT.parent.parent)  # main, or a worktree
    ]
    seed = next((p.read_text() for p in seeds if p.exists()), "")
    flat_seed = " ".join(seed.split())
    steps = {s.id: s for s in FLOW.steps}
    by_item = {r.item: r for r in RULES}
    print()
    for row, items in FIG2.items():
        assert items, row
        for item in items:
            rule = by_item[item]
            assert item in steps and steps[item].group == rule.cluster
            worst = "urgent" if item == "weak_course" else rule.level
            assert ORDER[worst] <= ORDER[FIG2_SECTION[rule.cluster]], (row, item)
            print(f"{row[:70]:72} {item:18} {rule.level}")
        first_words = " ".join(row.split()[:3]).rstrip(",")
        if flat_seed:  # the rows are quoted from the seed (when the seed is at hand)
            assert first_words.lower() in flat_seed.lower(), row
    # and every question of the screen is in the table or is a screen with details
    asked = {s.id for s in FLOW.steps if s.answer.type != "info"}
    assert asked == {r.item for r in RULES} | set(SCREENS)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"neuro_bladder": True}, [("urgent", "neuro")]),
        ({"neuro_saddle": True}, [("urgent", "neuro")]),
        ({"neuro_widespread": True}, [("urgent", "neuro")]),
        ({"neuro_numb": True}, [("urgent", "neuro")]),
        ({"neuro_cranial": True}, [("urgent", "neuro")]),
        ({"neuro_gait": True}, [("urgent", "neuro")]),
        ({"trauma_screen": True, "trauma_major": True}, [("urgent", "trauma")]),
        ({"trauma_screen": True, "trauma_bechterew": True}, [("urgent", "trauma")]),
        ({"vascular_foot": True}, [("urgent", "vascular")]),
        ({"vascular_faint": True}, [("urgent", "vascular")]),
        ({"weak_screen": True, "weak_course": "new"}, [("urgent", "weakness")]),
        ({"weak_screen": True, "weak_course": "worse"}, [("urgent", "weakness")]),
        ({"weak_screen": True, "weak_course": "stable"}, [("semi_urgent", "weakness")]),
    ],
)
def test_each_urgent_sign_and_the_weakness_course(
    given: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    assert levels(evaluate(answers(**given))) == expected


SINGLE_FACTORS = [r.item for r in RULES if r.cluster in ("pathological", "infection")]


@pytest.mark.parametrize("factor", SINGLE_FACTORS)
def test_each_single_factor_is_48_hours_never_only_a_note(factor: str) -> None:
    screen = "path_screen" if factor.startswith("path_") else "inf_screen"
    cluster = "pathological" if factor.startswith("path_") else "infection"
    result = evaluate(answers(**{screen: True, factor: True}))
    assert levels(result) == [("semi_urgent", cluster)]
    assert factor in result[0].items


def test_weakness_levels_never_below_48_hours() -> None:
    assert set(WEAKNESS_LEVELS.values()) <= {"urgent", "semi_urgent"}


def test_urgent_needs_no_more_than_the_one_answer() -> None:
    """Asked one at a time: the first urgent "yes" is enough, nothing else answered yet."""
    assert levels(evaluate({"neuro_bladder": True})) == [("urgent", "neuro")]
    assert levels(evaluate({"vascular_foot": True})) == [("urgent", "vascular")]


def test_a_minor_fall_alone_is_a_note_once_the_details_are_answered() -> None:
    asked = {"trauma_screen": True}
    assert evaluate(asked) == []  # the details come first
    minor = answers(trauma_screen=True, trauma_major=False, trauma_bechterew=False)
    assert levels(evaluate(minor)) == [("note", "trauma")]
    major = {**minor, "trauma_major": True}
    assert levels(evaluate(major)) == [("urgent", "trauma")]


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


def test_a_screen_yes_without_any_detail_is_a_note() -> None:
    details = {s.id: False for s in FLOW.steps if s.group == "infection" and s.when}
    assert levels(evaluate({**answers(inf_screen=True), **details})) == [("note", "infection")]
    assert evaluate(answers(inf_screen=True)) == []  # not before the details are answered


def test_every_rule_item_is_a_step_of_the_flow_and_every_step_has_a_group() -> None:
    ids = {s.id for s in FLOW.steps}
    assert rule_items() <= ids
    assert all(s.group for s in FLOW.steps if s.answer.type != "info")
    groups = {s.group for s in FLOW.steps if s.group}
    assert groups == {"neuro", "trauma", "vascular", "weakness", "pathological", "infection"}
