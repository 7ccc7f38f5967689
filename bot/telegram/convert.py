"""Telegram Update -> service Incoming. No texts are logged or kept here."""

from __future__ import annotations

from telegram import Update

from bot.engine import Event
from bot.engine.model import EventKind
from bot.service import Incoming

CHANNEL = "telegram"


def to_incoming(update: Update) -> Incoming | None:
    """The event an update stands for, or None for updates we do not handle."""
    user = update.effective_user
    if user is None or (update.effective_chat and update.effective_chat.type != "private"):
        return None
    hint = user.language_code
    query = update.callback_query
    tapped = None
    if query is not None:
        event = Event("choice", text=query.data or "", language_hint=hint)
        tapped = query.message.message_id if query.message is not None else None
    elif update.message is not None:
        text = update.message.text
        if text is None:
            event = Event("unsupported", language_hint=hint)
        elif text.startswith("/"):
            head, _, arg = text[1:].partition(" ")
            name = head.split("@", 1)[0].lower()
            kind: EventKind = "start" if name == "start" else "command"
            event = Event(kind, text=name, arg=arg.strip(), language_hint=hint)
        else:
            event = Event("text", text=text, language_hint=hint)
    else:
        return None
    return Incoming(CHANNEL, str(user.id), event, update.update_id, message_id=tapped)
