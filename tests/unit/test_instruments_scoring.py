"""Hand-computed examples, boundaries and errors for the instrument scorers."""

from __future__ import annotations

import pytest

from bot.instruments import ScoringError, comi, nrs, orebro, startback
from bot.instruments.comi import comi_change
from tests.instrument_support import ITEMS, SCORERS

SB_ORDER = list(startback.ITEMS)


def sb_form(agree: set[str], bothersome: int = 0) -> dict[str, int]:
    form = {item: int(item in agree) for item in SB_ORDER if item != "bothersome"}
    form["bothersome"] = bothersome
    return form


def orebro_form(**overrides: int) -> dict[str, int]:
    """All items at the lowest-scoring answer (total 1) unless overridden."""
    form = {item: 0 for item in orebro.ITEMS}
    form.update(duration=1, work_chance=10, light_work=10, sleep=10)
    form.update(overrides)
    return form


def comi_form(**overrides: int) -> dict[str, int]:
    form = {item: allowed[0] for item, allowed in comi.ITEMS.items()}
    form.update(overrides)
    return form


# --- STarT Back -------------------------------------------------------------


@pytest.mark.parametrize(
    ("agree", "bothersome", "total", "psychosocial", "risk"),
    [
        (set(), 0, 0, 0, "low"),
        # total 3 vs 4 with only physical items: low vs medium
        ({"leg_pain", "shoulder_neck", "walk_short"}, 0, 3, 0, "low"),
        ({"leg_pain", "shoulder_neck", "walk_short", "dress_slow"}, 0, 4, 0, "medium"),
        # psychosocial 3 vs 4 with total >= 4: medium vs high
        ({"leg_pain", "fear", "worry", "catastrophising"}, 0, 4, 3, "medium"),
        ({"fear", "worry", "catastrophising"}, 3, 4, 4, "high"),
        # psychosocial 3 but total 3: low
        ({"fear", "worry"}, 4, 3, 3, "low"),
        # "Matig" (position 2) does not count, "Erg" (3) and "Extreem" (4) do
        ({"fear", "worry", "catastrophising", "anhedonia"}, 2, 4, 4, "high"),
        (set(SB_ORDER), 4, 9, 5, "high"),
    ],
)
def test_startback_examples(
    agree: set[str], bothersome: int, total: int, psychosocial: int, risk: str
) -> None:
    result = startback.score(sb_form(agree, bothersome))
    assert result.instrument == "startback"
    assert result.version == 1
    assert result.total == total
    assert result.subscales == {"psychosocial": psychosocial}
    assert result.category == risk


@pytest.mark.parametrize(("position", "points"), [(0, 0), (1, 0), (2, 0), (3, 1), (4, 1)])
def test_startback_bothersome_points(position: int, points: int) -> None:
    assert startback.score(sb_form(set(), position)).total == points


# --- Örebro ---------------------------------------------------------------


def test_orebro_minimum_and_maximum() -> None:
    assert orebro.score(orebro_form()).total == 1
    worst = {item: 10 for item in orebro.ITEMS} | {"work_chance": 0, "light_work": 0, "sleep": 0}
    assert orebro.score(worst).total == 100
    assert orebro.score(worst).category == "elevated"


def test_orebro_reversed_items() -> None:
    # 10 - 3 = 7 for each reversed item, as answered for the others.
    form = orebro_form(duration=5, pain=6, work_chance=3, light_work=3, sleep=3)
    assert orebro.score(form).total == 5 + 6 + 7 + 7 + 7


@pytest.mark.parametrize(
    ("pain_stop", "total", "category"), [(0, 49, "not_elevated"), (1, 50, "elevated")]
)
def test_orebro_cut_off_49_vs_50(pain_stop: int, total: int, category: str) -> None:
    # duration 10 + pain 10 + depressed 10 + anxious 10 + persist_risk 9 = 49
    form = orebro_form(
        duration=10, pain=10, depressed=10, anxious=10, persist_risk=9, pain_stop=pain_stop
    )
    result = orebro.score(form)
    assert (result.total, result.category) == (total, category)
    assert result.subscales == {}


# --- COMI -----------------------------------------------------------------


def test_comi_back_pain_lower_than_leg_pain() -> None:
    form = {
        "main_problem": 2,
        "back_pain": 3,
        "leg_pain": 7,
        "function": 2,  # 2.5
        "wellbeing": 3,  # 5
        "quality_of_life": 4,  # 7.5
        "social_disability": 2,  # 2.5
        "work_disability": 1,  # 0 -> disability 1.25
    }
    result = comi.score(form)
    assert result.subscales == {
        "pain": 7.0,
        "function": 2.5,
        "wellbeing": 5.0,
        "quality_of_life": 7.5,
        "disability": 1.25,
    }
    assert result.total == pytest.approx(4.65)  # (7 + 2.5 + 5 + 7.5 + 1.25) / 5
    assert result.category is None


