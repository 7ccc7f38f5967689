"""Starting a worker (`backpath run`, `backpath serve`): reach the database and the Bot API
with retries, check that the schema is current (workers never migrate), and fail with one
clear sentence (StartupError, printed without a traceback) when that does not work out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from telegram import Bot
from telegram.error import InvalidToken, NetworkError

from bot.clock import Clock
from bot.config import Settings
from bot.runtime import Runtime, build_runtime
from bot.store.errors import StartupError
from bot.store.release import SchemaNotCurrent, check_schema

log = logging.getLogger(__name__)

T = TypeVar("T")
UNREACHABLE = (OSError, DBAPIError, NetworkError)  # NetworkError includes TimedOut
MAX_DELAY = 30.0


async def with_retries(
    what: str,
    attempt: Callable[[], Awaitable[T]],
    attempts: int,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """`attempt()` until it works; after `attempts` failed tries, a StartupError."""
    delay = 1.0
    for number in range(1, attempts + 1):
        try:
            return await attempt()
        except UNREACHABLE as error:
            reason = type(error).__name__
            if number == attempts:
                raise StartupError(
                    f"{what} is unreachable ({reason}) after {attempts} tries; check the "
                    "address and the network, then start again"
                ) from None
            log.warning(
                "%s unreachable (%s), try %d of %d, again in %.0f s",
                what,
                reason,
                number,
                attempts,
                delay,
            )
            await sleep(delay)
            delay = min(delay * 2, MAX_DELAY)
    raise AssertionError("unreachable")  # the loop returns or raises


async def worker_runtime(settings: Settings, clock: Clock | None = None) -> Runtime:
    """The runtime of a worker, on a reachable database whose schema is current."""
    runtime = await build_runtime(settings, clock, migrate=False, serving=True)
    try:
        await with_retries(
            "the database", lambda: check_schema(runtime.db), settings.backpath_startup_attempts
        )
    except SchemaNotCurrent as error:
        await runtime.close()
        raise StartupError(str(error)) from None
    except BaseException:
        await runtime.close()
        raise
    return runtime


async def connect_bot(initialize: Callable[[], Awaitable[object]], attempts: int) -> None:
    """Initialize the bot (its getMe call) with retries; a refused token says so."""
    try:
        await with_retries("the Telegram Bot API", initialize, attempts)
    except InvalidToken:
        raise StartupError(
            "Telegram refused the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)"
        ) from None


async def preflight(settings: Settings) -> None:
    """Before `backpath run` starts polling: the database answers with a current schema and
    the Bot API takes the token (PTB would otherwise fail with a traceback)."""
    runtime = await worker_runtime(settings)
    await runtime.close()
    assert settings.telegram_bot_token is not None
    token = settings.telegram_bot_token.get_secret_value()
    bot = Bot(token, base_url=settings.telegram_api_base_url)
    await connect_bot(bot.initialize, settings.backpath_startup_attempts)
    await bot.shutdown()
