"""Translated labels for the clinician report.

The engine fills `ReportTexts` from the catalogs in the clinician's language, so the
renderers hold no language logic. Mapping keys:

- `languages`: language code (`"nl"`, `"fr"`) -> language name.
- `instruments`: instrument id -> title.
- `categories`, `meanings`: `"<instrument>.<category>"` -> category label / one-line
  meaning; an instrument without categories uses `"<instrument>"` in `meanings`.
- `subscales`: `"<instrument>.<subscale>"` -> label.
- `items`: `"<instrument>.<item id>"` -> short clinician label of the item.
- `red_flag_levels`: `"urgent"`, `"semi_urgent"` -> label; `red_flag_clusters`:
  cluster id -> label.
- `pain_types`: `"back"`, `"radicular"` -> label; `recurrence`: `"first"`,
  `"recurrent"` -> label.

`screen_negative` and `screen_positive` are templates with a `{date}` placeholder.

A missing label prints its key, so a gap in the catalogs shows in the report rather
than hiding a result; a missing meaning leaves the meaning line out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ReportTexts:
    """Labels and headings of the summary PDF, already in the clinician's language."""

    title: str
    patient_ref: str
    clinic: str
    generated: str
    patient_language: str
    red_flags_heading: str
    raised: str
    escalation_shown: str
    acknowledged: str
    not_recorded: str
    scores_heading: str
    completed: str
    key_items: str
    history_heading: str
    question_heading: str
    unvalidated: str
    radicular_note: str
    notices_heading: str
    disclaimer: str
    screen_negative: str
    screen_positive: str
    screen_not_done: str
    episode: str
    onset: str
    invitation_note: str
    background_heading: str
    languages: Mapping[str, str]
    instruments: Mapping[str, str]
    categories: Mapping[str, str]
    meanings: Mapping[str, str]
    subscales: Mapping[str, str]
    items: Mapping[str, str]
    red_flag_levels: Mapping[str, str]
    red_flag_clusters: Mapping[str, str]
    pain_types: Mapping[str, str]
    recurrence: Mapping[str, str]
    datetime_format: str = "%d/%m/%Y %H:%M"
    decimal_separator: str = ","
