"""`backpath chat`: the same service and engine in a terminal.

Works at a tty and with piped stdin: one input per line. Buttons are shown as
numbered options (`  1) Ja`); type the number or the option's text. A scale is
shown as its numbers; type the number. EOF ends the session cleanly.

Reminders of this terminal patient that are due are dispatched whenever the patient
types a line (there is no background job here). A chart is saved as a PNG file under
the data folder and its path is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from bot.engine import Event
from bot.engine.callbacks import Option, unpack_as
from bot.engine.inputs import whole_number
from bot.engine.model import Text
from bot.i18n.rendering import Rendered, render_reply
from bot.runtime import Runtime
from bot.scheduler import dispatch_due
from bot.service import Attachment, Incoming, Outcome

PROMPT = "> "
CHANNEL = "terminal"


def parse_line(line: str, waiting: Rendered | None) -> Event:
    """Map a typed line to an engine event, using the options last shown."""
    text = line.strip()
    if text.startswith("/"):
        name, _, arg = text[1:].partition(" ")
        name = name.lower()
        # as on Telegram: /start (with a deep-link payload such as i_<token>) is its own event
        return Event("start" if name == "start" else "command", text=name, arg=arg.strip())
    number = whole_number(text)
    if waiting is not None and waiting.expects != "scale" and number is not None:
        flat = [b for row in waiting.buttons for b in row]
        if 0 < number <= len(flat):
            return Event("choice", text=flat[number - 1].data)
    return Event("text", text=text)


def format_rendered(rendered: Rendered) -> str:
    lines = [rendered.text]
    flat = [b for row in rendered.buttons for b in row]
    if rendered.expects == "scale":  # type the number itself; /back goes back
        lines.append("  [" + " ".join(b.label for b in flat if unpack_as(b.data, Option)) + "]")
        flat = []
    lines.extend(f"  {i}) {b.label}" for i, b in enumerate(flat, start=1))
    return "\n".join(lines)


def _save_image(runtime: Runtime, user: str, attachment: Attachment) -> Path:
    """Write a chart into the patient's folder under the data folder (stamped with the
    clock, so never overwritten; /delete removes the folder)."""
    stamp = runtime.clock.now().strftime("%Y%m%dT%H%M%S")
    stem, _, ext = attachment.filename.rpartition(".")
    name = f"{stem}-{stamp}.{ext}"
    return runtime.service.files.write(CHANNEL, user, name, attachment.data).resolve()


async def run_chat(
    runtime: Runtime, user: str, language: str | None, stdin: TextIO, stdout: TextIO
) -> None:
    waiting: Rendered | None = None
    interactive = stdin.isatty()

    async def show(outcome: Outcome) -> None:
        nonlocal waiting
        for reply in outcome.replies:
            rendered = render_reply(runtime.catalogs, outcome.language, reply)
            stdout.write(format_rendered(rendered) + "\n\n")
            attachment = outcome.attachments.get(reply.attachment or "")
            if attachment is not None:  # a terminal has no files: show what would be sent
                if attachment.caption is not None:
                    caption = runtime.catalogs.render(outcome.language, attachment.caption)
                    stdout.write(caption + "\n")
                if attachment.filename.endswith(".png"):  # a chart: saved to look at
                    path = _save_image(runtime, user, attachment)
                    saved = Text("progress.saved", {"path": str(path)})
                    stdout.write(runtime.catalogs.render(outcome.language, saved) + "\n\n")
                else:
                    stdout.write(f"[{attachment.filename}, {len(attachment.data)} bytes]\n\n")
            if rendered.buttons or rendered.expects:
                waiting = rendered
        stdout.flush()

    async def deliver(_user: str, outcome: Outcome) -> None:
        await show(outcome)

    async def send(event: Event) -> None:
        await dispatch_due(runtime, deliver, CHANNEL, user=user)
        await show(await runtime.service.handle(Incoming(CHANNEL, user, event)))

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
            await send(parse_line(line, waiting))
