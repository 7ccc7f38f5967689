"""Honest provenance: which language versions are validated, told to patients in /about
and to clinicians in reports (seed 001 l.1740, 2022-2024)."""

from __future__ import annotations

import pytest

from bot.clinic.results import _validated
from bot.engine import Engine
from bot.i18n import Catalogs
from tests.unit.test_engine import onboarded


@pytest.mark.parametrize(
    ("language", "listed", "not_listed"),
    [
        ("fr", ["STarT Back", "Örebro", "COMI"], ["Score de douleur"]),
        ("nl", ["Örebro", "COMI"], ["STarT Back", "Pijnscore"]),
    ],
)
def test_about_names_the_texts_that_are_not_the_validated_versions(
    engine: Engine, catalogs: Catalogs, language: str, listed: list[str], not_listed: list[str]
) -> None:
    talk = onboarded(engine, catalogs, language)
    talk.command("about")
    assert "about.unvalidated" in talk.msgids()
    text = talk.texts()[0]
    intro = "notre propre traduction" if language == "fr" else "gevalideerde Nederlandse versie"
    tail = text.split(intro, 1)[1]
    assert all(f"• {name}" in tail or name in tail for name in listed), tail
    assert not any(name in tail for name in not_listed), tail


def test_the_nrs_is_never_reported_as_an_unvalidated_language_version(engine: Engine) -> None:
    for language in ("nl", "fr"):
        assert _validated(engine.flows, "nrs", language)
        assert _validated(engine.flows, "pain_now", language)
        assert not _validated(engine.flows, "comi", language)
    assert _validated(engine.flows, "startback", "nl")
    assert not _validated(engine.flows, "orebro", "nl")
