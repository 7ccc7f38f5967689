from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bot.pathway.config import load_config
from bot.pathway.schedule import PlannedMoment, plan_episode

CONFIG = load_config()
BRU = ZoneInfo("Europe/Brussels")
ONSET = date(2026, 3, 2)


def local(y: int, m: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=BRU)


def of_kind(plan: list[PlannedMoment], kind: str) -> list[datetime]:
    return [m.due for m in plan if m.kind == kind]


def test_low_back_pain_plan() -> None:
    first_contact = local(2026, 3, 4, 14)
    plan = plan_episode(ONSET, first_contact, "back", False, CONFIG, time(10))

    assert all(m.due.tzinfo is UTC for m in plan)
    assert [m.due for m in plan] == sorted(m.due for m in plan)
    assert of_kind(plan, "risk_questionnaire") == [local(2026, 3, 16, 10)]  # onset + 14 d
    checkins = of_kind(plan, "checkin")
    assert checkins[:3] == [local(2026, 3, 18, 10), local(2026, 4, 8, 10), local(2026, 4, 29, 10)]
    assert all(c.astimezone(BRU).time() == time(10) for c in checkins)
    local_days = [c.astimezone(BRU).date() for c in checkins]
    assert {(b - a).days for a, b in pairwise(local_days)} == {21}
    assert of_kind(plan, "comi") == [
        first_contact,  # baseline, at once
        local(2026, 4, 15, 10),  # 6 weeks
        local(2026, 5, 27, 10),  # 12 weeks
        local(2026, 8, 26, 10),  # then every 13 weeks
    ]
    assert of_kind(plan, "review_multimodal") == [local(2026, 3, 30, 10)]  # onset + 4 weeks
    assert of_kind(plan, "review_chronic") == [local(2026, 5, 25, 10)]  # onset + 12 weeks
    assert of_kind(plan, "review_specialist") == []
    horizon = first_contact + timedelta(weeks=26)
    assert all(m.due < horizon for m in plan)


def test_preferred_time_survives_the_dst_change() -> None:
    plan = plan_episode(ONSET, local(2026, 3, 4, 14), "back", False, CONFIG, time(10))
    review = of_kind(plan, "review_multimodal")[0]
    risk = of_kind(plan, "risk_questionnaire")[0]
    assert risk == datetime(2026, 3, 16, 9, tzinfo=UTC)  # CET, UTC+1
    assert review == datetime(2026, 3, 30, 8, tzinfo=UTC)  # CEST, UTC+2

    autumn = plan_episode(date(2026, 9, 28), local(2026, 10, 1, 12), "back", False, CONFIG)
    checkins = of_kind(autumn, "checkin")[:2]
    assert checkins == [
        datetime(2026, 10, 15, 8, tzinfo=UTC),  # 10:00 CEST
        datetime(2026, 11, 5, 9, tzinfo=UTC),  # 10:00 CET
    ]


def test_radicular_plan() -> None:
    plan = plan_episode(ONSET, local(2026, 3, 4, 14), "radicular", False, CONFIG, time(10))
    assert of_kind(plan, "risk_questionnaire") == [local(2026, 3, 9, 10)]  # onset + 7 d
    assert of_kind(plan, "checkin")[:3] == [
        local(2026, 3, 11, 10),  # first contact + 7 d
        local(2026, 3, 21, 10),  # then every 10 days
        local(2026, 3, 31, 10),
    ]
    assert of_kind(plan, "review_specialist") == [local(2026, 4, 13, 10)]  # onset + 6 weeks
    assert of_kind(plan, "review_chronic") == [local(2026, 5, 25, 10)]
    assert of_kind(plan, "review_multimodal") == []


def test_recurrent_pain_gets_the_risk_questionnaire_at_once() -> None:
    first_contact = local(2026, 3, 5, 15, 20)
    plan = plan_episode(ONSET, first_contact, "back", True, CONFIG, time(10))
    assert of_kind(plan, "risk_questionnaire") == [first_contact]


def test_late_first_contact_gets_the_risk_questionnaire_at_once() -> None:
    onset = date(2026, 2, 2)  # four weeks before the first contact
    first_contact = local(2026, 3, 2, 11, 30)
    plan = plan_episode(onset, first_contact, "back", False, CONFIG, time(10))
    assert of_kind(plan, "risk_questionnaire") == [first_contact]
    # Onset + 4 weeks is today: the review waits until there is something to compare.
    assert of_kind(plan, "review_multimodal") == [local(2026, 3, 16, 10)]
    assert of_kind(plan, "review_chronic") == [local(2026, 4, 27, 10)]


