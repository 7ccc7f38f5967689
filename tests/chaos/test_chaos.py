"""Chaos (issue #17): the bot process is SIGKILLed at random moments and started again while
20 patients answer whole intakes over the fake Bot API and reminders fall due.

The bot is the real `python -m bot.cli run` (long polling) in a subprocess, talking to the
fake Bot API served over HTTP (`serve_http`); its time is a file (`BACKPATH_CLOCK_FILE`,
test-only) the test moves forward to make reminders due, never waiting for time to pass.
A seeded RNG picks the kill moments (after so many messages to patients): four during the
intakes; then the clock jumps two weeks at a restart, everyone's first check-in falls due,
and the last kill comes while the reminders are going out.

Polling acknowledges a batch of updates when it asks for the next one, before the bot has
handled them (python-telegram-bot; the durable inbox, `bot/delivery/inbox.py`, stores them
before it acknowledges). Without that inbox a patient whose message got no answer for
SILENCE seconds sends it again, as a person would; with it, they only wait.

Checked, on SQLite and PostgreSQL: every answer stored once and every score equal to the
scorer's result on the stored answers; every outbox row delivered, and each Telegram send
confirmed by exactly one row, except a send whose 200 was lost at a kill: the killed
process's last send to that chat, repeated by a later process (at most one per chat per
kill, counted; each process calls the Bot API under a path of its own, so a request written
just before the SIGKILL and read after it still counts as the dead process's); every
reminder's messages delivered; every urgent patient got the full urgent message (and
`shown_at` is set); every other patient reached the end of the intake; nothing left pending
or half-sent.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import random
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import func, select

from bot.clock import FileClock
from bot.config import PROJECT_ROOT
from bot.delivery import outbox
from bot.engine.model import Text
from bot.i18n import Catalogs
from bot.instruments import comi, nrs
from bot.store import Database
from bot.store.models import Answer, OutboxMessage, Patient, RedFlag, Reminder, Response, Score
from tests.conftest import START
from tests.e2e.conftest import TOKEN
from tests.fake_bot_api import FakeBotApi, buttons_of, serve_http

PATIENTS = 20
URGENT = {4, 13}  # these patients answer "yes" to the first red-flag question
KILLS = 6  # 4 during the intakes, 1 before the last clock jump, 1 while reminders go out
SEED = int(os.environ.get("BACKPATH_CHAOS_SEED", "17"))
INBOX = importlib.util.find_spec("bot.delivery.inbox") is not None
SILENCE = 4.0  # seconds without an answer, after a kill, before a patient sends again
SETTLE = 0.5  # seconds without a new message before a patient reads what came as final
TURN_LIMIT = 90.0  # seconds one turn may take, restarts included (guards a hung test)
MAX_TURNS = 80
SENDS = ("sendMessage", "sendPhoto", "sendDocument")
PREFERRED = ("onboarding.consent_yes", "answer.no", "episode.onset_today", "episode.pain_type_back")


def sends(api: FakeBotApi) -> list[Any]:
    return [c for c in api.calls if c.method in SENDS]


def process_of(call: Any) -> int:
    """The bot process that made the call: the one started after that many kills."""
    return int(call.path.split("/")[1].removeprefix("process"))


@dataclass
class Bot:
    """The bot process, started, killed and started again."""

    env: dict[str, str]
    cwd: Path
    log: TextIO
    api_url: str  # the fake Bot API's root
    process: asyncio.subprocess.Process | None = None
    kills: list[int] = field(default_factory=list)  # number of sends seen at each kill

    async def start(self) -> None:
        """Process n (started after n kills) calls the Bot API under its own path prefix, so
        each call says which process made it (`process_of`): a request written just before
        a SIGKILL is read and recorded by the fake Bot API after the kill was counted."""
        url = f"{self.api_url}/process{len(self.kills)}/bot"
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            env={**self.env, "TELEGRAM_API_BASE_URL": url},
            cwd=self.cwd,
            stdout=self.log,
            stderr=self.log,
        )

    async def kill(self, seen: int) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.kills.append(seen)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


@dataclass
class Person:
    """A simulated patient in Telegram."""

    api: FakeBotApi
    catalogs: Catalogs
    user: int
    urgent: bool
    kills: list[int]  # the bot's kills so far (Bot.kills)
    resent: int = 0
    done: bool = False

    def label(self, msgid: str) -> str:
        return self.catalogs.message("nl", msgid)

    async def _wait_answer(self, before: int, tapped: list[tuple[str, str]]) -> bool:
        """Until a new message with buttons ends what the bot says (False: silence).

        A person reads on while messages keep coming, and knows the question they just
        answered: a message repeated after a kill (a lost 200) must not be taken for the
        answer and tapped a second time. The repeat has the very buttons just tapped (a
        question asked again, after a note, carries a new number in its buttons)."""

        def fresh(call: Any) -> bool:
            buttons = buttons_of(call.params["_result"])
            return bool(buttons) and buttons != tapped

        def answered(_: object) -> bool:
            mine = self.api.sent(self.user)
            return len(mine) > before and fresh(mine[-1])

        try:
            await self.api.wait_for(answered, SILENCE if not INBOX else TURN_LIMIT)
        except TimeoutError:
            return False
        while True:
            seen = len(self.api.sent(self.user))
            try:
                await self.api.wait_for(lambda _, n=seen: len(self.api.sent(self.user)) > n, SETTLE)
            except TimeoutError:
                return fresh(self.api.sent(self.user)[-1])

    async def _send(self, update: dict[str, Any]) -> None:
        """Send; after a silence that a kill may explain, send again (a new update:
        Telegram gives each its id). A slow answer without a kill is waited for."""
        waited = 0.0
        while True:
            before, kills = len(self.api.sent(self.user)), len(self.kills)
            await self.api.push(dict(update))
            tap = update.get("callback_query")
            tapped = buttons_of(tap["message"]) if tap else []
            while not await self._wait_answer(before, tapped):
                waited += SILENCE
                assert waited < TURN_LIMIT, f"patient {self.user} got no answer"
                if len(self.kills) > kills:
                    break
            else:
                return
            self.resent += 1

    async def run(self) -> None:
        await self._send(self.api.text_update(self.user, "/start"))
        for _ in range(MAX_TURNS):
            message = self.api.last_message(self.user)
            labels = dict(buttons_of(message))
            if self.label("menu.nrs") in labels:
                self.done = True  # the intake is over: the bot offers its menu
                return
            if self.urgent and self.label("escalation.ack_button") in labels:
                self.done = True  # the urgent message is on screen: nothing more is asked
                return
            choice = self._choose(labels)
            await self._send(self.api.tap_update(self.user, message, labels[choice]))
        said = [
            (c.params.get("text", "")[:30], buttons_of(c.params["_result"])[:1])
            for c in self.api.sent(self.user)[-12:]
        ]
        raise AssertionError(f"patient {self.user}: still asked after {MAX_TURNS}: {said}")

    def _choose(self, labels: dict[str, str]) -> str:
        if self.urgent and self.label("answer.yes") in labels:
            return self.label("answer.yes")
        for msgid in PREFERRED:
            if self.label(msgid) in labels:
                return self.label(msgid)
        return "7" if "7" in labels else next(iter(labels))


@asynccontextmanager
async def fake_telegram(api: FakeBotApi) -> AsyncIterator[str]:
    server = await serve_http(api)
    async with server:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def quiet(db: Database, clock: FileClock) -> None:
    """Until nothing is pending: no outbox row, no reminder half-sent or due."""
    for _ in range(240):
        async with db.session() as session:
            pending = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "pending")
            )
            open_reminders = await session.scalar(
                select(func.count())
                .select_from(Reminder)
                .where(
                    (Reminder.status == "sending")
                    | ((Reminder.status == "planned") & (Reminder.due_at <= clock.now()))
                )
            )
        if not pending and not open_reminders:
            return
        await asyncio.sleep(0.5)  # polling the bot's progress, not waiting for time
    raise AssertionError(f"still pending: {pending} outbox rows, {open_reminders} reminders")


async def test_kills_lose_nothing_and_double_nothing(database_url: str, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    catalogs = Catalogs.load(PROJECT_ROOT / "messages")
    api = FakeBotApi()
    clock = FileClock(tmp_path / "clock")
    clock.set(START)
    log = (tmp_path / "bot.log").open("w")
    async with fake_telegram(api) as api_url:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "DATABASE_URL": database_url,
            "BACKPATH_DATA_DIR": str(tmp_path / "data"),
            "BACKPATH_CLOCK_FILE": str(clock.path),
            "BACKPATH_REMINDER_INTERVAL": "1",
            "BACKPATH_SEND_RATE": "1000",  # Telegram's 30/s is not what this test measures
            "BACKPATH_STARTUP_ATTEMPTS": "3",
            "LOG_FORMAT": "text",
        }
        migrate = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "migrate",
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=log,
        )
        assert await migrate.wait() == 0
        bot = Bot(env, tmp_path, log, api_url)
        await bot.start()
        patients = [
            Person(api, catalogs, 7100 + i, i in URGENT, bot.kills) for i in range(PATIENTS)
        ]
        # kill points: after so many messages to patients, a question edited into the
        # answered one included (an intake is ~25 of them)
        points = sorted(rng.sample(range(30, PATIENTS * 22), KILLS - 2))

        async def chaos() -> None:
            for point in points:
                await api.wait_for(lambda _, at=point: len(api.deliveries()) >= at, 180)
                await bot.kill(len(sends(api)))
                # the dead process's claims end with their lease (PostgreSQL: another
                # worker could be alive; SQLite frees them at start)
                clock.set(clock.now() + outbox.LEASE)
                await bot.start()

        try:
            await asyncio.gather(chaos(), *(p.run() for p in patients))
            # two weeks on, everyone's first check-in falls due (the clock jumps while no
            # bot runs: a live claim never ends early, and Telegram has redelivered every
            # update long before); the last kill comes while the reminders go out
            await bot.kill(len(sends(api)))
            clock.set(START + timedelta(days=14, hours=2))
            await bot.start()
            point = len(sends(api)) + rng.randrange(5, 25)
            await api.wait_for(lambda _: len(sends(api)) >= point, 120)
            await bot.kill(len(sends(api)))
            clock.set(clock.now() + outbox.LEASE)
            await bot.start()
            db = Database(database_url)
            try:
                await quiet(db, clock)
                await check(db, api, catalogs, patients, bot.kills)
            finally:
                await db.dispose()
        finally:
            await bot.stop()
            log.close()


def lost(index: int, calls: list[Any], kills: list[int], rows: list[Any], what: str) -> str:
    """What a failure must show: the unconfirmed send, the kills, the chat's sends around it
    and the chat's rows that confirm them, confirm no message or are not sent."""
    call = calls[index]
    chat = str(call.params["chat_id"])

    def said(c: Any) -> str:
        return f"{c.method} {str(c.params.get('text', ''))[:30]!r}"

    mine = [i for i, c in enumerate(calls) if str(c.params["chat_id"]) == chat]
    at = mine.index(index)
    near = [(i, process_of(calls[i]), calls[i].params["_result"]["message_id"]) for i in mine]
    near = near[max(at - 2, 0) : at + 6]
    ids = {m for _, _, m in near}
    kept = [
        (r.id, r.status, r.message_id, r.reminder_id)
        for r in rows
        if r.chat == chat and (r.message_id in ids or r.message_id is None or r.status != "sent")
    ]
    return (
        f"send {index} ({said(call)} to chat {chat}, by bot process {process_of(call)}) "
        f"not confirmed by any outbox row {what}; kills after sends {kills}; the chat's sends "
        f"around it (index, process, message_id, what) "
        f"{[(i, p, m, said(calls[i])) for i, p, m in near]}; "
        f"their rows (id, status, message_id, reminder) {kept}"
    )


