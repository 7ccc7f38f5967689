from datetime import UTC, datetime, timedelta

import pytest

from bot.pathway.progress import TrendSummary, assess_progress, trend_summary

T0 = datetime(2026, 3, 3, 9, tzinfo=UTC)


def series(*values: float) -> list[tuple[datetime, float]]:
    return [(T0 + timedelta(weeks=2 * i), v) for i, v in enumerate(values)]


def test_trend_needs_two_points() -> None:
    assert trend_summary([]) is None
    assert trend_summary(series(7)) is None


def test_trend_from_first_to_last_in_time_order() -> None:
    points = series(7, 8, 5, 4)
    summary = trend_summary(list(reversed(points)))
    assert summary == TrendSummary(
        first_value=7,
        first_at=T0,
        last_value=4,
        last_at=points[-1][0],
        change=-3,
        direction="better",
    )


@pytest.mark.parametrize(
    ("values", "direction"),
    [
        ((7, 5), "better"),
        ((7, 5.5), "same"),
        ((4, 4), "same"),
        ((4, 5.5), "same"),
        ((4, 6), "worse"),
    ],
)
def test_direction_uses_a_meaningful_change_of_two_points(
    values: tuple[float, float], direction: str
) -> None:
    summary = trend_summary(series(*values))
    assert summary is not None
    assert summary.direction == direction


@pytest.mark.parametrize(
    ("nrs", "answers", "expected"),
    [
        ((), (), "unknown"),
        ((6,), (), "unknown"),
        ((7, 6), (), "not_improving"),  # fell by less than 2
        ((7, 8), (), "not_improving"),
        ((7, 4), ("worse",), "not_improving"),  # the patient's own answer counts too
        ((7, 4), ("same",), "not_improving"),
        ((), ("same",), "not_improving"),
        ((9, 6), ("better",), "improving"),  # better, but the pain is not mild yet
        ((), ("better",), "improving"),
        ((7, 3), (), "clearly_better"),
        ((7, 2), ("same", "better"), "clearly_better"),  # the latest answer counts
    ],
)
def test_assess_progress(nrs: tuple[float, ...], answers: tuple[str, ...], expected: str) -> None:
    dated = [(T0 + timedelta(days=i), a) for i, a in enumerate(answers)]
    assert assess_progress(series(*nrs), dated) == expected  # type: ignore[arg-type]
