"""Result and error types shared by the instrument scorers, and answer validation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: Allowed stored values per item id, in the instrument's reference (Dutch) order.
ItemSpec = Mapping[str, tuple[int, ...]]


@dataclass(frozen=True)
class InstrumentScore:
    """The score of one completed questionnaire.

    ``total`` is the instrument's main score (the COMI index for COMI, the pain
    rating for NRS). ``subscales`` holds the named part scores: ``psychosocial``
    for STarT Back, the five domains for COMI, nothing for Örebro and NRS.
    ``category`` is the risk group (STarT Back ``low``/``medium``/``high``, Örebro
    ``elevated``/``not_elevated``) or ``None`` when the instrument has none.
    """

    instrument: str
    version: int
    total: float
    subscales: Mapping[str, float]
    category: str | None


def describe_values(values: tuple[int, ...]) -> str:
    """Human-readable list of allowed values: ``0-10`` for a run, else ``0, 1``."""
    if len(values) > 2 and values == tuple(range(values[0], values[-1] + 1)):
        return f"{values[0]}-{values[-1]}"
    return ", ".join(str(v) for v in values)


class ScoringError(ValueError):
    """An answer set that cannot be scored: missing, unknown or out-of-range item.

    ``item`` names the offending item id; ``allowed`` lists its allowed values
    (empty for an unknown item, whose message lists the known item ids instead).
    """

    def __init__(self, message: str, *, item: str, allowed: tuple[int, ...]) -> None:
        super().__init__(message)
        self.item = item
        self.allowed = allowed


def check_answers(instrument: str, answers: Mapping[str, int], items: ItemSpec) -> None:
    """Raise :class:`ScoringError` unless ``answers`` has exactly ``items``, each in range.

    Checked before any arithmetic so that nothing is ever half-scored. Unknown ids
    are reported first (a typo usually also causes a missing item), then items in
    the instrument's order.
    """
    unknown = sorted(set(answers) - set(items))
    if unknown:
        known = ", ".join(items)
        raise ScoringError(
            f"{instrument}: unknown item {unknown[0]!r}; known items: {known}",
            item=unknown[0],
            allowed=(),
        )
    for item, allowed in items.items():
        if item not in answers:
            raise ScoringError(
                f"{instrument}: item {item!r} is missing; "
                f"allowed values: {describe_values(allowed)}",
                item=item,
                allowed=allowed,
            )
        value = answers[item]
        # bool is an int subclass; a yes/no answer is never a valid item value.
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            raise ScoringError(
                f"{instrument}: item {item!r} has value {value!r}; "
                f"allowed values: {describe_values(allowed)}",
                item=item,
                allowed=allowed,
            )
