"""Dutch and French are equal: every text in both, same placeholders, nothing hard-coded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.advice.selection import load_library
from bot.config import PROJECT_ROOT
from bot.engine import Engine
from bot.i18n.catalogs import CatalogError, Catalogs, placeholders
from bot.instruments.registry import load_content
from bot.msgids import dynamic_msgids, missing_msgids
from bot.runtime import check_built_msgids

MESSAGES = PROJECT_ROOT / "messages"


def _catalog(lang: str) -> dict[str, str]:
    with (MESSAGES / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        # A fuzzy entry is never shown (it is not compiled): it counts as missing.
        return {str(m.id): str(m.string) for m in read_po(fh) if m.id and not m.fuzzy}


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


def _engine() -> Engine:
    catalogs = Catalogs.load(MESSAGES)
    flows, instruments = load_content(PROJECT_ROOT / "flows", catalogs.has)
    return Engine(flows, catalogs.render, instruments)


def _built() -> list[tuple[str, frozenset[str]]]:
    engine = _engine()
    return dynamic_msgids(engine.flows, load_library(), engine.instruments, engine.commands)


def test_every_built_message_id_exists_in_both_languages() -> None:
    families = _built()
    assert len(families) == 26 and all(ids for _, ids in families), families
    nl, fr = _catalog("nl"), _catalog("fr")
    assert missing_msgids(families, lambda k: k in nl and k in fr) == []


def test_every_built_message_id_family_is_listed() -> None:
    """A msgid put together in code (f"progress.{x}") is listed in bot/msgids.py."""
    namespaces = {key.split(".")[0] for key in _catalog("nl")}
    built = {key for _, ids in _built() for key in ids}
    prefixes: set[str] = set()
    for path in Path(PROJECT_ROOT / "bot").rglob("*.py"):
        for prefix in re.findall(r'f"([a-z_]+[.][a-z0-9_.]*)\{', path.read_text("utf-8")):
            if prefix.split(".")[0] in namespaces:
                prefixes.add(prefix)
    assert {"progress.", "reminder.snooze_", "result."} <= prefixes, "the scan is broken"
    assert sorted(p for p in prefixes if not any(k.startswith(p) for k in built)) == []


def _write_catalogs(root: Path, fr_entry: str) -> Path:
    for lang, entry in (("nl", 'msgid "a.b"\nmsgstr "Tekst"\n'), ("fr", fr_entry)):
        folder = root / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + entry,
            encoding="utf-8",
        )
    return root


def test_a_fuzzy_entry_counts_as_missing(tmp_path: Path) -> None:
    catalogs = Catalogs.load(_write_catalogs(tmp_path, '#, fuzzy\nmsgid "a.b"\nmsgstr "Texte"\n'))
    assert not catalogs.has("a.b")
    assert catalogs.missing() == {"fr": frozenset({"a.b"})}


def test_start_up_refuses_a_missing_built_message_id(tmp_path: Path) -> None:
    engine = _engine()
    check_built_msgids(Catalogs.load(MESSAGES), engine)  # the real catalogs are complete
    gappy = Catalogs.load(_write_catalogs(tmp_path, 'msgid "a.b"\nmsgstr "Texte"\n'))
    with pytest.raises(CatalogError, match=r"progress\.better"):
        check_built_msgids(gappy, engine)


def test_pybabel_extract_finds_only_msgids_of_both_catalogs() -> None:
    """What `pybabel extract -F babel.cfg -k Text -k say` finds is in both catalogs."""
    with (PROJECT_ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = {
        str(message)
        for _, _, message, _, _ in extract_from_dir(
            PROJECT_ROOT, method_map, options_map, keywords={"Text": None, "say": None}
        )
    }
    assert {"startback.leg_pain", "advice.keep_moving.body", "cancel.done"} <= found
    nl, fr = _catalog("nl"), _catalog("fr")
    assert sorted(found - (set(nl) & set(fr))) == []
