"""Dates and numbers for Belgian Dutch and French, shown in Europe/Brussels."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from bot.engine.model import Language

BRUSSELS = ZoneInfo("Europe/Brussels")
LOCALES: dict[Language, str] = {"nl": "nl_BE", "fr": "fr_BE"}


def format_day(day: date, language: Language) -> str:
    """'3 maart 2026' / '3 mars 2026'."""
    return format_date(day, format="long", locale=LOCALES[language])


def format_short_day(day: date, language: Language) -> str:
    """'3 mrt.' / '3 mars' (chart axes)."""
    return format_date(day, format="d MMM", locale=LOCALES[language])


def format_moment(moment: datetime, language: Language) -> str:
    """A UTC moment as Brussels local date and time, e.g. '3 mrt 2026 14:05'."""
    return format_datetime(moment, format="medium", tzinfo=BRUSSELS, locale=LOCALES[language])


def format_minute(moment: datetime, language: Language) -> str:
    """A UTC moment as Brussels local date and time to the minute, e.g. '3 mrt. 2026 14:05'."""
    return format_datetime(
        moment, format="d MMM yyyy HH:mm", tzinfo=BRUSSELS, locale=LOCALES[language]
    )


def format_number(value: float, language: Language) -> str:
    """'4,5' in both Belgian locales."""
    return format_decimal(value, format="#,##0.#", locale=LOCALES[language])
