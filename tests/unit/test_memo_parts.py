"""The whole memo is typed: every key a conversation writes is a part one feature owns
(`Feature.parts`), written through `Turn.keep` with its schema version; each part reads
the states stored before (as main wrote them on 1 December before the typed memo, and as
the code writes them now) without changing their shape, and has a path for a version bump.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from bot.config import PROJECT_ROOT
from bot.engine import Engine, Event, StepResult
from bot.engine.features import Feature
from bot.engine.features.followup.memo import FollowUpMemo, PendingReminder, SnoozedReminder
from bot.engine.features.triage import RaisedFlag, TriageMemo
from bot.engine.memo import SCHEMA, Mapped, Record, read_part, write_part
from bot.engine.model import VerifiedInvite
from bot.engine.pipeline import PartClaimedTwice, Pipeline
from bot.i18n import Catalogs
from tests.unit.test_engine import NOW, Talk, no_red_flags, onboarded

# --- stored states --------------------------------------------------------------------

#: Each part as main stored it on 1 December before the typed memo (commit 8143238, the
#: last one before this session's changes): the memo `full_conversation` (and, for
#: "intake_advice_given", `plain_intake`) left when run on that commit.
AT = "2026-03-02T09:00:00+00:00"
BEFORE: dict[str, Any] = {
    "clinic.invite": None,
    "clinic.shared": [[3, "De Brug"]],
    "episode": {
        "onset": "2026-02-20",
        "pain_type": "back",
        "recurrent": False,
        "first_contact": AT,
    },
    "scores": {
        "nrs": [
            {"at": AT, "total": 3, "category": None, "recall": "week"},
            {"at": AT, "total": 5, "category": None, "recall": "now"},
            {"at": AT, "total": 4, "category": None, "recall": "week"},
        ],
        "comi": [{"at": AT, "total": 0.0, "category": None}],
    },
    "answers": {
        "nrs.pain": 4,
        "comi.main_problem": 1,
        "comi.back_pain": 0,
        "comi.leg_pain": 0,
        "comi.function": 1,
        "comi.wellbeing": 1,
        "comi.quality_of_life": 1,
        "comi.social_disability": 1,
        "comi.work_disability": 1,
    },
    "triage": {
        "flags": [
            {
                "level": "semi_urgent",
                "cluster": "infection",
                "items": ["inf_fever"],
                "seen": True,
                "ack": True,
            }
        ],
        "raised": ["10:infection:semi_urgent"],
        "hold": False,
        "shown_on": "2026-03-02",
    },
    "flare": None,
    "advice_shown": [["flare_plan", AT], ["pain_not_damage", AT], ["keep_moving", AT]],
    "followup": {"changes": [[AT, "better"]], "pending": [], "time": "18:00", "enabled": True},
    "intake_advice_given": True,
}

#: What the typed models changed in a state stored before: only what the code of
#: 8143238 added itself at its next write ("snoozed" came with the manners work).
ADDED_AT_NEXT_WRITE: dict[str, dict[str, Any]] = {"followup": {"snoozed": []}}

#: An older shape still read: flags stored before 23 November 12:19 had no "items", and
#: no "shown_on" was kept before the first "shown again" work.
OLDEST_TRIAGE = {
    "flags": [{"level": "urgent", "cluster": "cauda_equina", "seen": False, "ack": False}],
    "raised": ["3:cauda_equina:urgent"],
    "hold": True,
}


@pytest.fixture
def parts(engine: Engine) -> dict[str, type[Record | Mapped]]:
    return {key: part for key, (_, part) in engine.pipeline.parts.items()}


def test_every_part_has_a_stored_sample(parts: dict[str, type[Record | Mapped]]) -> None:
    """A new part comes with the shape it is stored in (add it to BEFORE)."""
    assert set(parts) == set(BEFORE)


@pytest.mark.parametrize("key", sorted(BEFORE))
def test_a_state_stored_before_loads_and_keeps_its_shape(
    parts: dict[str, type[Record | Mapped]], key: str
) -> None:
    raw = BEFORE[key]
    stored = {key: raw}  # no "schema": written before versions were recorded
    value = read_part(stored, parts[key])
    if raw is None:  # a part forgotten (flare given, invitation completed)
        assert value is None
        return
    assert value is not None
    again = write_part(stored, value)
    added = ADDED_AT_NEXT_WRITE.get(key)
    assert again[key] == (raw if added is None else {**raw, **added})
    assert again[SCHEMA] == {key: parts[key].VERSION}


def test_the_triage_part_reads_as_typed_values() -> None:
    memo = read_part({"triage": BEFORE["triage"]}, TriageMemo)
    assert memo is not None
    assert memo.flags == (
        RaisedFlag(
            level="semi_urgent",
            cluster="infection",
            items=("inf_fever",),
            seen=True,
            ack=True,
        ),
    )
    assert str(memo.shown_on) == "2026-03-02" and not memo.hold
    assert not memo.escalation_open()
    oldest = read_part({"triage": OLDEST_TRIAGE}, TriageMemo)
    assert oldest is not None and oldest.hold and oldest.escalation_open()
    assert oldest.flags[0].items == () and oldest.shown_on is None
    assert "shown_on" not in write_part({}, oldest)["triage"]


def test_the_followup_part_reads_as_typed_values() -> None:
    now = {
        **BEFORE["followup"],
        "pending": [{"id": 6, "kind": "checkin", "flows": ["redflags", "nrs"], "run_from": 12}],
        "snoozed": [
            {"id": 5, "kind": "checkin", "day": "2026-03-03", "until": "2026-03-03T17:00:00+00:00"}
        ],
        "planned": [["checkin", "2026-03-09T17:00:00+00:00"]],
    }
    memo = read_part({"followup": now}, FollowUpMemo)
    assert memo is not None
    assert memo.pending == (
        PendingReminder(id=6, kind="checkin", flows=("redflags", "nrs"), run_from=12),
    )
    (snoozed,) = memo.snoozed
    assert isinstance(snoozed, SnoozedReminder) and snoozed.until.hour == 17
    assert memo.changes[0][0] == NOW and memo.changes[0][1] == "better"
    assert memo.planned is not None and memo.planned[0][1].day == 9
    assert write_part({}, memo)["followup"] == now
    before = read_part({"followup": BEFORE["followup"]}, FollowUpMemo)
    assert before is not None and before.planned is None and before.snoozed == ()
    assert "planned" not in write_part({}, before)["followup"]
    assert read_part({}, FollowUpMemo) is None  # the feature reads the defaults then
    assert FollowUpMemo().enabled and FollowUpMemo().time is None


@pytest.mark.parametrize("key", sorted(k for k, v in BEFORE.items() if v is not None))
def test_a_version_bump_upgrades_the_stored_part(
    parts: dict[str, type[Record | Mapped]], key: str
) -> None:
    """The migration path of every part: the next version reads today's stored state
    through `upgrade(raw, 1)` and saves it as the new version; a newer one is refused."""
    current = parts[key]
    seen: list[tuple[Any, int]] = []

    def upgrade(cls: type, raw: Any, version: int) -> Any:
        seen.append((raw, version))
        return raw

    bumped = type(
        f"{current.__name__}Next",
        (current,),
        {"VERSION": current.VERSION + 1, "upgrade": classmethod(upgrade), "__module__": __name__},
    )
    stored = {key: BEFORE[key]}
    value = read_part(stored, bumped)
    assert seen == [(BEFORE[key], current.VERSION)]
    assert value is not None
    assert write_part(stored, value)[SCHEMA] == {key: current.VERSION + 1}
    with pytest.raises(ValueError, match="newer than this code"):
        read_part({**stored, SCHEMA: {key: current.VERSION + 1}}, current)


def test_a_key_has_one_owner() -> None:
    class One(Feature):
        name = "one"
        parts = (TriageMemo,)

    class Two(Feature):
        name = "two"
        parts = (TriageMemo,)

    with pytest.raises(PartClaimedTwice, match="'triage': one and two"):
        Pipeline([One(), Two()])


# --- a full conversation writes only typed parts --------------------------------------


def tap_any(talk: Talk, label: str) -> StepResult:
    """Tap a button on any message of the last step (an escalation comes first)."""
    assert talk.last is not None
    lang = talk.state.language or "nl"
    data = next(
        b.data
        for reply in talk.last.replies
        for row in reply.buttons
        for b in row
        if talk.catalogs.render(lang, b.label) == label
    )
    return talk.send(Event("choice", text=data))


def full_conversation(engine: Engine, catalogs: Catalogs) -> Talk:
    """An invitation (sharing, red flags, episode, NRS, COMI), a fever (escalation, read,
    seen by a doctor), /flare, a check-in snoozed, a new time of day, a check-in answered,
    reminders off and on again."""

    def nl(key: str) -> str:
        return catalogs.message("nl", key)

    talk = Talk(engine, catalogs)
    talk.send(Event("start", invite=VerifiedInvite(7, 3, ("nrs",), "De Brug"), language_hint="nl"))
    talk.tap("Ja, ik ga akkoord")
    talk.tap(nl("clinic.sharing_yes"))
    no_red_flags(talk)
    talk.tap(nl("episode.onset_1_2_weeks"))
    talk.tap(nl("episode.pain_type_back"))
    talk.tap(nl("answer.no"))
    talk.tap("3")
    while "clinic.question_offer" not in talk.msgids():
        talk.tap(next(label for label, _ in talk.buttons()))  # the COMI baseline, the offer
    talk.tap(nl("clinic.question_skip"))
    talk.type("ik heb koorts")
    talk.tap("Ja")  # the infection screen
    talk.tap("Ja")  # fever or chills: the 48 h message
    assert talk.msgids()[0] == "escalation.semi_urgent"
    tap_any(talk, nl("escalation.ack_button"))
    no_red_flags(talk)
    talk.command("seen")
    talk.command("flare")
    no_red_flags(talk)
    talk.tap("5")
    talk.send(Event("reminder", text="checkin", arg="5"))
    tap_any(talk, nl("reminder.snooze_tomorrow"))
    talk.command("reminders")
    talk.tap("18:00")
    talk.send(Event("reminder", text="checkin", arg="6"))
    no_red_flags(talk)
    talk.tap("4")
    talk.tap(nl("checkin.better"))
    talk.command("stop")
    talk.command("restart")
    return talk


def plain_intake(engine: Engine, catalogs: Catalogs) -> Talk:
    """The intake without an invitation: the NRS, the COMI baseline, the intake's advice."""
    talk = onboarded(engine, catalogs)
    talk.type("5")
    while talk.state.top is not None:
        talk.tap(next(label for label, _ in talk.buttons()))
    return talk


