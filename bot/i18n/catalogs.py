"""Load the gettext catalogs and render engine Texts in a language.

The .po files are the only source: they are compiled to .mo in memory with Babel
at start-up, so no build output is committed or can drift from the .po.
"""

from __future__ import annotations

import io
import string
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.engine.model import Label, Language, Raw, Text
from bot.i18n.formatting import format_day, format_number

LANGUAGES: tuple[Language, ...] = ("nl", "fr")
DOMAIN = "messages"


class CatalogError(ValueError):
    """A catalog is missing, incomplete or inconsistent."""


def placeholders(message: str) -> frozenset[str]:
    """The {named} placeholders of a message (format syntax)."""
    return frozenset(
        name for _, name, _, _ in string.Formatter().parse(message) if name is not None
    )


class Catalogs:
    def __init__(
        self, translations: Mapping[Language, Translations], ids: Mapping[Language, set[str]]
    ):
        self._translations = dict(translations)
        self._ids = {lang: frozenset(v) for lang, v in ids.items()}
        self._complete = frozenset.intersection(*self._ids.values())

    @classmethod
    def load(cls, messages_dir: Path) -> Catalogs:
        translations: dict[Language, Translations] = {}
        ids: dict[Language, set[str]] = {}
        for lang in LANGUAGES:
            path = messages_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
            if not path.is_file():
                raise CatalogError(f"missing catalog {path}")
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=lang, domain=DOMAIN)
            # A fuzzy entry is not compiled (write_mo leaves it out), so it counts as missing.
            ids[lang] = {str(m.id) for m in catalog if m.id and m.string and not m.fuzzy}
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            translations[lang] = Translations(fp=buffer, domain=DOMAIN)
        return cls(translations, ids)

    def has(self, msgid: str) -> bool:
        """True when the message exists, translated, in every language."""
        return msgid in self._complete

    def keys(self, prefix: str) -> list[str]:
        """The msgids, present in every language, that start with `prefix`, sorted."""
        return sorted(k for k in self._complete if k.startswith(prefix))

    def missing(self) -> dict[Language, frozenset[str]]:
        every = frozenset.union(*self._ids.values())
        return {lang: every - ids for lang, ids in self._ids.items() if every - ids}

    def message(self, language: Language, msgid: str) -> str:
        if msgid not in self._ids[language]:
            raise CatalogError(f"message {msgid!r} has no {language} text")
        return self._translations[language].gettext(msgid)

    def render(self, language: Language, label: Label) -> str:
        if isinstance(label, Raw):
            return label.value
        template = self.message(language, label.key)
        params = {k: self._param(language, v) for k, v in label.params.items()}
        return template.format(**params) if params or "{" in template else template

    def _param(self, language: Language, value: Any) -> Any:
        if isinstance(value, Text | Raw):
            return self.render(language, value)
        if isinstance(value, date) and not isinstance(value, datetime):
            return format_day(value, language)  # a calendar day: '3 maart 2026'
        if isinstance(value, float):
            return format_number(value, language)
        return value
