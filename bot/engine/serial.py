"""State <-> JSON, so the conversation position lives in the database."""

from __future__ import annotations

from typing import Any

from bot.engine.model import Frame, State

FORMAT = 1


def _frame_to_json(frame: Frame) -> dict[str, Any]:
    return {
        "flow": frame.flow,
        "version": frame.version,
        "run": frame.run,
        "answers": dict(frame.answers),
        "history": list(frame.history),
        "shown": list(frame.shown),
        "groups": list(frame.groups) if frame.groups is not None else None,
        "started": frame.started,
    }


def _frame_from_json(data: dict[str, Any]) -> Frame:
    groups = data.get("groups")
    return Frame(
        flow=data["flow"],
        version=data["version"],
        run=data["run"],
        answers=dict(data.get("answers", {})),
        history=tuple(data.get("history", ())),
        shown=tuple(data.get("shown", ())),
        groups=tuple(groups) if groups is not None else None,
        started=bool(data.get("started", False)),
    )


def state_to_json(state: State) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "language": state.language,
        "consent": state.consent,
        "consent_version": state.consent_version,
        "stack": [_frame_to_json(f) for f in state.stack],
        "agenda": list(state.agenda),
        "prompt_seq": state.prompt_seq,
        "copies": {key: list(seqs) for key, seqs in state.copies.items()},
        "next_run": state.next_run,
        "paused": state.paused,
        "memo": dict(state.memo),
    }


def state_from_json(data: dict[str, Any] | None) -> State:
    if not data:
        return State()
    if data.get("format") != FORMAT:
        raise ValueError(f"unknown conversation state format {data.get('format')!r}")
    return State(
        language=data.get("language"),
        consent=data.get("consent"),
        consent_version=int(data.get("consent_version", 0)),
        stack=tuple(_frame_from_json(f) for f in data.get("stack", ())),
        agenda=tuple(data.get("agenda", ())),
        prompt_seq=int(data.get("prompt_seq", 0)),
        copies={
            str(key): tuple(int(s) for s in seqs)
            for key, seqs in dict(data.get("copies", {})).items()
        },
        next_run=int(data.get("next_run", 1)),
        paused=bool(data.get("paused", False)),
        memo=dict(data.get("memo", {})),
    )
