"""The service with a real database, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, inspect, select

from bot.clock import FrozenClock
from bot.delivery.inbox import Inbox
from bot.engine import Event
from bot.runtime import Runtime, build_runtime
from bot.service import Incoming, Outcome
from bot.store.models import Answer, Patient, ProcessedUpdate, Response, Score
from tests.conftest import make_settings

USER = "4242"
EPISODE_ANSWERS = {
    "episode.onset": "episode.onset_today",
    "episode.pain_type": "episode.pain_type_back",
}  # episode.recurrent is a yes/no: "no"


def incoming(event: Event, update_id: int | None = None) -> Incoming:
    return Incoming("telegram", USER, event, update_id)


def data_of(outcome: Outcome, label_key: str) -> str:
    for reply in outcome.replies:
        for row in reply.buttons:
            for button in row:
                if (
                    getattr(button.label, "key", None) == label_key
                    or getattr(button.label, "value", None) == label_key
                ):
                    return button.data
    raise AssertionError(f"no button {label_key}")


async def consent_and_no_flags(
    runtime: Runtime, start: Outcome, update_id: int | None = None
) -> Outcome:
    """Give consent, answer "no" to the red-flag screen, tell the episode (today, back,
    not recurrent); returns the NRS question."""
    ids = iter(range(update_id, update_id + 100)) if update_id is not None else None
    data = data_of(start, "onboarding.consent_yes")
    while True:
        outcome = await runtime.service.handle(
            incoming(Event("choice", text=data), next(ids) if ids else None)
        )
        keys = [p.key for r in outcome.replies for p in r.parts if hasattr(p, "key")]
        if "nrs.pain" in keys:
            return outcome
        data = data_of(outcome, EPISODE_ANSWERS.get(keys[-1], "answer.no"))


async def count(runtime: Runtime, model: type) -> int:
    async with runtime.db.session() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_migrations_from_empty_create_every_table(runtime: Runtime) -> None:
    async with runtime.db.engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    assert {
        "patients",
        "conversations",
        "responses",
        "answers",
        "scores",
        "processed_updates",
        "audit_log",
        "alembic_version",
    } <= tables
    await runtime.db.migrate()  # idempotent


async def test_duplicate_update_is_ignored(runtime: Runtime) -> None:
    first = await runtime.service.handle(incoming(Event("start", language_hint="nl"), 1))
    asked = await consent_and_no_flags(runtime, first, 2)
    seven = data_of(asked, "7")
    answered = await runtime.service.handle(incoming(Event("choice", text=seven), 500))
    assert not answered.duplicate
    again = await runtime.service.handle(incoming(Event("choice", text=seven), 500))
    assert again.duplicate and again.replies == ()
    # twelve red-flag answers, three about the episode, one pain score
    assert await count(runtime, Answer) == 12 + 3 + 1
    assert await count(runtime, ProcessedUpdate) == 1 + 16 + 1


async def test_an_inbox_update_is_its_own_duplicate_check(
    runtime: Runtime, clock: FrozenClock
) -> None:
    """An update the inbox stored is marked processed with its answers; handled again
    (a worker whose lease ran out) it changes nothing, and no processed_updates id is kept
    for it (that table is for updates handed to the service directly)."""
    inbox = Inbox(runtime.db, clock, timedelta(seconds=30), "w1")
    assert await inbox.store([{"update_id": 1, "message": {"from": {"id": int(USER)}}}]) == [1]
    first = await runtime.service.handle(incoming(Event("start", language_hint="nl"), 1))
    assert not first.duplicate and first.replies
    again = await runtime.service.handle(incoming(Event("start", language_hint="nl"), 1))
    assert again.duplicate and again.replies == ()
    assert await inbox.processed(1)
    assert await count(runtime, ProcessedUpdate) == 0
    assert await count(runtime, Patient) == 1


async def test_answers_survive_a_restart_and_the_patient_resumes(
    database_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    settings = make_settings(database_url, tmp_path)
    first = await build_runtime(settings, clock)
    start = await first.service.handle(incoming(Event("start", language_hint="fr")))
    await consent_and_no_flags(first, start)
    await first.close()

    second = await build_runtime(settings, clock)
    resumed = await second.service.handle(incoming(Event("start", language_hint="fr")))
    keys = [p.key for r in resumed.replies for p in r.parts]
    assert keys[0] == "start.welcome_back" and "nrs.pain" in keys
    assert resumed.language == "fr"
    done = await second.service.handle(incoming(Event("text", text="6")))
    assert done.replies
    async with second.db.session() as session:
        answer = (await session.execute(select(Answer).where(Answer.item == "pain"))).scalar_one()
        response = (
            await session.execute(select(Response).where(Response.flow == "nrs"))
        ).scalar_one()
        score = (await session.execute(select(Score))).scalar_one()
        patient = (await session.execute(select(Patient))).scalar_one()
    assert (answer.item, answer.value, answer.language, answer.flow_version) == ("pain", 6, "fr", 1)
    assert answer.answered_at is not None
    assert (response.flow, response.status) == ("nrs", "completed")
    assert (score.instrument, score.total) == ("nrs", 6)
    assert (patient.language, patient.consent_status, patient.consent_version) == ("fr", "given", 1)
    await second.close()


async def test_refusal_stores_only_the_refusal(runtime: Runtime) -> None:
    start = await runtime.service.handle(incoming(Event("start", language_hint="nl")))
    await runtime.service.handle(
        incoming(Event("choice", text=data_of(start, "onboarding.consent_no")))
    )
    await runtime.service.handle(incoming(Event("text", text="7")))
    assert await count(runtime, Response) == 0
    assert await count(runtime, Answer) == 0
    async with runtime.db.session() as session:
        patient = (await session.execute(select(Patient))).scalar_one()
    assert patient.consent_status == "refused"


async def test_a_stale_button_after_restart_is_not_recorded(runtime: Runtime) -> None:
    start = await runtime.service.handle(incoming(Event("start", language_hint="nl")))
    asked = await consent_and_no_flags(runtime, start)
    seven = data_of(asked, "7")
    await runtime.service.handle(incoming(Event("choice", text=seven)))
    stale = await runtime.service.handle(incoming(Event("choice", text=seven)))
    assert [p.key for p in stale.replies[0].parts] == ["error.stale_button"]
    assert await count(runtime, Answer) == 12 + 3 + 1  # red flags, episode, pain


async def test_upgrade_keeps_rows_written_by_the_first_schema(
    database_url: str, tmp_path: Path
) -> None:
    """Migrations run on a live database: rows from revision 0001 survive the upgrade."""
    from alembic import command
    from sqlalchemy import text

    from bot.store import Database
    from bot.store.db import alembic_config

    db = Database(database_url)

    def to_first(connection: object) -> None:
        cfg = alembic_config(database_url)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0001")

    async with db.engine.begin() as conn:
        await conn.run_sync(to_first)
        await conn.execute(
            text(
                "INSERT INTO patients (channel, external_id, consent_version, created_at) "
                "VALUES ('telegram', '77', 1, CURRENT_TIMESTAMP)"
            )
        )
    await db.migrate()
    async with db.session() as session:
        patient = (await session.execute(select(Patient))).scalar_one()
    assert patient.external_id == "77" and patient.reminders_enabled is True
    await db.dispose()


async def test_replies_lost_after_commit_are_healed_by_the_next_message(runtime: Runtime) -> None:
    """A crash between commit and send: the answer is kept, the next message re-asks."""
    start = await runtime.service.handle(incoming(Event("start", language_hint="nl")))
    asked = await consent_and_no_flags(runtime, start)
    lost = await runtime.service.handle(incoming(Event("choice", text=data_of(asked, "3"))))
    assert lost.replies  # ... never delivered
    healed = await runtime.service.handle(incoming(Event("text", text="hallo?")))
    keys = [p.key for r in healed.replies for p in r.parts if hasattr(p, "key")]
    lost_question = [p.key for p in lost.replies[-1].parts if hasattr(p, "key")]
    assert lost_question[-1] == "comi.main_problem"
    assert keys == ["manners.free_text", "comi.main_problem"]  # acknowledged, asked again
    assert await count(runtime, Answer) >= 1
