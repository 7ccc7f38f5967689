"""The patient's memory, typed: each feature owns its part as a pydantic model.

`State.memo` is the JSON saved with the conversation, one key per part. A part is a
`MemoPart` subclass naming its `KEY` and schema `VERSION`; `Turn.part(Model)` reads it
(None when the patient has none) and `Turn.keep(value)` writes it, so no feature reads
another's JSON by hand or guesses its shape. Each part has one owner, the feature that
lists it in `Feature.parts` (the pipeline refuses a key claimed twice); nothing else
touches `State.memo` (tests/unit/test_memo_parts.py).

Versions: the schema version of every part written is recorded under `memo["schema"]`
(`{"episode": 1, ...}`); a part stored without one has version 1, the shape it had
before versions were recorded. When a part's shape changes, bump its `VERSION` and
teach `upgrade(raw, version)` to turn the stored JSON of an older version into the new
one: stored states are upgraded when they are read and saved in the new shape at the
next write, so a deploy never loses or misreads a patient's memory. A stored value that
still does not validate is a bug, and raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, ClassVar, TypeVar, cast

from pydantic import BaseModel, ConfigDict, PlainSerializer, RootModel

#: The memo key holding the schema version of each part written: {key: version}.
SCHEMA = "schema"
#: The version of a part stored before versions were recorded.
UNVERSIONED = 1

#: An aware datetime stored as `isoformat()` ("2026-03-02T09:00:00+00:00"), as the
#: memo always held it.
Moment = Annotated[datetime, PlainSerializer(lambda at: at.isoformat(), return_type=str)]


class MemoPart:
    """What makes a pydantic model a part of the memo: its key and schema version."""

    KEY: ClassVar[str]
    VERSION: ClassVar[int] = 1

    @classmethod
    def upgrade(cls, raw: Any, version: int) -> Any:
        """The stored JSON of an older `version` in the current shape (override when
        `VERSION` is bumped; version 1 is the current shape until then)."""
        return raw


class Record(MemoPart, BaseModel):
    """A part with named fields (frozen: change it with `model_copy(update=...)`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Mapped(MemoPart, RootModel[Any]):
    """A part that is a mapping with keys of its own (declare `root: dict[...]`)."""

    model_config = ConfigDict(frozen=True)


Part = TypeVar("Part", bound="Record | Mapped")


def read_part(memo: Mapping[str, Any], part: type[Part]) -> Part | None:
    """`part` as stored in `memo`, upgraded to the current version; None when absent."""
    raw = memo.get(part.KEY)
    if raw is None:
        return None
    version = int((memo.get(SCHEMA) or {}).get(part.KEY, UNVERSIONED))
    if version > part.VERSION:
        raise ValueError(f"memo {part.KEY!r} has version {version}, newer than this code")
    if version < part.VERSION:
        raw = part.upgrade(raw, version)
    return cast(Part, part.model_validate(raw))


def write_part(memo: Mapping[str, Any], value: Record | Mapped) -> dict[str, Any]:
    """`memo` with `value` stored as JSON and its schema version recorded."""
    schema = {**(memo.get(SCHEMA) or {}), value.KEY: value.VERSION}
    return {**memo, value.KEY: value.model_dump(mode="json"), SCHEMA: schema}
