"""Telegram's transport for the outbox: one row, one Bot API call.

A row that `edits` a message (the next question in place of the tapped one,
bot/delivery/outbox.py) is an editMessageText of it with the new text and keyboard. Sent
again after a crash, Telegram answers "message is not modified": it was delivered, and
counts so. Refused otherwise (the message is gone, or too old to edit), it raises
NotEditable and the sender sends the row as a new message (a second call, with a turn of
its own at the send rate): nothing the patient should see is lost.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
)
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.delivery import outbox
from bot.delivery.limits import Limiter
from bot.delivery.sender import Blocked, NotEditable, RetryLater, Undeliverable
from bot.engine.model import Text
from bot.i18n import Catalogs
from bot.i18n.rendering import Rendered
from bot.service import Attachment, Outcome

NOT_MODIFIED = "message is not modified"  # Telegram's answer to an edit that changes nothing


def keyboard(rendered: Rendered) -> InlineKeyboardMarkup | None:
    if not rendered.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in rendered.buttons
        ]
    )


class TelegramTransport:
    """Sends outbox rows with the Bot API; its errors become Blocked / RetryLater /
    Undeliverable for the sender (bot/delivery/sender.py)."""

    def __init__(self, bot: Bot, catalogs: Catalogs) -> None:
        self.bot, self.catalogs = bot, catalogs

    async def send(self, message: outbox.Message, attachment: Attachment | None, /) -> int | None:
        chat_id = int(message.chat)
        try:
            if attachment is None:
                rendered = message.rendered
                if message.edits is not None:
                    await self._edit(chat_id, message.edits, rendered)
                    return message.edits
                sent = await self.bot.send_message(
                    chat_id, rendered.text, reply_markup=keyboard(rendered)
                )
                return sent.message_id
            caption = attachment.caption
            text = self.catalogs.render(message.language, caption) if caption else None
            upload = InputFile(attachment.data, filename=attachment.filename)
            if attachment.filename.endswith(".png"):  # a chart: shown in the chat
                sent = await self.bot.send_photo(chat_id, upload, caption=text)
            else:
                sent = await self.bot.send_document(chat_id, upload, caption=text)
            return sent.message_id
        except Forbidden as exc:
            raise Blocked from exc
        except RetryAfter as exc:
            after = exc.retry_after
            seconds = after.total_seconds() if isinstance(after, timedelta) else float(after)
            raise RetryLater("retry_after", seconds) from exc
        except BadRequest as exc:  # before TelegramError: BadRequest is a NetworkError too
            raise Undeliverable(type(exc).__name__) from exc
        except TelegramError as exc:
            raise RetryLater(type(exc).__name__) from exc

    async def _edit(self, chat_id: int, message_id: int, rendered: Rendered) -> None:
        """Put the row into the tapped message (a repeat of the edit: done before)."""
        try:
            await self.bot.edit_message_text(
                rendered.text, chat_id, message_id, reply_markup=keyboard(rendered)
            )
        except BadRequest as exc:
            if NOT_MODIFIED not in exc.message.lower():
                raise NotEditable from exc

    async def remove_keyboard(self, chat: str, message_id: int, /) -> None:
        with suppress(TelegramError):  # gone already, too old to edit: nothing to fix
            await self.bot.edit_message_reply_markup(int(chat), message_id, reply_markup=None)


async def settle_keyboard(
    query: CallbackQuery, catalogs: Catalogs, outcome: Outcome, limiter: Limiter, chat: str
) -> None:
    """Show the chosen answer under the answered question and remove its buttons.

    A tap on an old keyboard only loses the keyboard: the engine re-sent the question.
    Nothing when the reply takes the message's place (`Outcome.replaced`: its delivery is
    the one edit). The edit waits for its turn at the bot-wide send rate like every message.
    """
    message = query.message
    if message is None or outcome.duplicate or outcome.replaced:
        return
    await limiter.acquire(chat)
    try:
        if outcome.chosen is not None and isinstance(message, Message) and message.text:
            mark = catalogs.render(
                outcome.language,
                Text(
                    "choice.marked", {"choice": catalogs.render(outcome.language, outcome.chosen)}
                ),
            )
            await query.edit_message_text(f"{message.text}\n\n{mark}", reply_markup=None)
        else:
            await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest:
        pass  # message too old to edit or already without keyboard: nothing to fix
