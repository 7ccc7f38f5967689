"""Which answers of the pre-consultation history (flows/history.yaml) are signals for
the clinician, and why (pure: answers in, signal ids out).

Each signal id has two catalog texts in the clinician's words: `report.signal.<id>`
(what) and `report.signal.<id>.why` (why it matters). The sources are the KCE texts in
shared/seeds/ (seed 000 = the guideline algorithm, seed 001 = KCE report 295); the line
numbers are given with each rule.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.reports.model import FlowValue

HISTORY_FLOW = "history"

# Sick-leave bands of the `sick_leave` item, shortest first.
_AT_LEAST_1_WEEK = frozenset({"1w_4w", "4w_2m", "over_2m"})
_AT_LEAST_4_WEEKS = frozenset({"4w_2m", "over_2m"})
_TAKEN = frozenset({"sometimes", "daily"})
_NEUROPATHIC = ("neuro_burning", "neuro_tingling", "neuro_touch")

#: Every signal, in the order the summary lists them.
SIGNALS = (
    "absence_reintegration",
    "absence_fedris",
    "absence_long",
    "heavy_work_not_adaptable",
    "recurrent",
    "opioids",
    "muscle_relaxants",
    "passive_reliance",
    "imaging_done",
    "neuropathic",
)


def history_signals(answers: Mapping[str, FlowValue], *, recurrent_episode: bool) -> list[str]:
    """The signal ids the answers raise, in `SIGNALS` order.

    `recurrent_episode`: the episode flow said this episode is a recurrence.
    """
    leave = answers.get("sick_leave")
    heavy = answers.get("work_heavy") is True or answers.get("work_vibration") is True
    recurrent = (
        recurrent_episode
        or answers.get("keeps_returning") is True
        or answers.get("earlier_episodes") == "three_plus"
    )
    raised = set()
    # Seed 001 l.1131-1144: the advisory physician assesses reintegration after at most
    # 2 months off work; adapting the work is encouraged.
    if leave == "over_2m":
        raised.add("absence_reintegration")
    # Seed 001 l.1146-1151: workers who lift heavy loads or sit on vibrating machines can
    # join Fedris' multidisciplinary programme after 4 weeks off (1 week when recurrent).
    if heavy and (leave in _AT_LEAST_4_WEEKS or (recurrent and leave in _AT_LEAST_1_WEEK)):
        raised.add("absence_fedris")
    # Seed 001 l.1150-1151 (the same thresholds) and seed 000 l.478-479 (support an early
    # return to work): a long absence is worth discussing even without heavy work.
    if leave in _AT_LEAST_4_WEEKS or (recurrent and leave in _AT_LEAST_1_WEEK):
        raised.add("absence_long")
    # Seed 001 l.611 (black flag): heavy work with little room to adapt tasks.
    if answers.get("work_heavy") is True and answers.get("work_adapt") == "no":
        raised.add("heavy_work_not_adaptable")
    # Seed 001 l.651-657: recurrent pain carries a higher risk of chronic pain; assess the
    # risk factors at once rather than at the second consultation.
    if recurrent:
        raised.add("recurrent")
    # Seed 000 l.455-463: weak opioids only briefly in acute pain when NSAIDs are
    # contra-indicated, not tolerated or ineffective; not systematically when chronic.
    if answers.get("med_opioid") in _TAKEN:
        raised.add("opioids")
    # Seed 000 l.472: muscle relaxants: never.
    if answers.get("med_relaxant") in _TAKEN:
        raised.add("muscle_relaxants")
    # Seed 001 l.603-604 (yellow flag): heavy reliance on passive treatments.
    if answers.get("passive_reliance") == "cannot_without":
        raised.add("passive_reliance")
    # Seed 001 l.389-401: repeated imaging adds radiation, cost and worry; images are
    # often redone because they are not passed on.
    if answers.get("imaging") not in (None, "none"):
        raised.add("imaging_done")
    # Seed 001 l.152-156: a neuropathic component (burning, ants under the skin,
    # allodynia) makes management very difficult; decompression is rarely effective.
    if any(answers.get(item) is True for item in _NEUROPATHIC):
        raised.add("neuropathic")
    return [signal for signal in SIGNALS if signal in raised]
