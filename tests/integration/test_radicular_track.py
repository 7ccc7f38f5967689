"""A back-pain episode that becomes radicular at a check-in, on a real database: the
episode row, the reminder rows and the conversation state all follow, across a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.engine.model import Language
from bot.i18n import BRUSSELS
from bot.runtime import Runtime, build_runtime
from bot.store.models import Episode, Reminder
from tests.conftest import make_settings
from tests.followup_helpers import (
    RecordingSender,
    ServicePatient,
    only_checkins,
    reminders,
)

CHECKIN_DUE = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)  # the first back-pain check-in
YES = {"nl": "Ja", "fr": "Oui"}
NO = {"nl": "Nee", "fr": "Non"}


async def episode_row(runtime: Runtime) -> Episode:
    async with runtime.db.session() as session:
        return (await session.execute(select(Episode))).scalar_one()


def local_days(rows: list[Reminder], kind: str, status: str) -> list[str]:
    return sorted(
        r.due_at.replace(tzinfo=UTC).astimezone(BRUSSELS).date().isoformat()
        for r in rows
        if r.kind == kind and r.status == status
    )


@pytest.mark.parametrize("language", ["nl", "fr"])
async def test_sciatica_at_a_check_in_replans_the_stored_schedule(
    database_url: str, runtime: Runtime, clock: FrozenClock, tmp_path: Path, language: Language
) -> None:
    patient = ServicePatient(runtime, language=language)
    await patient.onboard_with_episode()
    await only_checkins(runtime)
    back_checkins = local_days(await reminders(runtime), "checkin", "planned")
    assert back_checkins[:3] == ["2026-03-16", "2026-04-06", "2026-04-27"]  # every 3 weeks
    clock.set(CHECKIN_DUE)
    sender = RecordingSender()
    assert (await sender.dispatch(runtime)).sent == 1
    patient.last = sender.sent[0][1]
    while any(k.startswith("redflags.") for k in patient.msgids()):
        await patient.tap(NO[language])
    assert patient.msgids() == ["radicular_check.below_knee"]
    await patient.tap(YES[language])
    assert "radicular_check.alarms" in patient.msgids()
    await patient.tap("5")
    await patient.tap("Beter" if language == "nl" else "Mieux")  # the check-in goes on

    assert (await episode_row(runtime)).pain_type == "radicular"
    rows = await reminders(runtime)
    # the back-pain check-ins still planned are cancelled; the radicular ones replace them:
    # a week after the switch, then every 10 days
    assert {r.last_error for r in rows if r.kind == "checkin" and r.status == "cancelled"} >= {
        "replanned"
    }
    assert local_days(rows, "checkin", "planned")[:3] == ["2026-03-23", "2026-04-02", "2026-04-12"]
    planned = {r.kind for r in rows if r.status == "planned"}
    assert {"review_severe_pain", "review_specialist", "review_chronic"} <= planned
    assert not planned & {"review_multimodal", "review_subacute"}

    # after a restart the conversation remembers the track: the next check-in does not ask
    await runtime.close()
    again = await build_runtime(make_settings(database_url, tmp_path), clock)
    try:
        patient.runtime = again
        clock.set(CHECKIN_DUE + timedelta(days=7))
        sender = RecordingSender()
        assert (await sender.dispatch(again)).sent == 1
        patient.last = sender.sent[0][1]
        while any(k.startswith("redflags.") for k in patient.msgids()):
            await patient.tap(NO[language])
        assert "radicular_check.below_knee" not in patient.msgids()
        assert "nrs.pain" in patient.msgids()
    finally:
        await again.close()
