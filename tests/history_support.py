"""A patient's answers to the history flow, as the label msgids tapped in order, and
what they are stored as (shared by the engine, Telegram and summary tests)."""

from __future__ import annotations

# (item, label msgid of the button tapped). The intro is an info step (no answer).
ANSWERS = (
    ("working", "answer.yes"),
    ("sick_leave", "history.sick_leave.over_2m"),
    ("work_heavy", "answer.yes"),
    ("work_vibration", "answer.no"),
    ("work_adapt", "history.work_adapt.no"),
    ("earlier_episodes", "history.earlier_episodes.three_plus"),
    ("keeps_returning", "answer.yes"),
    ("spine_surgery", "answer.no"),
    ("med_paracetamol", "history.how_often.sometimes"),
    ("med_nsaid", "history.how_often.never"),
    ("med_opioid", "history.how_often.daily"),
    ("med_relaxant", "history.how_often.never"),
    ("imaging", "history.imaging.scan"),
    ("treatments", "history.treatments.passive"),
    ("passive_reliance", "history.passive_reliance.cannot_without"),
    ("leg_below_knee", "answer.yes"),
    ("neuro_burning", "answer.yes"),
    ("neuro_tingling", "answer.no"),
    ("neuro_touch", "answer.no"),
    ("expectation", "history.expectation.explanation"),
    ("preference", "history.preference.active"),
)
STORED = {
    "working": True,
    "sick_leave": "over_2m",
    "work_heavy": True,
    "work_vibration": False,
    "work_adapt": "no",
    "earlier_episodes": "three_plus",
    "keeps_returning": True,
    "spine_surgery": False,
    "med_paracetamol": "sometimes",
    "med_nsaid": "never",
    "med_opioid": "daily",
    "med_relaxant": "never",
    "imaging": "scan",
    "treatments": "passive",
    "passive_reliance": "cannot_without",
    "leg_below_knee": True,
    "neuro_burning": True,
    "neuro_tingling": False,
    "neuro_touch": False,
    "expectation": "explanation",
    "preference": "active",
}
# What those answers raise (bot/reports/history.py), in order.
SIGNALS = [
    "absence_reintegration",
    "absence_fedris",
    "absence_long",
    "heavy_work_not_adaptable",
    "recurrent",
    "opioids",
    "passive_reliance",
    "imaging_done",
    "neuropathic",
]
