"""Render service outcomes as Bot API calls."""

from __future__ import annotations

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

from bot.engine.model import Text
from bot.i18n import Catalogs
from bot.i18n.rendering import Rendered, render_reply
from bot.scheduler import Blocked, RetryLater, Sender
from bot.service import Outcome


def keyboard(rendered: Rendered) -> InlineKeyboardMarkup | None:
    if not rendered.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in rendered.buttons
        ]
    )


async def send_outcome(bot: Bot, chat_id: int, catalogs: Catalogs, outcome: Outcome) -> None:
    """Send the replies in order, each followed by its attachment (a chart as a photo)."""
    for reply in outcome.replies:
        rendered = render_reply(catalogs, outcome.language, reply)
        await bot.send_message(chat_id, rendered.text, reply_markup=keyboard(rendered))
        attachment = outcome.attachments.get(reply.attachment or "")
        if attachment is not None:
            caption = attachment.caption
            text = catalogs.render(outcome.language, caption) if caption else None
            upload = InputFile(attachment.data, filename=attachment.filename)
            if attachment.filename.endswith(".png"):  # a chart: shown in the chat
                await bot.send_photo(chat_id, upload, caption=text)
            else:
                await bot.send_document(chat_id, upload, caption=text)


def reminder_sender(bot: Bot, catalogs: Catalogs) -> Sender:
    """The scheduler's Sender for Telegram: Bot API errors become Blocked / RetryLater."""

    async def send(user: str, outcome: Outcome) -> None:
        try:
            await send_outcome(bot, int(user), catalogs, outcome)
        except Forbidden as exc:
            raise Blocked from exc
        except RetryAfter as exc:
            after = exc.retry_after
            seconds = after.total_seconds() if isinstance(after, timedelta) else float(after)
            raise RetryLater("retry_after", seconds) from exc
        except TelegramError as exc:
            raise RetryLater(type(exc).__name__) from exc

    return send


async def settle_keyboard(query: CallbackQuery, catalogs: Catalogs, outcome: Outcome) -> None:
    """Show the chosen answer under the answered question and remove its buttons.

    A tap on an old keyboard only loses the keyboard: the engine re-sent the question.
    """
    message = query.message
    if message is None or outcome.duplicate:
        return
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
