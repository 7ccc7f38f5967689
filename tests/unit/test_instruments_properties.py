"""Property-based invariants of the instrument scorers."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from bot.instruments import comi, orebro, startback
from bot.instruments.comi import comi_change
from tests.instrument_support import ITEMS, SCORERS


def forms(instrument: str) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries(
        {item: st.sampled_from(allowed) for item, allowed in ITEMS[instrument].items()}
    )


@given(forms("startback"))
def test_startback_ranges_and_category(form: dict[str, int]) -> None:
    result = startback.score(form)
    psychosocial = result.subscales["psychosocial"]
    assert 0 <= psychosocial <= result.total <= 9
    assert psychosocial <= 5
    if result.total <= 3:
        assert result.category == "low"
    elif psychosocial >= 4:
        assert result.category == "high"
    else:
        assert result.category == "medium"


@given(forms("startback"), st.sampled_from(list(startback.ITEMS)))
def test_startback_monotone(form: dict[str, int], item: str) -> None:
    """Raising any answer never lowers the total, the subscale or the risk group."""
    rank = {"low": 0, "medium": 1, "high": 2}
    raised = form | {item: max(startback.ITEMS[item])}
    before, after = startback.score(form), startback.score(raised)
    assert after.total >= before.total
    assert after.subscales["psychosocial"] >= before.subscales["psychosocial"]
    assert rank[str(after.category)] >= rank[str(before.category)]


@given(forms("orebro"))
def test_orebro_range_reversal_and_category(form: dict[str, int]) -> None:
    result = orebro.score(form)
    assert 1 <= result.total <= 100
    assert result.category == ("elevated" if result.total >= 50 else "not_elevated")
    expected = sum(
        10 - value if item in {"work_chance", "light_work", "sleep"} else value
        for item, value in form.items()
    )
    assert result.total == expected


@given(forms("orebro"), st.sampled_from(["work_chance", "light_work", "sleep"]))
def test_orebro_reversed_items_lower_the_total(form: dict[str, int], item: str) -> None:
    if form[item] < 10:
        higher = orebro.score(form | {item: form[item] + 1})
        assert higher.total == orebro.score(form).total - 1


@given(forms("comi"))
def test_comi_range_and_mean(form: dict[str, int]) -> None:
    result = comi.score(form)
    assert set(result.subscales) == set(comi.DOMAINS)
    assert all(0 <= value <= 10 for value in result.subscales.values())
    assert 0 <= result.total <= 10
    assert abs(result.total - sum(result.subscales.values()) / 5) < 0.005
    assert result.subscales["pain"] == max(form["back_pain"], form["leg_pain"])


@given(forms("comi"), st.sampled_from(list(comi.ITEMS)))
def test_comi_monotone(form: dict[str, int], item: str) -> None:
    worst = form | {item: max(comi.ITEMS[item])}
    assert comi.score(worst).total >= comi.score(form).total


@given(
    st.sampled_from(sorted(SCORERS)).flatmap(lambda name: st.tuples(st.just(name), forms(name))),
    st.randoms(),
)
def test_item_order_does_not_matter(case: tuple[str, dict[str, int]], rnd: random.Random) -> None:
    instrument, form = case
    items = list(form.items())
    rnd.shuffle(items)
    assert SCORERS[instrument](dict(items)) == SCORERS[instrument](form)


scores = st.integers(min_value=0, max_value=200).map(lambda n: n / 20)  # 0.05 steps


@given(scores, scores)
def test_comi_change_consistent_with_difference(previous: float, current: float) -> None:
    change = round((current - previous) * 100)  # in hundredths
    expected = "improved" if change <= -220 else "worse" if change >= 120 else "unchanged"
    assert comi_change(previous, current) == expected
