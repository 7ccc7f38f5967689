"""/mydata in plain words (nl and fr, SQLite and PostgreSQL): a text the patient reads,
in their language, beside the JSON for machines; no codes, hashes or internal state."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from bot.runtime import Runtime
from bot.store.models import Clinician, Invitation
from tests.clinic_support import Patient as Talker
from tests.clinic_support import clinic, clinician, invite, keys

WORDS = {
    "nl": (
        "UW GEGEVENS BIJ BACKPATH",
        "Uw antwoorden worden gedeeld met Praktijk De Brug",
        "VRAGEN EN UW ANTWOORDEN",
        "KOMENDE HERINNERINGEN",
        "pijn",
    ),
    "fr": (
        "VOS DONNÉES CHEZ BACKPATH",
        "Vos réponses sont partagées avec Praktijk De Brug",
        "QUESTIONS ET VOS RÉPONSES",
        "PROCHAINS RAPPELS",
        "douleur",
    ),
}


@pytest.mark.parametrize("language", ["nl", "fr"])
async def test_mydata_comes_in_plain_words_and_as_json(runtime: Runtime, language: str) -> None:
    clinic_id = await clinic(runtime)
    await Talker(runtime, "900").start(f"s_{await clinician(runtime, clinic_id, 'nl')}")
    talker = Talker(runtime, "4242", hint=language)
    await talker.start(f"i_{await invite(runtime, clinic_id)}")
    await talker.answer_all()
    outcome = await talker.command("mydata")
    assert keys(outcome)[:2] == ["mydata.sent", "mydata.machines"]
    assert [r.attachment for r in outcome.replies[:2]] == ["mydata_readable", "mydata"]
    readable = await talker.attachment("mydata_readable")
    assert readable.filename.endswith(".txt")
    text = readable.data.decode()
    for words in WORDS[language]:
        assert words in text
    assert "→ 5" in text  # the pain score as answered
    # nothing a patient cannot read: no ids, codes, hashes or conversation state
    data = json.loads((await talker.attachment("mydata")).data)
    async with runtime.db.session() as session:
        hashes = [h for (h,) in await session.execute(select(Invitation.token_hash))]
        hashes += [h for (h,) in await session.execute(select(Clinician.link_token_hash))]
    for secret in [*hashes, data["patient"]["external_id"], data["patient"]["ref"] or "-"]:
        assert secret not in text
    for code in ("redflags", "clinic_sharing", "prompt_seq", "risk_questionnaire", "_id", "None"):
        assert code not in text
    assert not re.search(r"\b[a-z]+_[a-z]+\b", text)  # no snake_case identifiers