async def check(
    db: Database, api: FakeBotApi, catalogs: Catalogs, patients: list[Person], kills: list[int]
) -> None:
    assert len(kills) == KILLS
    assert all(p.done for p in patients), "nobody stuck"
    async with db.session() as session:
        # every answer stored once, every score the scorer's on the stored answers
        answers = (await session.execute(select(Answer.response_id, Answer.item))).all()
        assert not [a for a, n in Counter(answers).items() if n > 1]
        scorers = {"nrs": nrs.score, "comi": comi.score}
        scored = 0
        for score, response in await session.execute(
            select(Score, Response).join(Response, Score.response_id == Response.id)
        ):
            if score.instrument in scorers:
                given = await session.execute(
                    select(Answer.item, Answer.value).where(Answer.response_id == response.id)
                )
                assert scorers[score.instrument](dict(given.all())).total == score.total
                scored += 1
        intakes = PATIENTS - len(URGENT)
        assert scored >= 2 * intakes  # the NRS and the COMI baseline of every intake
        # every row delivered; each send confirmed by one row, or repeated after a kill
        rows = list((await session.execute(select(OutboxMessage))).scalars())
        assert {r.status for r in rows} == {"sent"}
        confirmed = {r.message_id for r in rows if r.message_id is not None}
        calls = sends(api)
        results = [c.params["_result"]["message_id"] for c in calls]
        assert len(results) == len(set(results))
        assert confirmed <= set(results)
        repeated = [i for i, m in enumerate(results) if m not in confirmed]
        # a 200 lost at a kill: the killed process's last send to that chat, and the same
        # message again from a later process (so at most one per chat per kill)
        for index in repeated:
            call = calls[index]
            by, chat = process_of(call), call.params["chat_id"]
            assert by < len(kills), lost(index, calls, kills, rows, "by the process never killed")
            after = [c for c in calls[index + 1 :] if c.params["chat_id"] == chat]
            assert all(process_of(c) != by for c in after), lost(
                index, calls, kills, rows, "though its process went on sending to that chat"
            )
            assert any(  # in any order: the dead process's request may be read late
                process_of(c) > by
                and c.params["chat_id"] == chat
                and c.params.get("text") == call.params.get("text")
                for c in calls
            ), lost(index, calls, kills, rows, "and never sent again after that kill")
        # every reminder taken was delivered: its messages are confirmed rows
        reminders = list((await session.execute(select(Reminder))).scalars())
        delivered = [r for r in reminders if r.status in ("sent", "answered", "expired")]
        assert len([r for r in delivered if r.kind == "checkin"]) >= intakes
        linked = {r.reminder_id for r in rows if r.reminder_id is not None}
        assert {r.id for r in delivered if r.kind == "checkin"} <= linked
        # the urgent message, in full, to every urgent patient; shown means delivered
        flags = list((await session.execute(select(RedFlag))).scalars())
        assert len(flags) == len(URGENT) and all(f.shown_at is not None for f in flags)
        users = dict((await session.execute(select(Patient.id, Patient.external_id))).all())
    full = catalogs.render(
        "nl", Text("escalation.urgent", {"symptoms": Text("escalation.cluster.neuro")})
    )
    for flag in flags:
        texts = [c.params.get("text") for c in api.sent(int(users[flag.patient_id]))]
        assert texts.count(full) >= 1
    assert not INBOX or not sum(p.resent for p in patients)  # stored before acknowledged
    stale = catalogs.message("nl", "error.stale_button")
    notes = Counter(c.params.get("text") for c in calls)[stale]
    killed = [(i, process_of(c)) for i, c in enumerate(calls) if process_of(c) < len(kills)]
    late = [i for i, by in killed if i >= kills[by]]  # in flight at the kill, read after it
    print(
        f"\nchaos: {len(kills)} kills, {len(calls)} messages, {len(repeated)} repeated after "
        f"a lost 200 ({len(late)} recorded after their process's kill was counted), "
        f"{sum(p.resent for p in patients)} updates sent again after a silence "
        f"(inbox: {INBOX}), {notes} taps on an older question"
    )
