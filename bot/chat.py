"""`backpath chat`: the same service and engine in a terminal.

Works at a tty and with piped stdin: one input per line. Buttons are shown as
numbered options (`  1) Ja`), each number unique on the screen (a warning's "1) Ik heb
dit gelezen" and the next question's "2) Ja"); type the number or the option's text. A
scale is shown as its numbers; type the number (other options then start at 11). EOF
ends the session cleanly.

Reminders of this terminal patient that are due are dispatched whenever the patient
types a line (there is no background job here). At start, the reminder job is replayed
for this patient up to the clock's moment (bot/catch_up.py): each screen it brings is
shown under its local date and time, as the messages would have arrived. The clock may
be moved (`backpath chat --now`): then every stored time follows it. A chart is saved as
a PNG file under the data folder and its path is shown. Replies go through the outbox
like Telegram's (bot/delivery): what a killed session committed but never printed is
printed at the next start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.catch_up import catch_up
from bot.clock import ShiftedClock
from bot.delivery import outbox
from bot.delivery.outbox import Message
from bot.engine import Event
from bot.engine.callbacks import Option, unpack_as
from bot.engine.inputs import whole_number
from bot.engine.model import Text
from bot.i18n.formatting import format_minute
from bot.i18n.rendering import Rendered
from bot.runtime import Runtime
from bot.scheduler.dispatch import dispatch_due
from bot.service import Attachment, Incoming

PROMPT = "> "
CHANNEL = "terminal"


NOON = time(12, 0)  # `--now` with a date alone: after the default reminder time (10:00)
SCALE_TOP = 10  # options shown next to a 0-10 scale are numbered after it: never ambiguous


@dataclass
class Options:
    """The buttons on screen after one outcome, each with a number unique on the screen."""

    numbered: dict[str, str] = field(default_factory=dict)  # "3" -> callback data
    labels: dict[str, str] = field(default_factory=dict)  # casefolded label -> data
    scale: bool = False  # the last question is a scale: a typed number is its value

    def add(self, rendered: Rendered) -> list[str]:
        """Number the buttons of one message (continuing the screen's numbering)."""
        flat = [b for row in rendered.buttons for b in row]
        lines: list[str] = []
        if rendered.expects == "scale":  # type the number itself; /back goes back
            values = [b for b in flat if unpack_as(b.data, Option)]
            lines.append("  [" + " ".join(b.label for b in values) + "]")
            flat = [b for b in flat if b not in values]
        for button in flat:
            floor = SCALE_TOP if self.scale else 0
            number = str(max([floor, *map(int, self.numbered)]) + 1)
            self.numbered[number] = button.data
            self.labels[button.label.casefold()] = button.data
            lines.append(f"  {number}) {button.label}")
        return lines


def parse_line(line: str, waiting: Options | None) -> Event:
    """Map a typed line to an engine event, using the options last shown."""
    text = line.strip()
    if text.startswith("/"):
        name, _, arg = text[1:].partition(" ")
        name = name.lower()
        # as on Telegram: /start (with a deep-link payload such as i_<token>) is its own event
        return Event("start" if name == "start" else "command", text=name, arg=arg.strip())
    if waiting is not None:
        number = whole_number(text)  # never isdigit() then int(): "²" is no number
        scale_value = waiting.scale and number is not None and number <= SCALE_TOP
        if text in waiting.numbered and not scale_value:
            return Event("choice", text=waiting.numbered[text])
        if text.casefold() in waiting.labels:
            return Event("choice", text=waiting.labels[text.casefold()])
    return Event("text", text=text)


def format_rendered(rendered: Rendered, options: Options) -> str:
    return "\n".join([rendered.text, *options.add(rendered)])


def _save_image(runtime: Runtime, user: str, attachment: Attachment) -> Path:
    """Write a chart into the patient's folder under the data folder (stamped with the
    clock, so never overwritten; /delete removes the folder)."""
    stamp = runtime.clock.now().strftime("%Y%m%dT%H%M%S")
    stem, _, ext = attachment.filename.rpartition(".")
    name = f"{stem}-{stamp}.{ext}"
    return runtime.service.files.write(CHANNEL, user, name, attachment.data).resolve()


def parse_now(value: str, tz: ZoneInfo) -> datetime:
    """`--now`: "YYYY-MM-DD" (at NOON) or "YYYY-MM-DDTHH:MM", local time in `tz`."""
    try:
        if "T" in value:
            moment = datetime.strptime(value, "%Y-%m-%dT%H:%M")
        else:
            moment = datetime.combine(date.fromisoformat(value), NOON)
    except ValueError as exc:
        raise ValueError(f"--now wants YYYY-MM-DD or YYYY-MM-DDTHH:MM, not {value!r}") from exc
    return moment.replace(tzinfo=tz)


class TerminalTransport:
    """The terminal's side of the outbox: a message is delivered when it is printed.

    Options are numbered per screen: the messages waiting when the first of them is
    printed (what one typed line, or a reminder, brings)."""

    def __init__(self, runtime: Runtime, stdout: TextIO) -> None:
        self.runtime, self.stdout = runtime, stdout
        self.options = Options()
        self.screen: set[int] = set()  # outbox ids of the screen being printed
        self.waiting: Options | None = None  # the options the next typed line answers
        self.stamped = False  # replaying the reminder job: each screen under its moment

    async def _next_screen(self, message: Message) -> None:
        waiting = await outbox.pending(self.runtime.db, CHANNEL, message.chat)
        self.screen = {m.id for m in waiting}
        if self.stamped:
            moment = format_minute(self.runtime.clock.now(), message.language)
            self.stdout.write(f"[{moment}]\n")
        # numbers unique on the screen; after 10 when a scale is on it
        self.options = Options(scale=any(m.rendered.expects == "scale" for m in waiting))

    async def send(self, message: Message, attachment: Attachment | None, /) -> int | None:
        catalogs, out = self.runtime.catalogs, self.stdout
        if message.id not in self.screen:
            await self._next_screen(message)
        if attachment is None:
            rendered = message.rendered
            out.write(format_rendered(rendered, self.options) + "\n\n")
            if rendered.buttons or rendered.expects:
                self.waiting = self.options
        else:  # a terminal has no files: show what would be sent
            if attachment.caption is not None:
                out.write(catalogs.render(message.language, attachment.caption) + "\n")
            if attachment.filename.endswith(".png"):  # a chart: saved to look at
                path = _save_image(self.runtime, message.chat, attachment)
                saved = Text("progress.saved", {"path": str(path)})
                out.write(catalogs.render(message.language, saved) + "\n\n")
            elif attachment.filename.endswith(".txt"):  # a text to read (/mydata): shown
                out.write(attachment.data.decode() + "\n")
            else:
                out.write(f"[{attachment.filename}, {len(attachment.data)} bytes]\n\n")
        out.flush()
        return None

    async def remove_keyboard(self, chat: str, message_id: int, /) -> None:
        """Printed options cannot be taken back; the next screen's numbers replace them."""


async def run_chat(
    runtime: Runtime,
    user: str,
    language: str | None,
    stdin: TextIO,
    stdout: TextIO,
    clock: ShiftedClock | None = None,
) -> None:
    """`clock`: the runtime's clock, when it can be moved: the reminder job is then
    replayed up to its moment before the conversation starts."""
    interactive = stdin.isatty()
    transport = TerminalTransport(runtime, stdout)
    sender = runtime.sender(transport)
    await outbox.release_all(runtime.db, CHANNEL)  # one process per SQLite file: all dead

    async def send(event: Event) -> None:
        await dispatch_due(runtime, sender, CHANNEL, user=user)
        await runtime.service.handle(Incoming(CHANNEL, user, event))
        await sender.deliver(CHANNEL, user)

    await sender.deliver(CHANNEL, user)  # what a previous session committed, never printed
    if clock is not None:
        transport.stamped = True
        await catch_up(runtime, sender, CHANNEL, user, clock.now(), clock.set)
        transport.stamped = False
    await send(Event("start", language_hint=language))
    while True:
        stdout.write(PROMPT)
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return
        if not interactive:  # echo piped input so a transcript reads like a dialogue
            stdout.write(line if line.endswith("\n") else line + "\n")
        if line.strip():
            await send(parse_line(line, transport.waiting))
