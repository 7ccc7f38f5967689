from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.pathway.quiet_hours import in_quiet_hours, local_to_utc, next_allowed

BRU = ZoneInfo("Europe/Brussels")
START, END = time(21), time(9)


def allowed(due: datetime, preferred: time | None = None) -> datetime:
    return next_allowed(due, START, END, BRU, preferred)


@pytest.mark.parametrize(
    ("t", "quiet"),
    [
        (time(20, 59), False),
        (time(21), True),
        (time(0), True),
        (time(8, 59), True),
        (time(9), False),
    ],
)
def test_quiet_hours_wrap_midnight(t: time, quiet: bool) -> None:
    assert in_quiet_hours(t, START, END) is quiet


def test_quiet_hours_within_a_day() -> None:
    assert in_quiet_hours(time(13, 30), time(13), time(14))
    assert not in_quiet_hours(time(14), time(13), time(14))
    assert not in_quiet_hours(time(22), time(13), time(14))


def test_outside_quiet_hours_nothing_moves() -> None:
    due = datetime(2026, 6, 10, 20, 0, tzinfo=BRU)
    assert allowed(due) == due
    assert allowed(due).tzinfo is UTC


def test_evening_moves_to_next_morning() -> None:
    due = datetime(2026, 6, 10, 22, 30, tzinfo=BRU)
    assert allowed(due) == datetime(2026, 6, 11, 9, tzinfo=BRU)
    assert allowed(due, time(10)) == datetime(2026, 6, 11, 10, tzinfo=BRU)
    # A preferred time inside the quiet hours is ignored.
    assert allowed(due, time(8)) == datetime(2026, 6, 11, 9, tzinfo=BRU)
    assert allowed(datetime(2026, 6, 10, 21, tzinfo=BRU)) == datetime(2026, 6, 11, 9, tzinfo=BRU)


def test_after_midnight_moves_to_the_same_morning() -> None:
    due = datetime(2026, 6, 11, 3, 0, tzinfo=BRU)
    assert allowed(due) == datetime(2026, 6, 11, 9, tzinfo=BRU)


def test_spring_forward_in_brussels() -> None:
    # Saturday 22:30 CET; the clocks go 02:00 -> 03:00 on Sunday 2026-03-29.
    due = datetime(2026, 3, 28, 21, 30, tzinfo=UTC)
    assert allowed(due) == datetime(2026, 3, 29, 7, tzinfo=UTC)  # 09:00 CEST, not 08:00 UTC
    in_the_night = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET
    assert allowed(in_the_night) == datetime(2026, 3, 29, 7, tzinfo=UTC)


def test_fall_back_in_brussels() -> None:
    # Saturday 23:00 CEST; the clocks go 03:00 -> 02:00 on Sunday 2026-10-25.
    due = datetime(2026, 10, 24, 21, 0, tzinfo=UTC)
    assert allowed(due) == datetime(2026, 10, 25, 8, tzinfo=UTC)  # 09:00 CET
    # 02:30 happens twice (00:30 UTC in CEST and 01:30 UTC in CET): both move to 09:00 CET.
    for utc_hour in (0, 1):
        repeated = datetime(2026, 10, 25, utc_hour, 30, tzinfo=UTC)
        assert repeated.astimezone(BRU).time() == time(2, 30)
        assert allowed(repeated) == datetime(2026, 10, 25, 8, tzinfo=UTC)


def test_local_to_utc_nonexistent_time_moves_forward() -> None:
    # 02:30 does not exist on 2026-03-29 in Brussels: it becomes 03:30 CEST.
    result = local_to_utc(date(2026, 3, 29), time(2, 30), BRU)
    assert result == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert result.astimezone(BRU).time() == time(3, 30)


def test_local_to_utc_ambiguous_time_takes_the_first_occurrence() -> None:
    result = local_to_utc(date(2026, 10, 25), time(2, 30), BRU)
    assert result == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    # A fold=1 in the input is ignored: the choice is deliberate, not inherited.
    assert local_to_utc(date(2026, 10, 25), time(2, 30, fold=1), BRU) == result


def test_naive_due_is_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        allowed(datetime(2026, 6, 10, 22, 30))
