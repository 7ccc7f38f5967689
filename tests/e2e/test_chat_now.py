"""`backpath chat --now`: the terminal conversation at a chosen moment, and, run again
later on the same database, the reminders due by then as the patient would have got
them (the reminder job replayed moment by moment). The clock is injected: no sleeping."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.chat import parse_now, run_chat
from bot.clock import FrozenClock, ShiftedClock
from bot.i18n import BRUSSELS
from bot.runtime import build_runtime
from bot.store.models import Answer, Patient, Reminder
from tests.conftest import make_settings
from tests.e2e.test_chat_cli import NO_RED_FLAGS, chat

# consent, no red flags, onset 1-2 weeks ago, back pain, not recurrent, NRS 7, no COMI now
INTAKE = ["1", *NO_RED_FLAGS, "3", "2", "2", "7", "/cancel"]


async def session(db: Path, data: Path, now: str, lines: list[str], lang: str) -> str:
    """One `backpath chat --now NOW` session; real time does not move meanwhile."""
    real = FrozenClock(datetime(2030, 1, 1, tzinfo=UTC))  # whatever the wall clock says
    clock = ShiftedClock(parse_now(now, BRUSSELS), real=real.now)
    settings = make_settings(f"sqlite+aiosqlite:///{db}", data)
    runtime = await build_runtime(settings, clock, serving=True)
    out = io.StringIO()
    try:
        await run_chat(
            runtime, "local", lang, io.StringIO("".join(f"{x}\n" for x in lines)), out, clock
        )
    finally:
        await runtime.close()
    return out.getvalue()


async def stored(db: Path, data: Path) -> tuple[list[datetime], list[tuple[str, str]]]:
    runtime = await build_runtime(make_settings(f"sqlite+aiosqlite:///{db}", data))
    try:
        async with runtime.db.session() as s:
            answered = list((await s.execute(select(Answer.answered_at))).scalars())
            rows = (await s.execute(select(Reminder.kind, Reminder.status))).all()
            patient = (await s.execute(select(Patient))).scalar_one()
            answered.append(patient.created_at)
    finally:
        await runtime.close()
    return answered, [(k, st) for k, st in rows]


HEADERS = {
    "nl": [
        "[6 mrt 2026 10:00]",
        "[7 mrt 2026 10:00]",
        "[16 mrt 2026 10:00]",
        "[17 mrt 2026 10:00]",
    ],
    "fr": [
        "[6 mars 2026 10:00]",
        "[7 mars 2026 10:00]",
        "[16 mars 2026 10:00]",
        "[17 mars 2026 10:00]",
    ],
}
# the risk questionnaire is still open (a late answer counts): the check-in waits behind it
CHECKIN = {"nl": "Er staat ook een korte opvolging", "fr": "Un court suivi vous attend aussi"}
NUDGE = {
    "nl": "Een vriendelijke herinnering: uw vragenlijst",
    "fr": "Un petit rappel : votre questionnaire",
}


@pytest.mark.parametrize("lang", ["nl", "fr"])
async def test_a_later_now_shows_what_came_meanwhile(tmp_path: Path, lang: str) -> None:
    db, data = tmp_path / "chat.db", tmp_path / "data"
    first = await session(db, data, "2026-03-02T09:30", INTAKE, lang)
    assert not first.startswith("[")  # nothing was due: no replayed moment
    times, _ = await stored(db, data)
    start = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)  # 09:30 in Brussels
    assert times and all(t == start for t in times)  # stored times follow --now

    second = await session(db, data, "2026-03-17T12:00", [], lang)
    # the risk questionnaire (6 March), its nudge (7 March), the check-in (16 March) and
    # its nudge (17 March), in order, each under its local date and time
    at = [second.index(h) for h in HEADERS[lang]]
    assert at == sorted(at) and second.count("[") == 4
    assert second[at[2] :].split("\n")[1].startswith(CHECKIN[lang])
    assert second[at[1] :].split("\n")[1].startswith(NUDGE[lang])
    _, rows = await stored(db, data)
    assert ("risk_questionnaire", "expired") in rows  # never answered: expired on 8 March
    assert ("checkin", "sent") in rows  # still open: the patient can answer it now


async def test_a_date_alone_is_noon_local_time() -> None:
    assert parse_now("2026-03-16", BRUSSELS) == datetime(2026, 3, 16, 12, 0, tzinfo=BRUSSELS)
    assert parse_now("2026-03-16T08:05", BRUSSELS).hour == 8
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_now("16/03/2026", BRUSSELS)


def test_a_bad_now_is_refused_by_the_command(tmp_path: Path) -> None:
    result = chat(tmp_path / "c.db", [], "--now", "morgen")
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr
    assert not (tmp_path / "c.db").exists()


def test_the_command_runs_at_the_chosen_moments(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    first = chat(db, INTAKE, "--lang", "nl", "--now", "2026-03-02T09:30", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    second = chat(db, [], "--now", "2026-03-16T10:30", data_dir=tmp_path)
    assert second.returncode == 0, second.stderr
    stamps = [line for line in second.stdout.splitlines() if line.startswith("[")]
    assert stamps == ["[6 mrt 2026 10:00]", "[7 mrt 2026 10:00]", "[16 mrt 2026 10:00]"]
