"""Advice selection: which items fit which patient, ordering, repetition, red flags."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest

from bot.advice.selection import AdviceItem, PatientProfile, load_library, select_advice

LIBRARY = load_library()
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def ids(
    profile: PatientProfile,
    trigger: str,
    limit: int = 3,
    shown: list[tuple[str, datetime]] | None = None,
) -> list[str]:
    chosen = select_advice(LIBRARY, profile, trigger, shown or [], NOW, WEEK, limit=limit)
    return [item.id for item in chosen]


def profile(
    phase: str | None = "acute",
    pain_type: str | None = "back",
    risk: str | None = None,
    answers: Mapping[str, int] | None = None,
    red_flag_open: bool = False,
) -> PatientProfile:
    return PatientProfile(phase, pain_type, risk, answers or {}, red_flag_open)


def test_onboarding_of_an_acute_back_pain() -> None:
    assert ids(profile(), "onboarding") == ["first_days", "pain_not_damage", "keep_moving"]


def test_onboarding_of_radicular_pain_includes_the_leg_pain_advice() -> None:
    assert ids(profile(phase="hyperacute", pain_type="radicular"), "onboarding") == [
        "first_days",
        "radicular_leg_pain",
        "pain_not_damage",
    ]


def test_unknown_phase_and_pain_type_get_only_unrestricted_items() -> None:
    chosen = ids(profile(phase=None, pain_type=None), "onboarding", limit=50)
    assert "first_days" not in chosen
    assert "radicular_leg_pain" not in chosen
    assert chosen[:2] == ["pain_not_damage", "keep_moving"]


def test_tailored_items_come_first_then_risk_group() -> None:
    answers = {"startback.fear": 1, "startback.catastrophising": 1}
    assert ids(profile(risk="high", answers=answers), "result", limit=4) == [
        "fear_movement_safe",
        "worry_improves",
        "high_risk_multimodal",
        "pain_not_damage",
    ]


def test_disagreeing_answers_do_not_tailor() -> None:
    answers = {"startback.fear": 0, "startback.catastrophising": 0}
    chosen = ids(profile(answers=answers), "result", limit=50)
    assert "fear_movement_safe" not in chosen
    assert "worry_improves" not in chosen


@pytest.mark.parametrize(
    ("risk", "expected"),
    [
        ("high", "high_risk_multimodal"),
        ("medium", "medium_risk_exercise"),
        ("low", "pain_not_damage"),  # low risk: self-management only
    ],
)
def test_risk_group_items(risk: str, expected: str) -> None:
    assert ids(profile(risk=risk), "result", limit=1) == [expected]


def test_unknown_risk_gets_no_risk_group_item() -> None:
    chosen = ids(profile(risk=None), "result", limit=50)
    assert {"high_risk_multimodal", "medium_risk_exercise"}.isdisjoint(chosen)


@pytest.mark.parametrize(
    ("answers", "fits"),
    [
        ({"orebro.normal_work": 7}, True),
        ({"orebro.work_chance": 3}, True),
        ({"orebro.normal_work": 6, "orebro.work_chance": 4}, False),
        ({}, False),
    ],
)
def test_orebro_work_worries_get_work_advice(answers: dict[str, int], fits: bool) -> None:
    chosen = ids(profile(answers=answers), "checkin", limit=1)
    assert (chosen == ["work_stay_or_return"]) is fits


@pytest.mark.parametrize(("sleep", "fits"), [(0, True), (4, True), (5, False)])
def test_poor_sleep_gets_sleep_tips(sleep: int, fits: bool) -> None:
    chosen = ids(profile(answers={"orebro.sleep": sleep}), "checkin", limit=1)
    assert (chosen == ["sleep_tips"]) is fits


@pytest.mark.parametrize(("position", "fits"), [(1, False), (2, True), (5, True)])
def test_comi_work_days_lost_get_work_advice(position: int, fits: bool) -> None:
    chosen = ids(profile(answers={"comi.work_disability": position}), "result", limit=1)
    assert (chosen == ["work_days_lost"]) is fits


def test_flare() -> None:
    assert ids(profile(), "flare", limit=5) == [
        "flare_plan",
        "pain_not_damage",
        "keep_moving",
        "when_to_see_doctor",
        "medication",
    ]


def test_not_improving_only_from_the_subacute_phase() -> None:
    assert "not_improving" in ids(profile(phase="subacute"), "checkin")
    assert "not_improving" in ids(profile(phase="chronic"), "checkin")
    assert "not_improving" not in ids(profile(phase="acute"), "checkin", limit=50)


def test_every_trigger_has_advice() -> None:
    for trigger in ("onboarding", "result", "checkin", "advice_command", "flare"):
        assert ids(profile(phase=None, pain_type=None), trigger)


def test_no_repetition_within_the_window() -> None:
    shown = [("first_days", NOW - timedelta(days=3)), ("pain_not_damage", NOW - timedelta(days=6))]
    assert ids(profile(), "onboarding", shown=shown) == [
        "keep_moving",
        "strong_back",
        "normal_activities",
    ]


def test_repetition_allowed_after_the_window() -> None:
    shown = [("first_days", NOW - WEEK), ("pain_not_damage", NOW - timedelta(days=30))]
    assert ids(profile(), "onboarding", limit=2, shown=shown) == ["first_days", "pain_not_damage"]


def test_repeat_window_is_configurable() -> None:
    shown = [("first_days", NOW - timedelta(days=3))]
    chosen = select_advice(LIBRARY, profile(), "onboarding", shown, NOW, timedelta(days=2))
    assert [item.id for item in chosen] == ["first_days"]
    chosen = select_advice(LIBRARY, profile(), "onboarding", shown, NOW, timedelta(days=4))
    assert [item.id for item in chosen] == ["pain_not_damage"]


def test_everything_shown_returns_nothing() -> None:
    shown = [(item.id, NOW) for item in LIBRARY]
    assert ids(profile(), "advice_command", shown=shown) == []


def test_advice_is_withheld_while_a_red_flag_is_open() -> None:
    assert ids(profile(red_flag_open=True, risk="high"), "advice_command", limit=50) == []
    assert ids(profile(red_flag_open=True), "flare") == []


def test_ties_are_broken_by_id() -> None:
    def item(item_id: str, priority: int) -> AdviceItem:
        return AdviceItem(item_id, 1, ("flare",), frozenset({"flare"}), priority)

    library = [item("b", 5), item("a", 5), item("c", 9)]
    chosen = select_advice(library, profile(), "flare", [], NOW, WEEK, limit=3)
    assert [entry.id for entry in chosen] == ["c", "a", "b"]


def test_limit() -> None:
    assert ids(profile(), "onboarding", limit=0) == []
    assert len(ids(profile(), "advice_command", limit=100)) > 10
    with pytest.raises(ValueError, match="limit"):
        ids(profile(), "onboarding", limit=-1)


def test_unknown_trigger_is_rejected() -> None:
    with pytest.raises(ValueError, match="trigger"):
        ids(profile(), "hello")


def test_profile_rejects_unknown_values() -> None:
    with pytest.raises(ValueError, match="phase"):
        PatientProfile(phase="early")
    with pytest.raises(ValueError, match="pain_type"):
        PatientProfile(pain_type="neck")
    with pytest.raises(ValueError, match="risk"):
        PatientProfile(risk="huge")


# --- issue #16: what is said when ----------------------------------------------


def test_imaging_tip_is_for_back_pain_only() -> None:
    assert "imaging" in ids(profile(pain_type="back"), "advice_command", limit=50)
    # radicular pain: imaging may guide an epidural or surgery
    assert "imaging" not in ids(profile(pain_type="radicular"), "advice_command", limit=50)


@pytest.mark.parametrize("phase", ["hyperacute", "acute", "subacute"])
def test_recovery_outlook_before_the_chronic_phase(phase: str) -> None:
    assert "recovery_outlook" in ids(profile(phase=phase), "advice_command", limit=50)


def test_no_better_within_a_few_weeks_in_the_chronic_phase() -> None:
    assert "recovery_outlook" not in ids(profile(phase="chronic"), "advice_command", limit=50)


def test_reassurance_about_damage_waits_while_any_flag_awaits_a_doctor() -> None:
    noted = PatientProfile("acute", "back", None, {}, red_flag_open=False, flag_unseen=True)
    chosen = ids(noted, "onboarding", limit=50)
    assert chosen  # other advice still comes
    for held in ("pain_not_damage", "first_days", "fear_movement_safe"):
        assert held not in chosen
    assert "pain_not_damage" in ids(profile(), "onboarding", limit=50)
