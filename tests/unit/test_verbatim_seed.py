"""The Dutch instrument texts are the KCE report 295 annex itself (seed 001, lines
2125-2412), not a copy of it: every item, lead-in, answer label and scale anchor of the
validated questionnaires must occur in the annex, whitespace, line breaks and quote
styles aside.

The seed is read from ../shared/seeds relative to the repository root (or the folder in
BACKPATH_SEEDS_DIR, e.g. from a git worktree elsewhere). Without it the
test is skipped on a developer machine and fails in CI (`CI` set), so it never passes
silently where it should run.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.pofile import read_po

from bot.config import PROJECT_ROOT

SEEDS = Path(os.environ.get("BACKPATH_SEEDS_DIR") or PROJECT_ROOT.parent / "shared" / "seeds")
SEED = SEEDS / "001_12c57fabdd7aa0d7.txt"
ANNEX_LINES = (2125, 2412)  # first and last line of the questionnaire annex (1-based)
INSTRUMENTS = ("startback", "orebro", "comi")
TEXT_KEYS = ("text", "lead_in")
ANSWER_KEYS = ("min_label", "max_label")
QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"'})


def plain(text: str) -> str:
    """Unicode-normalised, one quote style, without any whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(QUOTES))


@pytest.fixture(scope="module")
def annex() -> str:
    if not SEED.is_file():
        message = f"seed 001 not found at {SEED}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    lines = SEED.read_text(encoding="utf-8").splitlines()
    first, last = ANNEX_LINES
    assert "BIJLAGEN" in lines[first - 1], "the annex moved: update ANNEX_LINES"
    return plain("\n".join(lines[first - 1 : last]))


def dutch() -> dict[str, str]:
    path = PROJECT_ROOT / "messages" / "nl" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle, locale="nl") if m.id}


def instrument_msgids(flow: dict[str, Any]) -> list[str]:
    """Every item, lead-in, answer label and anchor of a questionnaire (not its title)."""
    ids: list[str] = []
    for step in flow["steps"]:
        ids += [step[k] for k in TEXT_KEYS if k in step]
        answer = step["answer"]
        ids += [o["label"] for o in answer.get("options", [])]
        ids += [answer[k] for k in ANSWER_KEYS if k in answer]
    return ids


@pytest.mark.parametrize("name", INSTRUMENTS)
def test_dutch_texts_are_the_annex_verbatim(annex: str, name: str) -> None:
    flow = yaml.safe_load((PROJECT_ROOT / "flows" / f"{name}.yaml").read_text(encoding="utf-8"))
    texts = dutch()
    ids = instrument_msgids(flow)
    assert len(ids) > len(flow["steps"])  # items and their answers
    differing = [msgid for msgid in ids if plain(texts[msgid]) not in annex]
    assert not differing, f"not in seed 001 l.2125-2412: {differing}"


def test_a_changed_word_is_caught(annex: str) -> None:
    item = plain(
        "Voor iemand in mijn toestand is het echt niet veilig om lichamelijk actief te zijn."
    )
    assert item in annex
    assert item.replace("echt", "heel") not in annex
    assert plain("“Ongeruste” gedachten") == plain('"Ongeruste"\n gedachten')  # quotes, breaks
