"""Render engine Replies into text and button labels for a channel."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.model import Language, Reply, Text
from bot.i18n.catalogs import Catalogs


@dataclass(frozen=True)
class RenderedButton:
    label: str
    data: str


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: tuple[tuple[RenderedButton, ...], ...]
    expects: str | None


def render_reply(catalogs: Catalogs, language: Language, reply: Reply) -> Rendered:
    parts = [catalogs.render(language, p) for p in reply.parts]
    if reply.progress is not None:
        position, total = reply.progress
        marker = catalogs.render(
            language, Text("progress.marker", {"position": position, "total": total})
        )
        parts.insert(0, marker)
    buttons = tuple(
        tuple(RenderedButton(catalogs.render(language, b.label), b.data) for b in row)
        for row in reply.buttons
    )
    return Rendered("\n\n".join(parts), buttons, reply.expects)
