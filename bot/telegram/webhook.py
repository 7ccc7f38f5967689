"""`backpath webhook set|delete|info`: Telegram's registration of our webhook."""

from __future__ import annotations

from typing import TextIO

from telegram import Bot
from telegram.request import BaseRequest

from bot.config import Settings

ALLOWED_UPDATES = ["message", "callback_query"]  # what the bot handles (as in polling)


class WebhookError(Exception):
    """A setting is missing; the message says which."""


async def webhook_command(
    action: str, settings: Settings, out: TextIO, request: BaseRequest | None = None
) -> None:
    if settings.telegram_bot_token is None:
        raise WebhookError("TELEGRAM_BOT_TOKEN is not set")
    bot = Bot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=settings.telegram_api_base_url,
        request=request,
    )
    async with bot:
        if action == "set":
            url, secret = settings.telegram_webhook_url, settings.telegram_webhook_secret
            if not url or secret is None:
                raise WebhookError(
                    "set TELEGRAM_WEBHOOK_URL (the public https URL of the webhook path) and "
                    "TELEGRAM_WEBHOOK_SECRET (the same value the workers use)"
                )
            await bot.set_webhook(
                url, secret_token=secret.get_secret_value(), allowed_updates=ALLOWED_UPDATES
            )
            out.write(f"webhook set: {url}\n")
        elif action == "delete":
            # pending updates stay with Telegram: `backpath run` (polling) fetches them
            await bot.delete_webhook(drop_pending_updates=False)
            out.write("webhook deleted (use `backpath run` to poll instead)\n")
        else:
            info = await bot.get_webhook_info()
            out.write(f"url: {info.url or '(none: polling)'}\n")
            out.write(f"pending updates: {info.pending_update_count}\n")
            if info.last_error_date is not None:
                out.write(f"last error: {info.last_error_date:%Y-%m-%d %H:%M} UTC ")
                out.write(f"{info.last_error_message or ''}\n")