def test_comi_extremes_and_main_problem_not_scored() -> None:
    best = [comi.score(comi_form(main_problem=p)).total for p in (1, 2, 3, 4)]
    assert best == [0.0, 0.0, 0.0, 0.0]
    worst = {item: allowed[-1] for item, allowed in comi.ITEMS.items()}
    assert comi.score(worst).total == 10.0


def test_comi_score_is_rounded_to_two_decimals() -> None:
    # 1 / 5 = 0.2 and 0.1 + ... sums must not leak float noise.
    assert comi.score(comi_form(back_pain=1)).total == 0.2
    assert comi.score(comi_form(back_pain=3, social_disability=2)).total == 0.85


@pytest.mark.parametrize(
    ("previous", "current", "change"),
    [
        (5.0, 2.8, "improved"),  # fall of exactly 2.2
        (5.0, 2.85, "unchanged"),  # fall of 2.15
        (7.4, 5.2, "improved"),
        (2.8, 4.0, "worse"),  # rise of exactly 1.2
        (2.8, 3.95, "unchanged"),  # rise of 1.15
        (2.8, 3.1, "unchanged"),  # rise of 0.3: within the measurement error
        (0.0, 1.2, "worse"),
        (4.65, 4.65, "unchanged"),
        (10.0, 0.0, "improved"),
    ],
)
def test_comi_change_thresholds(previous: float, current: float, change: str) -> None:
    assert comi_change(previous, current) == change


@pytest.mark.parametrize("bad", [-0.1, 10.5, float("nan")])
def test_comi_change_rejects_impossible_scores(bad: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 10"):
        comi_change(bad, 5.0)


# --- NRS ------------------------------------------------------------------


@pytest.mark.parametrize("pain", range(11))
def test_nrs(pain: int) -> None:
    result = nrs.score({"pain": pain})
    assert (result.instrument, result.total, result.category) == ("nrs", pain, None)


# --- errors ---------------------------------------------------------------


def valid_form(instrument: str) -> dict[str, int]:
    return {item: allowed[-1] for item, allowed in ITEMS[instrument].items()}


@pytest.mark.parametrize("instrument", sorted(SCORERS))
def test_every_missing_item_is_named(instrument: str) -> None:
    for item, allowed in ITEMS[instrument].items():
        form = valid_form(instrument)
        del form[item]
        with pytest.raises(ScoringError, match=f"'{item}' is missing") as info:
            SCORERS[instrument](form)
        assert (info.value.item, info.value.allowed) == (item, allowed)


@pytest.mark.parametrize("instrument", sorted(SCORERS))
def test_out_of_range_values_are_named(instrument: str) -> None:
    for item, allowed in ITEMS[instrument].items():
        for bad in (min(allowed) - 1, max(allowed) + 1):
            form = valid_form(instrument) | {item: bad}
            with pytest.raises(ScoringError, match=f"'{item}' has value {bad}") as info:
                SCORERS[instrument](form)
            assert info.value.item == item


def test_unknown_item_lists_known_items() -> None:
    with pytest.raises(ScoringError, match="unknown item 'leg'; known items: pain") as info:
        nrs.score({"pain": 3, "leg": 1})
    assert info.value.item == "leg"
    assert info.value.allowed == ()


def test_error_message_names_allowed_values() -> None:
    with pytest.raises(ScoringError, match=r"'fear' has value 2; allowed values: 0, 1$"):
        startback.score(sb_form(set()) | {"fear": 2})
    with pytest.raises(ScoringError, match=r"'function' is missing; allowed values: 1-5$"):
        comi.score({k: v for k, v in comi_form().items() if k != "function"})


def test_scoring_error_is_a_value_error() -> None:
    assert issubclass(ScoringError, ValueError)


@pytest.mark.parametrize("bad", [True, 2.0, "3"])
def test_non_integer_values_are_rejected(bad: object) -> None:
    with pytest.raises(ScoringError, match="'pain'"):
        nrs.score({"pain": bad})  # type: ignore[dict-item]


def test_registry_matches_modules() -> None:
    assert set(SCORERS) == set(ITEMS) == {"startback", "orebro", "comi", "nrs"}
    assert ITEMS["comi"]["main_problem"] == (1, 2, 3, 4)
    assert ITEMS["startback"]["bothersome"] == (0, 1, 2, 3, 4)
    assert ITEMS["orebro"]["duration"] == tuple(range(1, 11))
