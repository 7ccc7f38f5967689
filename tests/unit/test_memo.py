"""Typed memo parts (bot/engine/memo.py): stored in the shape the memo always had, with a
schema version, and stored states of an older version are upgraded when read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

import pytest

from bot.engine import Engine
from bot.engine.features.followup.memo import EpisodeMemo
from bot.engine.features.questionnaires import ScoreEntry, ScoreHistory
from bot.engine.features.triage import FlarePending
from bot.engine.memo import SCHEMA, Record, read_part, write_part
from bot.i18n import Catalogs
from tests.unit.test_engine import onboarded

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_parts_keep_the_stored_shape_and_record_their_version() -> None:
    episode = EpisodeMemo(
        onset=date(2026, 2, 20), pain_type="back", recurrent=False, first_contact=AT
    )
    scores = ScoreHistory({"nrs": (ScoreEntry(at=AT, total=6, category=None, recall="week"),)})
    memo = write_part(write_part({}, episode), scores)
    assert memo == {
        "episode": {
            "onset": "2026-02-20",
            "pain_type": "back",
            "recurrent": False,
            "first_contact": "2026-03-02T09:00:00+00:00",
        },
        "scores": {
            "nrs": [
                {
                    "at": "2026-03-02T09:00:00+00:00",
                    "total": 6.0,
                    "category": None,
                    "recall": "week",
                }
            ]
        },
        SCHEMA: {"episode": 1, "scores": 1},
    }
    assert read_part(memo, EpisodeMemo) == episode and read_part(memo, ScoreHistory) == scores
    assert read_part(memo, FlarePending) is None


def test_a_state_stored_before_versions_reads_as_version_one() -> None:
    old = {
        "scores": {
            "startback": [{"at": "2026-03-02T09:00:00+00:00", "total": 5, "category": "high"}]
        }
    }
    history = read_part(old, ScoreHistory)
    assert history is not None
    (entry,) = history.root["startback"]
    assert (entry.at, entry.total, entry.category, entry.recall) == (AT, 5.0, "high", None)


class Plan(Record):
    """A part whose shape changed: version 1 stored `when`, version 2 stores `due`."""

    KEY: ClassVar[str] = "plan"
    VERSION: ClassVar[int] = 2
    due: str

    @classmethod
    def upgrade(cls, raw: Any, version: int) -> Any:
        return {"due": raw["when"]} if version == 1 else raw


def test_an_older_version_is_upgraded_when_read_and_saved_new() -> None:
    stored = {"plan": {"when": "monday"}}  # version 1, from before the change
    plan = read_part(stored, Plan)
    assert plan == Plan(due="monday")
    assert write_part(stored, plan) == {"plan": {"due": "monday"}, SCHEMA: {"plan": 2}}
    with pytest.raises(ValueError, match="newer than this code"):
        read_part({"plan": {"due": "x"}, SCHEMA: {"plan": 3}}, Plan)


def test_the_conversation_keeps_typed_parts(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs)
    talk.type("6")  # the intake's pain rating
    scores = read_part(talk.state.memo, ScoreHistory)
    assert scores is not None and [e.total for e in scores.root["nrs"]] == [6.0]
    assert talk.state.memo[SCHEMA]["scores"] == 1
    talk.command("flare")
    assert read_part(talk.state.memo, FlarePending) == FlarePending(True)
