"""Translations: Babel catalogs compiled at start-up from messages/*/LC_MESSAGES/*.po."""

from bot.i18n.catalogs import LANGUAGES, CatalogError, Catalogs
from bot.i18n.formatting import BRUSSELS, format_day, format_moment

__all__ = ["BRUSSELS", "LANGUAGES", "CatalogError", "Catalogs", "format_day", "format_moment"]
