"""The onset buttons of the episode question cover every day since the onset, and each
button's stored day lies in the band its label names (nl and fr)."""

from __future__ import annotations

import re

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.engine.model import Text
from bot.i18n import Catalogs

UNIT_DAYS = {"dagen": 1, "jours": 1, "weken": 7, "semaines": 7}
HORIZON = 400  # days checked


def band(label: str) -> tuple[int, int]:
    """The days a label covers: "2 tot 6 weken" = 14..41, "meer dan 12 weken" = 84.."""
    text = label.casefold()
    if text in ("vandaag", "aujourd'hui"):
        return 0, 0
    if m := re.search(r"(\d+) (?:tot|à) (\d+) (\w+)", text):
        unit = UNIT_DAYS[m.group(3)]
        first, last = int(m.group(1)) * unit, int(m.group(2)) * unit
        return first, last if unit == 1 else last - 1
    if m := re.search(r"(?:meer dan|plus de) (\d+) (\w+)", text):
        return int(m.group(1)) * UNIT_DAYS[m.group(2)], HORIZON
    raise AssertionError(f"cannot read the band of {label!r}")


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_onset_bands_cover_every_day(catalogs: Catalogs, language: str) -> None:
    flow = yaml.safe_load((PROJECT_ROOT / "flows" / "episode.yaml").read_text(encoding="utf-8"))
    onset = next(s for s in flow["steps"] if s["id"] == "onset")
    bands = []
    for option in onset["answer"]["options"]:
        first, last = band(catalogs.render(language, Text(option["label"])))
        assert first <= option["value"] <= last, option  # the stored day is in its band
        bands.append((first, last))
    covered = sorted(day for first, last in bands for day in range(first, last + 1))
    assert covered == list(range(HORIZON + 1))  # every day exactly once
