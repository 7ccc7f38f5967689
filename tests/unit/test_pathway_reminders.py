from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.pathway.config import PathwayConfig, load_config
from bot.pathway.reminders import reminder_times, snooze_until

CONFIG = load_config()
BRU = ZoneInfo("Europe/Brussels")


def with_reminders(**changes: int) -> PathwayConfig:
    return CONFIG.model_copy(update={"reminders": CONFIG.reminders.model_copy(update=changes)})


def test_snooze_tomorrow_and_next_week() -> None:
    now = datetime(2026, 6, 10, 23, 30, tzinfo=BRU)
    assert snooze_until(now, "tomorrow", time(10), CONFIG) == datetime(2026, 6, 11, 10, tzinfo=BRU)
    assert snooze_until(now, "next_week", time(10), CONFIG) == datetime(2026, 6, 17, 10, tzinfo=BRU)
    result = snooze_until(now, "tomorrow", None, CONFIG)
    assert result == datetime(2026, 6, 11, 10, tzinfo=BRU)  # config default
    assert result.tzinfo is UTC


def test_snooze_across_dst_keeps_the_local_time() -> None:
    now = datetime(2026, 3, 25, 20, tzinfo=BRU)  # CET
    assert snooze_until(now, "next_week", time(10), CONFIG) == datetime(2026, 4, 1, 8, tzinfo=UTC)


def test_snooze_to_a_preferred_time_in_quiet_hours_moves_to_the_morning() -> None:
    now = datetime(2026, 6, 10, 12, tzinfo=BRU)
    assert snooze_until(now, "tomorrow", time(22), CONFIG) == datetime(2026, 6, 12, 9, tzinfo=BRU)


def test_snooze_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        snooze_until(datetime(2026, 6, 10, 12), "tomorrow", time(10), CONFIG)


def test_one_nudge_then_expiry() -> None:
    sent = datetime(2026, 6, 10, 10, tzinfo=BRU)
    times = reminder_times(sent, CONFIG)
    assert times.nudge_at == datetime(2026, 6, 11, 10, tzinfo=BRU)
    assert times.expires_at == datetime(2026, 6, 12, 10, tzinfo=BRU)


def test_nudge_in_quiet_hours_after_spring_forward() -> None:
    sent = datetime(2026, 3, 28, 20, 30, tzinfo=BRU)  # CET; 24 h later is 21:30 CEST
    times = reminder_times(sent, CONFIG)
    assert times.nudge_at == datetime(2026, 3, 30, 9, tzinfo=BRU)
    assert times.expires_at == datetime(2026, 3, 30, 19, 30, tzinfo=UTC)


def test_nudge_dropped_when_not_before_expiry_or_disabled() -> None:
    sent = datetime(2026, 3, 28, 20, 30, tzinfo=BRU)
    assert reminder_times(sent, with_reminders(answer_window_hours=30)).nudge_at is None
    assert reminder_times(sent, with_reminders(max_nudges=0)).nudge_at is None
