"""Flow files fail loudly, naming the file and the step."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.flows import FlowError, load_flow, load_flows

GOOD = """
id: sample
version: 1
kind: dialogue
title: t.title
steps:
  - id: first
    text: t.first
    answer: {type: yesno}
  - id: second
    text: t.second
    when: {any: {first: true}}
    answer: {type: scale, min: 0, max: 10}
"""


def write(tmp_path: Path, body: str, name: str = "sample") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_valid_flow_loads(tmp_path: Path) -> None:
    flow = load_flow(write(tmp_path, GOOD))
    assert [s.id for s in flow.steps] == ["first", "second"]
    assert flow.step("second").answer.max == 10


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (lambda s: s.replace("id: second", "id: first"), "step first: duplicate step id"),
        (lambda s: s.replace("type: yesno", "type: slider"), "steps.0.answer.type"),
        (lambda s: s.replace("max: 10", "max: 0"), "min < max"),
        (
            lambda s: s.replace("{first: true}", "{later: true}"),
            "step second: 'when' refers to ['later']",
        ),
        (lambda s: s.replace("kind: dialogue", "kind: questionnaire"), "names its instrument"),
        (lambda s: s.replace("id: sample", "id: other"), "must match the file name"),
        (lambda s: s + "\nunknown_key: 1\n", "unknown_key"),
    ],
)
def test_invalid_flows_name_file_and_problem(
    tmp_path: Path, mutation: object, expected: str
) -> None:
    path = write(tmp_path, mutation(GOOD))  # type: ignore[operator]
    with pytest.raises(FlowError) as err:
        load_flow(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)


def test_unknown_message_id_names_file_and_step(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    with pytest.raises(
        FlowError, match=r"sample.yaml: step second: unknown or untranslated message id 't.second'"
    ):
        load_flows(tmp_path, lambda msgid: msgid != "t.second")


def test_unknown_instrument_and_next_flow(tmp_path: Path) -> None:
    write(tmp_path, GOOD + "next: [missing]\n")
    with pytest.raises(FlowError, match="next: unknown flow 'missing'"):
        load_flows(tmp_path, lambda _: True)
    questionnaire = GOOD.replace(
        "kind: dialogue",
        "kind: questionnaire\ninstrument: nope\nprovenance: {nl: validated, fr: validated}",
    )
    write(tmp_path, questionnaire)
    with pytest.raises(FlowError, match="instrument 'nope' has no scoring function"):
        load_flows(tmp_path, lambda _: True, instruments=["nrs"])


def test_choice_needs_options_and_unique_values(tmp_path: Path) -> None:
    body = GOOD.replace(
        "answer: {type: yesno}",
        "answer: {type: choice, options: [{value: 1, label: a}, {value: 1, label: b}]}",
    )
    with pytest.raises(FlowError, match="unique"):
        load_flow(write(tmp_path, body))


def test_the_project_flows_load(engine: object) -> None:
    from bot.engine import Engine

    assert isinstance(engine, Engine)
    assert {"onboarding", "language", "nrs"} <= set(engine.flows)
