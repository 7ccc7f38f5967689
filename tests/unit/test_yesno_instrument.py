"""A yes/no instrument can finish and be scored; `backpath score` prints it as itself.

(The two traps of issue #12: yes/no answers were dropped before scoring, so such an
instrument never finished; `backpath score` printed any new instrument as "pain".)
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from bot.config import PROJECT_ROOT
from bot.engine import Engine, Event, State
from bot.engine.consent import current_version
from bot.engine.flows import Flow
from bot.engine.model import RunFinished
from bot.engine.turn import Turn
from bot.i18n import Catalogs
from bot.instruments import InstrumentScore
from bot.instruments.model import check_answers
from bot.instruments.registry import Instruments, load_content
from bot.score_cli import run
from tests.unit.test_engine import NOW, Talk

YN_ITEMS = {"leg": (0, 1), "night": (0, 1)}
YN_FLOW = """
id: yn
version: 1
kind: questionnaire
instrument: yn
title: nrs.title
provenance: {nl: unvalidated, fr: unvalidated}
steps:
  - id: leg
    text: startback.leg_pain
    answer: {type: yesno}
  - id: night
    text: startback.worry
    answer: {type: yesno}
"""
YN_DESCRIPTOR = """
id: yn
version: 1
label: Yes-no
flow: yn
scorer: tests.unit.test_yesno_instrument:score_yn
max_total: 2
categories: [{id: none}, {id: some}]
"""


def score_yn(answers: Mapping[str, int]) -> InstrumentScore:
    check_answers("yn", answers, YN_ITEMS)
    total = sum(answers.values())
    return InstrumentScore("yn", 1, total, MappingProxyType({}), "some" if total else "none")


def content(tmp_path: Path) -> tuple[dict[str, Flow], Instruments]:
    """The packaged flows and instruments plus `yn` (its result texts are not in the
    catalogs: only the scoring is under test here)."""
    flows_dir = tmp_path / "flows"
    shutil.copytree(PROJECT_ROOT / "flows", flows_dir)
    (flows_dir / "yn.yaml").write_text(YN_FLOW, encoding="utf-8")
    (flows_dir / "instruments" / "yn.yaml").write_text(YN_DESCRIPTOR, encoding="utf-8")
    return load_content(flows_dir, lambda msgid: True)


def test_a_yes_no_questionnaire_finishes_with_its_score(tmp_path: Path, catalogs: Catalogs) -> None:
    flows, instruments = content(tmp_path)
    engine = Engine(flows, catalogs.render, instruments)
    turn = Turn(
        engine,
        State(language="nl", consent="given", consent_version=current_version()),
        Event("text"),
        NOW,
    )
    turn.push("yn")
    turn.advance()
    talk = Talk(engine, catalogs)
    talk.state = turn.result().state
    talk.last = turn.result()
    talk.tap("Ja")
    result = talk.tap("Nee")
    finished = [e for e in result.effects if isinstance(e, RunFinished)]
    assert [(e.status, e.score and e.score["total"]) for e in finished] == [("completed", 1)]
    assert finished[0].score is not None and finished[0].score["category"] == "some"


def test_score_cli_prints_a_new_instrument_as_itself(tmp_path: Path) -> None:
    _, instruments = content(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    code = run(["yn", "leg=1", "night=1", "--json"], io.StringIO(), out, err, instruments)
    assert (code, err.getvalue()) == (0, "")
    assert json.loads(out.getvalue()) == {"instrument": "yn", "total": 2, "category": "some"}
