"""The python-telegram-bot Application: polling, handlers, commands per language."""

from __future__ import annotations

import logging
from contextlib import suppress
from datetime import timedelta
from typing import Any

from telegram import Bot, BotCommand, Update
from telegram.error import BadRequest
from telegram.ext import AIORateLimiter, Application, ContextTypes, TypeHandler
from telegram.request import BaseRequest, HTTPXRequest

from bot.clock import Clock
from bot.config import Settings
from bot.delivery import outbox
from bot.delivery.sender import Sender
from bot.engine.model import Text
from bot.i18n import LANGUAGES
from bot.runtime import Runtime, build_runtime
from bot.scheduler.dispatch import dispatch_due
from bot.telegram.convert import CHANNEL, to_incoming
from bot.telegram.intake import InboxApplication, InboxRequest
from bot.telegram.metered import MeteredRequest
from bot.telegram.send import TelegramTransport, settle_keyboard

log = logging.getLogger(__name__)

RUNTIME_KEY = "runtime"
# polled updates PTB waits on at once (its handler only waits for the inbox worker, which
# keeps each patient's order: bot/delivery/worker.py)
POLLED_AT_ONCE = 64
SENDER_KEY = "sender"
PRUNE_EVERY = timedelta(minutes=10)


def _runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    runtime: Runtime = context.application.bot_data[RUNTIME_KEY]
    return runtime


def _sender(context: ContextTypes.DEFAULT_TYPE) -> Sender:
    sender: Sender = context.application.bot_data[SENDER_KEY]
    return sender


def telegram_sender(runtime: Runtime, bot: Bot) -> Sender:
    """The outbox's sender for Telegram (bot/delivery/sender.py)."""
    return runtime.sender(TelegramTransport(bot, runtime.catalogs))


async def start_delivery(runtime: Runtime, sender: Sender) -> None:
    """At start-up: what a previous process committed but did not deliver goes out now,
    escalations first, before any new update (nobody has to type to get it)."""
    if runtime.db.is_sqlite:  # one serving process per file: every lease left is dead
        await outbox.release_all(runtime.db, CHANNEL)
    done = await sender.drain(CHANNEL)
    if done.sent:
        log.info("delivered %d outbox messages left by the previous process", done.sent)


