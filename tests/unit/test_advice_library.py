"""The advice library file: validation, theme coverage and texts in both catalogs."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from bot.advice.selection import DEFAULT_LIBRARY, THEMES, load_library

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("nl", "fr")
MODULE_MSGIDS = ("advice.intro", "advice.none_new", "advice.withheld")


def catalog(language: str) -> dict[str, str]:
    path = ROOT / "messages" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return {
            message.id: message.string
            for message in read_po(handle, locale=language)
            if isinstance(message.id, str) and isinstance(message.string, str) and message.id
        }


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def advice_msgids() -> list[str]:
    items = load_library()
    return [*MODULE_MSGIDS, *(m for item in items for m in (item.title_msgid, item.body_msgid))]


def test_library_is_package_data_next_to_the_module() -> None:
    assert DEFAULT_LIBRARY.parent == ROOT / "bot" / "advice"
    assert DEFAULT_LIBRARY.is_file()


def test_every_kader3_theme_is_covered() -> None:
    covered = {theme for item in load_library() for theme in item.themes}
    assert covered == THEMES


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_item_has_texts(language: str) -> None:
    texts = catalog(language)
    missing = [msgid for msgid in advice_msgids() if not texts.get(msgid, "").strip()]
    assert not missing, f"{language}: missing texts {missing}"


def test_no_orphan_advice_texts() -> None:
    expected = set(advice_msgids())
    for language in LANGUAGES:
        orphans = {m for m in catalog(language) if m.startswith("advice.")} - expected
        assert not orphans, f"{language}: texts without a library item {sorted(orphans)}"


def test_placeholders_match_between_languages() -> None:
    nl, fr = catalog("nl"), catalog("fr")
    for msgid in advice_msgids():
        assert placeholders(nl[msgid]) == placeholders(fr[msgid]), msgid


def test_the_library_loads_with_unique_ids() -> None:
    items = load_library()
    assert len({item.id for item in items}) == len(items)


def write(tmp_path: Path, *items: dict[str, object]) -> Path:
    path = tmp_path / "library.yaml"
    path.write_text(yaml.safe_dump({"items": list(items)}), encoding="utf-8")
    return path


def item(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "sample",
        "version": 1,
        "themes": ["keep_moving"],
        "triggers": ["checkin"],
        "priority": 10,
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def test_valid_conditions_are_parsed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        item(
            phases=["acute"],
            pain_types=["radicular"],
            risk=["high", "medium"],
            answers={"any": {"orebro.sleep": {"max": 4}, "startback.fear": 1}},
        ),
    )
    (loaded,) = load_library(path)
    assert loaded.phases == frozenset({"acute"})
    assert loaded.risk == frozenset({"high", "medium"})
    assert loaded.answers_mode == "any"
    assert [c.key for c in loaded.answers] == ["orebro.sleep", "startback.fear"]
    assert loaded.answers[0].max == 4
    assert loaded.answers[1].equals == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"themes": ["hope"]}, "unknown themes"),
        ({"themes": []}, "themes must be a non-empty list"),
        ({"triggers": None}, "triggers must be a non-empty list"),
        ({"triggers": ["sometimes"]}, "unknown triggers"),
        ({"phases": ["early"]}, "unknown phases"),
        ({"pain_types": ["neck"]}, "unknown pain_types"),
        ({"risk": ["unknown"]}, "unknown risk"),
        ({"version": 0}, "version"),
        ({"version": "1"}, "version must be an integer"),
        ({"priority": True}, "priority must be an integer"),
        ({"colour": "red"}, "unknown keys"),
        ({"id": "Bad-Id"}, "lower_snake_case"),
        ({"answers": {"fear": 1}}, "instrument.item"),
        ({"answers": {"startback.fear": "yes"}}, "must be an integer"),
        ({"answers": {"orebro.sleep": {"below": 4}}}, "'min'/'max'"),
        ({"answers": {"orebro.sleep": {"min": 5, "max": 4}}}, "min is above max"),
        ({"answers": {"any": {}}}, "non-empty"),
        ({"answers": {"any": {"a.b": 1}, "all": {"c.d": 1}}}, "not both"),
    ],
)
def test_bad_items_are_rejected_naming_the_item(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    path = write(tmp_path, item(**changes))
    with pytest.raises(ValueError, match=message) as raised:
        load_library(path)
    assert "advice item" in str(raised.value)


def test_error_names_the_item(tmp_path: Path) -> None:
    path = write(tmp_path, item(id="first"), item(id="second", themes=["hope"]))
    with pytest.raises(ValueError, match="advice item 'second': unknown themes"):
        load_library(path)


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, item(), item(priority=3))
    with pytest.raises(ValueError, match="advice item 'sample': duplicate id"):
        load_library(path)


def test_file_without_items_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "library.yaml"
    path.write_text("- id: sample\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'items' list"):
        load_library(path)


@pytest.mark.parametrize(
    ("language", "warmth"), [("nl", ("warmte", "warme")), ("fr", ("chaleur", "chaud"))]
)
def test_no_warmth_tip_as_default_advice(language: str, warmth: tuple[str, ...]) -> None:
    """Heat packs are a passive-treatment habit, a yellow flag (seed 001 l.603)."""
    for msgid, text in catalog(language).items():
        if msgid.startswith("advice."):
            assert not any(word in text.lower() for word in warmth), msgid
