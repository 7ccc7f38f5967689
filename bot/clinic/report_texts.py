"""The clinician report's labels from the catalogs, in the clinician's language.

Msgids: `report.<field>` for the headings and `report.<group>.<key>` for the
mappings of ReportTexts (see bot/reports/texts.py for the keys).
"""

from __future__ import annotations

from typing import Any

from bot.engine.model import Language, Text
from bot.i18n import Catalogs, format_day
from bot.reports.chart import ChartLabels
from bot.reports.texts import ReportTexts

FIELDS = (
    "title",
    "patient_ref",
    "clinic",
    "generated",
    "patient_language",
    "red_flags_heading",
    "raised",
    "escalation_shown",
    "acknowledged",
    "not_recorded",
    "scores_heading",
    "completed",
    "key_items",
    "history_heading",
    "question_heading",
    "unvalidated",
    "radicular_note",
    "notices_heading",
    "disclaimer",
    "screen_not_done",
    "episode",
    "onset",
    "invitation_note",
    "background_heading",
)
TEMPLATES = ("screen_negative", "screen_positive")  # formatted by the renderer
RECURRENCE = ("first", "recurrent")  # report.recurrence.<key>
_GROUPS = {
    "languages": "language",
    "instruments": "instrument",
    "categories": "category",
    "meanings": "meaning",
    "subscales": "subscale",
    "items": "item",
    "red_flag_levels": "level",
    "red_flag_clusters": "cluster",
    "pain_types": "pain_type",
    "recurrence": "recurrence",
}


def _group(catalogs: Catalogs, language: Language, group: str) -> dict[str, str]:
    prefix = f"report.{group}."
    return {
        key[len(prefix) :]: catalogs.render(language, Text(key)) for key in catalogs.keys(prefix)
    }


def report_texts(catalogs: Catalogs, language: Language) -> ReportTexts:
    fields: dict[str, Any] = {
        name: catalogs.render(language, Text(f"report.{name}")) for name in FIELDS
    }
    fields.update({name: catalogs.message(language, f"report.{name}") for name in TEMPLATES})
    fields.update({name: _group(catalogs, language, group) for name, group in _GROUPS.items()})
    return ReportTexts(**fields)


def chart_labels(catalogs: Catalogs, language: Language) -> ChartLabels:
    def text(key: str) -> str:
        return catalogs.render(language, Text(key))

    return ChartLabels(
        title=text("report.chart_title"),
        y_axis=text("report.chart_y"),
        x_axis=text("report.chart_x"),
        phase_names={},
        format_date=lambda day: format_day(day, language),
    )
