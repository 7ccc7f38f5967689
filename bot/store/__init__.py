"""Storage: SQLAlchemy 2 models, Alembic migrations and the queries the service needs."""

from bot.store.db import Database

__all__ = ["Database"]
