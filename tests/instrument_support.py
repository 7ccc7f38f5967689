"""The packaged instrument registry (flows/instruments/), for tests that need it at
collection time, and plain views of it."""

from __future__ import annotations

from bot.config import PROJECT_ROOT
from bot.i18n import Catalogs
from bot.instruments.registry import load_content

INSTRUMENTS = load_content(PROJECT_ROOT / "flows", Catalogs.load(PROJECT_ROOT / "messages").has)[1]
SCORERS = INSTRUMENTS.scorers()
ITEMS = {i.id: dict(i.items) for i in INSTRUMENTS}
SUBSCALES = {i.id: i.descriptor.subscales for i in INSTRUMENTS}
