from __future__ import annotations

from bot.reports.key_items import KeyItem, key_items
from tests.instrument_support import INSTRUMENTS
from tests.unit.report_samples import COMI, OREBRO, STARTBACK


def test_startback_agreed_distress_items_and_bothersome() -> None:
    assert key_items(STARTBACK, INSTRUMENTS) == [
        KeyItem("fear", 1, 1),
        KeyItem("worry", 1, 1),
        KeyItem("anhedonia", 1, 1),
        KeyItem("bothersome", 3, 1),
    ]


def test_orebro_high_items_after_reversal() -> None:
    # light_work 2 and sleep 5 are reversed: 8 and 5 points; work_chance 6 -> 4.
    assert key_items(OREBRO, INSTRUMENTS) == [
        KeyItem("pain", 7, 7),
        KeyItem("light_work", 2, 8),
        KeyItem("persist_risk", 8, 8),
        KeyItem("pain_stop", 9, 9),
        KeyItem("normal_work", 8, 8),
    ]


def test_other_instruments_have_no_key_items() -> None:
    assert key_items(COMI, INSTRUMENTS) == []
