"""The python-telegram-bot Application: polling, handlers, commands per language."""

from __future__ import annotations

import logging
from contextlib import suppress
from typing import Any

from telegram import BotCommand, Update
from telegram.error import BadRequest
from telegram.ext import AIORateLimiter, Application, ContextTypes, TypeHandler
from telegram.request import BaseRequest, HTTPXRequest

from bot.clock import Clock
from bot.config import Settings
from bot.engine.model import Text
from bot.i18n import LANGUAGES
from bot.runtime import Runtime, build_runtime
from bot.scheduler import dispatch_due
from bot.telegram.convert import CHANNEL, to_incoming
from bot.telegram.intake import InboxApplication, InboxRequest
from bot.telegram.limited import LimitedRequest
from bot.telegram.metered import MeteredRequest
from bot.telegram.outbox import send_pending
from bot.telegram.processor import PerUserUpdateProcessor
from bot.telegram.send import reminder_sender, send_outcome, settle_keyboard

log = logging.getLogger(__name__)

RUNTIME_KEY = "runtime"


def _runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    runtime: Runtime = context.application.bot_data[RUNTIME_KEY]
    return runtime


async def handle_update(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not isinstance(update, Update):
        return
    incoming = to_incoming(update)
    if incoming is None:
        return
    runtime = _runtime(context)
    outcome = await runtime.service.handle(incoming)
    query = update.callback_query
    if query is not None:
        # always answered, also for duplicates and stale buttons; "query is too old" (after
        # downtime) must not stop the replies from going out
        with suppress(BadRequest):
            await query.answer()
        await settle_keyboard(query, runtime.catalogs, outcome)
    chat = update.effective_chat
    if chat is not None and outcome.replies:
        await send_outcome(context.bot, chat.id, runtime.catalogs, outcome)
    # clinician summaries queued by this update
    await send_pending(runtime, context.bot, unclaimed_only=True)


async def dispatch_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The periodic job: send what is due (bot/scheduler) through the service, and retry
    clinician summaries whose sending failed earlier."""
    runtime = _runtime(context)
    await dispatch_due(runtime, reminder_sender(context.bot, runtime.catalogs), CHANNEL)
    await send_pending(runtime, context.bot)


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
        .concurrent_updates(PerUserUpdateProcessor())
    )
    if rate_limit:  # this process's pace (and 429 retries); PostgreSQL workers share one too
        rate = settings.backpath_send_rate
        builder = builder.rate_limiter(AIORateLimiter(overall_max_rate=rate, max_retries=3))
    # every Bot API answer is counted (bot/metrics.py)
    sending: BaseRequest = MeteredRequest(request or HTTPXRequest(connection_pool_size=64))
    if rate_limit:
        sending = LimitedRequest(sending, lambda: application.runtime().shared_limiter)
    builder = builder.request(sending)
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
        await send_pending(application.bot_data[RUNTIME_KEY], application.bot)  # left over
        interval = settings.backpath_reminder_interval
        if interval > 0 and application.job_queue is not None:
            application.job_queue.run_repeating(
                dispatch_reminders, interval=interval, first=interval, name="reminders"
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
