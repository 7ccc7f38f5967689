"""Dutch and French are equal: every text in both, same placeholders, nothing hard-coded."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from bot.config import PROJECT_ROOT
from bot.i18n.catalogs import placeholders

MESSAGES = PROJECT_ROOT / "messages"


def _catalog(lang: str) -> dict[str, str]:
    with (MESSAGES / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return {str(m.id): str(m.string) for m in read_po(fh) if m.id}


def test_every_msgid_exists_in_both_languages_and_is_translated() -> None:
    nl, fr = _catalog("nl"), _catalog("fr")
    assert set(nl) == set(fr), sorted(set(nl) ^ set(fr))
    assert not [k for k, v in nl.items() if not v.strip()]
    assert not [k for k, v in fr.items() if not v.strip()]


def test_placeholders_match() -> None:
    nl, fr = _catalog("nl"), _catalog("fr")
    mismatched = [k for k in nl if placeholders(nl[k]) != placeholders(fr.get(k, ""))]
    assert not mismatched


def test_no_duplicate_msgids() -> None:
    for lang in ("nl", "fr"):
        text = (MESSAGES / lang / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
        ids = re.findall(r'^msgid "(.+)"$', text, flags=re.M)
        assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]


def test_every_message_id_used_in_code_exists() -> None:
    nl = _catalog("nl")
    used: set[str] = set()
    for path in Path(PROJECT_ROOT / "bot").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'Text\(\s*"([a-z_]+(?:\.[a-z0-9_]+)+)"', source))
        used |= set(re.findall(r'\.say\(\s*"([a-z_]+(?:\.[a-z0-9_]+)+)"', source))
    assert used, "the scan found nothing: the pattern is broken"
    assert sorted(used - set(nl)) == []
