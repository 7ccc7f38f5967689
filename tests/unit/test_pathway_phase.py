from datetime import date, timedelta

import pytest

from bot.pathway.config import load_config
from bot.pathway.phase import phase_boundaries, phase_on

CONFIG = load_config()
ONSET = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        (0, "hyperacute"),
        (6, "hyperacute"),
        (7, "acute"),  # day 7: first acute day
        (41, "acute"),
        (42, "subacute"),  # 6 weeks
        (83, "subacute"),
        (84, "chronic"),  # 12 weeks
        (400, "chronic"),
    ],
)
def test_phase_at_the_boundaries(day: int, phase: str) -> None:
    assert phase_on(ONSET, ONSET + timedelta(days=day), CONFIG) == phase


def test_phase_before_onset_is_an_error() -> None:
    with pytest.raises(ValueError):
        phase_on(ONSET, ONSET - timedelta(days=1), CONFIG)


def test_boundaries_match_phase_on() -> None:
    boundaries = phase_boundaries(ONSET, CONFIG)
    assert [p for p, _ in boundaries] == ["hyperacute", "acute", "subacute", "chronic"]
    assert [d - ONSET for _, d in boundaries] == [timedelta(days=n) for n in (0, 7, 42, 84)]
    for phase, first_day in boundaries:
        assert phase_on(ONSET, first_day, CONFIG) == phase
