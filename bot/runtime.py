"""Assemble the parts (catalogs, flows, engine, database, service) from settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from bot.charts import PROGRESS, Charts
from bot.clinic.mydata_readable import ReadableData
from bot.clinic.report import ReportContent
from bot.clinic.summaries import SUMMARY, Summaries
from bot.clock import Clock, FileClock, SystemClock
from bot.config import Settings
from bot.delivery.inbox import Inbox
from bot.delivery.limits import Limiter, LocalLimiter
from bot.delivery.sender import Sender, Transport
from bot.delivery.shared_limit import SharedLimiter
from bot.delivery.worker import worker_name
from bot.engine import Engine
from bot.engine.features.data_rights import MYDATA_READABLE
from bot.engine.features.registry import default_features
from bot.files import PatientFiles
from bot.i18n import CatalogError, Catalogs
from bot.instruments.registry import Instruments, load_content
from bot.msgids import dynamic_msgids, missing_msgids
from bot.pathway.config import PathwayConfig, load_config
from bot.service import Service
from bot.store import Database
from bot.store.lock import SqliteLock
from bot.store.release import migrate_locked


def check_built_msgids(catalogs: Catalogs, engine: Engine) -> None:
    """Refuse to start when a msgid the code builds at run time has no text in a language."""
    from bot.advice.selection import load_library

    families = dynamic_msgids(engine.flows, load_library(), engine.instruments, engine.commands)
    missing = missing_msgids(families, catalogs.has)
    if missing:
        raise CatalogError("built message ids missing in a catalog: " + "; ".join(missing))


@dataclass
class Runtime:
    settings: Settings
    catalogs: Catalogs
    engine: Engine
    instruments: Instruments  # the descriptors of flows/instruments/, resolved and checked
    db: Database
    service: Service
    clock: Clock
    pathway: PathwayConfig  # follow-up timing (bot/pathway/config.yaml)
    charts: Charts  # the progress chart (a reply attachment)
    lock: SqliteLock | None = None  # held while this process serves a SQLite file
    # paces every Bot API send: this process's own pace, or on PostgreSQL the bot-wide one
    limiter: Limiter = field(default_factory=LocalLimiter)

    def sender(self, transport: Transport) -> Sender:
        """The outbox's sender for one channel's transport (bot/delivery/sender.py)."""
        return Sender(
            self.db, self.clock, transport, self.limiter, self.service.attachment, self.pathway
        )

    async def close(self) -> None:
        await self.db.dispose()
        if self.lock is not None:
            self.lock.release()

    @cached_property
    def inbox(self) -> Inbox:
        """Telegram updates from their arrival until processed (bot/delivery/inbox.py)."""
        lease = timedelta(seconds=self.settings.backpath_inbox_lease)
        return Inbox(self.db, self.clock, lease, worker_name())


async def build_runtime(
    settings: Settings, clock: Clock | None = None, migrate: bool = True, serving: bool = False
) -> Runtime:
    """`serving`: this process talks to patients (polling, webhook, terminal chat). On
    SQLite it then refuses to start while another serving process uses the file
    (bot.store.lock.DatabaseInUse), before migrating."""
    catalogs = Catalogs.load(settings.messages_dir)
    flows, instruments = load_content(settings.flows_dir, catalogs.has)
    advice_repeat = timedelta(days=settings.advice_repeat_days)
    pathway = load_config()  # one timing config for the engine and the scheduler
    features = default_features(flows, advice_repeat, pathway, instruments=instruments)
    engine = Engine(flows, catalogs.render, instruments, features)
    check_built_msgids(catalogs, engine)
    # a connection for each patient the inbox worker and each chat the reminder dispatch
    # serve at once (SQLAlchemy's default pool of 5 + 10 made the 24 of them queue)
    connections = settings.backpath_inbox_concurrency + settings.backpath_reminder_concurrency
    db = Database(settings.resolved_database_url, connections)
    lock = SqliteLock(db.sqlite_path) if serving and db.sqlite_path is not None else None
    try:
        if lock is not None:
            lock.acquire()
        if migrate:  # CLI tools and the terminal chat; workers check the schema instead
            await migrate_locked(db)
    except BaseException:
        await db.dispose()
        if lock is not None:
            lock.release()
        raise
    if clock is None:  # the file clock is for tests that drive another process's time
        file = settings.backpath_clock_file
        clock = FileClock(file) if file is not None else SystemClock()
    charts = Charts(catalogs, pathway, instruments)
    files = PatientFiles(settings.backpath_data_dir / "charts")
    service = Service(
        db,
        engine,
        catalogs,
        clock,
        files,
        {PROGRESS: charts.attachment, MYDATA_READABLE: ReadableData(catalogs, flows).attachment},
        settings.backpath_portal_url,
        {SUMMARY: Summaries(db, ReportContent(catalogs, flows, instruments)).attachment},
    )
    return Runtime(
        settings,
        catalogs,
        engine,
        instruments,
        db,
        service,
        clock,
        pathway,
        charts,
        lock,
        send_limiter(db, settings.backpath_send_rate),
    )


def send_limiter(db: Database, rate: float) -> Limiter:
    """The bot-wide send rate: shared through the database by all PostgreSQL workers
    (bot/delivery/shared_limit.py); on SQLite one process serves and paces itself."""
    return LocalLimiter(rate=rate) if db.is_sqlite else SharedLimiter(db, rate)