async def handle_update(update: object, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Handle one update from the inbox; True when the service marked it processed (in the
    transaction that handled it: bot/service.py), False for kinds it does not handle."""
    if not isinstance(update, Update):
        return False
    incoming = to_incoming(update)
    if incoming is None:
        return False
    runtime = _runtime(context)
    outcome = await runtime.service.handle(incoming, hold=True)
    query = update.callback_query
    if query is not None:
        # always answered, also for duplicates and stale buttons; "query is too old" (after
        # downtime) must not stop the replies from going out
        with suppress(BadRequest):
            await query.answer()
        await settle_keyboard(query, runtime.catalogs, outcome, runtime.limiter, incoming.user)
    # what this update queued (and anything older of this chat that is still waiting)
    await _sender(context).deliver(CHANNEL, incoming.user, outcome.held)
    for chat in outcome.others:  # clinicians' summaries it queued
        await _sender(context).deliver(CHANNEL, chat)
    return True


async def dispatch_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The periodic job: deliver what waits in the outbox (retries, a crashed sender's
    rows after their lease; clinicians' summaries too), then send what is due
    (bot/scheduler) through the service."""
    runtime, sender = _runtime(context), _sender(context)
    await sender.drain(CHANNEL)
    await dispatch_due(runtime, sender, CHANNEL)


async def prune_old_rows(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The periodic job: processed inbox rows and their ids once a late duplicate can no
    longer come (bot/delivery/inbox.py), delivered outbox rows once their retention is over
    (their texts went at delivery; bot/delivery/outbox.py)."""
    runtime = _runtime(context)
    settings = runtime.settings
    inbox = await runtime.inbox.prune(timedelta(hours=settings.backpath_inbox_retention_hours))
    retention = timedelta(days=settings.backpath_outbox_retention_days)
    delivered = await outbox.prune(runtime.db, runtime.clock.now() - retention)
    if inbox or delivered:
        log.info("pruned %d inbox rows and ids, %d delivered outbox rows", inbox, delivered)


async def log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "error handling update %s: %s",
        update_id,
        type(context.error).__name__,
        exc_info=context.error,
    )


async def register_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    # Every engine command with a description in the catalogs is listed, in engine order.
    names = [n for n in runtime.engine.commands if runtime.catalogs.has(f"command.{n}")]
    for language in LANGUAGES:
        commands = [
            BotCommand(name, runtime.catalogs.render(language, Text(f"command.{name}")))
            for name in names
        ]
        await application.bot.set_my_commands(commands, language_code=language)
        if language == "nl":
            await application.bot.set_my_commands(commands)  # default for other languages


def build_application(
    settings: Settings,
    runtime: Runtime | None = None,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    rate_limit: bool = True,
) -> InboxApplication:
    """The Application; the runtime is built in post_init when not given.

    `rate_limit` keeps within Telegram's limits (about 30 calls a second overall) and
    honours 429 retry_after; only benchmarks measuring the bot's own cost turn it off.
    """
    assert settings.telegram_bot_token is not None
    builder: Any = (  # the builder's type parameters change with the rate limiter
        Application.builder()
        .application_class(InboxApplication)
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .concurrent_updates(POLLED_AT_ONCE)
    )
    if rate_limit:  # 429 retries; the pace itself is the sender's limiter (Runtime.limiter)
        rate = settings.backpath_send_rate
        builder = builder.rate_limiter(AIORateLimiter(overall_max_rate=rate, max_retries=3))
    # every Bot API answer is counted (bot/metrics.py)
    builder = builder.request(MeteredRequest(request or HTTPXRequest(connection_pool_size=64)))
    # a polled batch is in the inbox before the next offset acknowledges it
    polled = MeteredRequest(request or HTTPXRequest())
    builder = builder.get_updates_request(InboxRequest(polled, lambda u: application.intake(u)))

    async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        if RUNTIME_KEY not in application.bot_data:
            # a worker never migrates (`backpath migrate` does, as a release step)
            application.bot_data[RUNTIME_KEY] = await build_runtime(
                settings, clock, migrate=False, serving=True
            )
        await register_commands(application)
        running: Runtime = application.bot_data[RUNTIME_KEY]
        if SENDER_KEY not in application.bot_data:
            application.bot_data[SENDER_KEY] = telegram_sender(running, application.bot)
        await start_delivery(running, application.bot_data[SENDER_KEY])
        interval = settings.backpath_reminder_interval
        if interval > 0 and application.job_queue is not None:
            application.job_queue.run_repeating(
                dispatch_reminders, interval=interval, first=interval, name="reminders"
            )
        if application.job_queue is not None:
            application.job_queue.run_repeating(
                prune_old_rows, interval=PRUNE_EVERY, first=timedelta(0), name="prune"
            )

    async def post_shutdown(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        built = application.bot_data.pop(RUNTIME_KEY, None)  # none if post_init failed
        if runtime is None and built is not None:
            await built.close()

    application: InboxApplication = (
        builder.post_init(post_init).post_shutdown(post_shutdown).build()
    )
    if runtime is not None:
        application.bot_data[RUNTIME_KEY] = runtime
        application.bot_data[SENDER_KEY] = telegram_sender(runtime, application.bot)
    application.handler = handle_update  # what the inbox worker runs for each update
    application.runtime = lambda: application.bot_data[RUNTIME_KEY]
    application.add_handler(TypeHandler(Update, application.wait_processed))
    application.add_error_handler(log_error)
    return application


def serve(settings: Settings) -> None:
    """Poll Telegram until interrupted."""
    application = build_application(settings)
    application.run_polling(
        allowed_updates=["message", "callback_query"], drop_pending_updates=False
    )