@pytest.mark.parametrize("days_ago", [14, 15])
def test_risk_questionnaire_at_once_from_two_weeks_after_onset(days_ago: int) -> None:
    first_contact = local(2026, 3, 20, 15)
    onset = date(2026, 3, 20) - timedelta(days=days_ago)
    plan = plan_episode(onset, first_contact, "back", False, CONFIG, time(10))
    assert of_kind(plan, "risk_questionnaire") == [first_contact]


def test_first_contact_on_day_0_never_asks_risk_in_the_first_48_hours() -> None:
    first_contact = local(2026, 3, 2, 11)
    plain = plan_episode(ONSET, first_contact, "back", False, CONFIG, time(10))
    assert of_kind(plain, "risk_questionnaire") == [local(2026, 3, 16, 10)]
    # radicular: a week after onset, and never within 48 h of the end of the onset day
    early = plan_episode(ONSET, first_contact, "radicular", False, CONFIG, time(10))
    (risk,) = of_kind(early, "risk_questionnaire")
    assert risk == local(2026, 3, 9, 10) >= local(2026, 3, 3, 0) + timedelta(hours=48)


def test_recurrent_pain_is_assessed_at_once_even_on_day_0() -> None:
    """Seed 001 l.651: recurrent pain -> assess the risk at once, not after 48 h."""
    first_contact = local(2026, 3, 2, 11)
    recurrent = plan_episode(ONSET, first_contact, "back", True, CONFIG, time(10))
    assert of_kind(recurrent, "risk_questionnaire") == [first_contact]


def test_back_pain_has_a_subacute_review_in_weeks_6_to_11() -> None:
    plan = plan_episode(ONSET, local(2026, 3, 4, 14), "back", False, CONFIG, time(10))
    (review,) = of_kind(plan, "review_subacute")
    assert review == local(2026, 4, 20, 10)  # onset + 7 weeks
    assert 42 <= (review.astimezone(BRU).date() - ONSET).days < 84
    assert of_kind(plan, "review_severe_pain") == []


def test_radicular_pain_has_a_severe_pain_review_in_week_1_to_2() -> None:
    plan = plan_episode(ONSET, local(2026, 3, 3, 14), "radicular", False, CONFIG, time(10))
    # onset + 10 days, the day after the first check-in (first contact + 7 days)
    assert of_kind(plan, "checkin")[0] == local(2026, 3, 10, 10)
    assert of_kind(plan, "review_severe_pain") == [local(2026, 3, 12, 10)]
    late = plan_episode(ONSET, local(2026, 3, 9, 14), "radicular", False, CONFIG, time(10))
    assert of_kind(late, "review_severe_pain") == [local(2026, 3, 17, 10)]  # contact + 8 d
    assert of_kind(plan, "review_subacute") == []


def test_at_once_moments_leave_quiet_hours() -> None:
    first_contact = local(2026, 3, 20, 23, 30)
    plan = plan_episode(date(2026, 2, 20), first_contact, "back", False, CONFIG, time(10))
    assert of_kind(plan, "risk_questionnaire") == [local(2026, 3, 21, 10)]
    assert of_kind(plan, "comi")[0] == local(2026, 3, 21, 10)


def test_very_late_first_contact_keeps_only_the_chronic_review() -> None:
    first_contact = local(2026, 5, 18, 12)
    onset = date(2026, 5, 18) - timedelta(weeks=11)
    plan = plan_episode(onset, first_contact, "back", False, CONFIG, time(10))
    assert of_kind(plan, "review_multimodal") == []
    assert of_kind(plan, "review_chronic") == [local(2026, 6, 1, 10)]


def test_preferred_time_is_used_and_defaults_to_the_config() -> None:
    evening = plan_episode(ONSET, local(2026, 3, 4, 14), "back", False, CONFIG, time(18, 30))
    assert of_kind(evening, "checkin")[0] == local(2026, 3, 18, 18, 30)
    default = plan_episode(ONSET, local(2026, 3, 4, 14), "back", False, CONFIG)
    assert of_kind(default, "checkin")[0] == local(2026, 3, 18, 10)


def test_horizon_limits_the_plan() -> None:
    plan = plan_episode(ONSET, local(2026, 3, 4, 14), "back", False, CONFIG, horizon_weeks=4)
    assert max(m.due for m in plan) < local(2026, 4, 1, 14)
    assert of_kind(plan, "comi") == [local(2026, 3, 4, 14)]


def test_invalid_input() -> None:
    with pytest.raises(ValueError, match="aware"):
        plan_episode(ONSET, datetime(2026, 3, 4, 14), "back", False, CONFIG)
    with pytest.raises(ValueError, match="onset"):
        plan_episode(date(2026, 3, 5), local(2026, 3, 4, 14), "back", False, CONFIG)