def test_a_full_conversation_writes_only_owned_parts_with_their_version(
    engine: Engine, catalogs: Catalogs, parts: dict[str, type[Record | Mapped]]
) -> None:
    memo = full_conversation(engine, catalogs).state.memo
    intake = plain_intake(engine, catalogs).state.memo
    written = set(memo) - {SCHEMA}
    assert written <= set(parts) and set(intake) - {SCHEMA} <= set(parts)  # no raw key
    assert written | set(intake) - {SCHEMA} == set(parts)  # every part is written
    for stored in (memo, intake):
        assert stored[SCHEMA] == {key: parts[key].VERSION for key in set(stored) - {SCHEMA}}
        for key in set(stored) - {SCHEMA}:
            value = read_part(stored, parts[key])
            if value is not None:  # read and written again: the stored shape is kept
                assert write_part({}, value)[key] == stored[key]
    triage = read_part(memo, TriageMemo)
    followup = read_part(memo, FollowUpMemo)
    assert triage is not None and [(f.ack, f.seen) for f in triage.flags] == [(True, True)]
    assert followup is not None and followup.time == "18:00" and followup.enabled
    assert [c for _, c in followup.changes] == ["better"] and followup.planned


#: The engine's memory is reached only through bot/engine/memo.py and Turn.part / keep /
#: forget; these modules hold State.memo itself (the model, its JSON, the typed API).
MEMO_HOLDERS = {
    "bot/engine/memo.py",
    "bot/engine/turn.py",
    "bot/engine/model.py",
    "bot/engine/serial.py",
}


def raw_memo_uses(source: str) -> list[int]:
    """Lines that reach `<something>.memo` or pass `memo=` (a State built by hand)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if (isinstance(node, ast.Attribute) and node.attr in ("memo", "remember"))
        or (isinstance(node, ast.keyword) and node.arg == "memo")
    ]


def test_no_code_touches_the_memo_outside_the_typed_api() -> None:
    """A feature (or anything else in bot/) reading or writing `state.memo` by a string
    key would bypass the parts' owners, models and versions."""
    found = [
        f"{name}:{line}"
        for path in sorted(Path(PROJECT_ROOT, "bot").rglob("*.py"))
        if (name := path.relative_to(PROJECT_ROOT).as_posix()) not in MEMO_HOLDERS
        for line in raw_memo_uses(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    assert raw_memo_uses("turn.state.memo.get('triage')") == [1]  # the check sees one
    assert raw_memo_uses("replace(state, memo={})") == [1]
