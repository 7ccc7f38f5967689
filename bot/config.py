"""Settings from the environment (and an optional .env file), via pydantic-settings."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PORTAL_URL = "http://127.0.0.1:8000"  # `backpath portal` on this machine
PACKAGED_CONTENT = Path(__file__).resolve().parent / "content"  # where the wheel puts it


def default_content_dir() -> Path:
    """The copy of flows/ and messages/ an installed wheel carries in bot/content/ (see
    pyproject.toml), else the checkout's (a source tree or an editable install)."""
    return PACKAGED_CONTENT if (PACKAGED_CONTENT / "flows").is_dir() else PROJECT_ROOT


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_bot_username: str | None = None  # for the deep links clinicians hand out
    database_url: str | None = Field(
        default=None, description="SQLAlchemy async URL; default: SQLite file in data_dir"
    )
    backpath_data_dir: Path = Path("data")
    backpath_content_dir: Path = Field(default_factory=default_content_dir)
    log_level: str = "INFO"
    advice_repeat_days: int = Field(default=14, ge=0, description="no advice item again sooner")
    backpath_portal_url: str = Field(
        default=DEFAULT_PORTAL_URL, description="public address of the clinic portal"
    )
    # test-only: read "now" from this file (bot.clock.FileClock) instead of the system clock
    backpath_clock_file: Path | None = None
    backpath_reminder_interval: int = Field(
        default=60, ge=0, description="seconds between reminder dispatch runs; 0 = off"
    )
    backpath_reminder_concurrency: int = Field(
        default=8, ge=1, description="chats a reminder dispatch run serves at once"
    )

    # webhook mode (`backpath serve`, `backpath webhook set`)
    telegram_webhook_url: str | None = Field(
        default=None, description="public HTTPS URL Telegram posts updates to"
    )
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, description="sent by Telegram in X-Telegram-Bot-Api-Secret-Token"
    )
    backpath_webhook_path: str = Field(default="/telegram", pattern=r"^/")
    backpath_host: str = "127.0.0.1"
    backpath_port: int = Field(default=8080, ge=1, le=65535)
    log_format: Literal["json", "text"] = "json"
    backpath_startup_attempts: int = Field(
        default=5, ge=1, description="tries to reach the database and the Bot API at start"
    )

    # the inbox (bot/delivery) and the bot-wide send rate
    backpath_send_rate: float = Field(
        default=30.0, gt=0, description="Bot API sends a second for the whole bot"
    )
    backpath_inbox_lease: float = Field(
        default=60.0, gt=0, description="seconds a worker holds a claimed update"
    )
    backpath_inbox_retention_hours: float = Field(
        default=48.0,
        ge=24,  # Telegram delivers an update again for up to 24 h
        lt=168,  # after a week of silence Telegram may reuse update ids
        description="hours a processed update id is kept to recognise a duplicate",
    )
    backpath_outbox_retention_days: float = Field(
        default=30.0,
        ge=1,
        description="days a delivered (or refused) outbox row is kept; its text is gone already",
    )
    backpath_inbox_concurrency: int = Field(
        default=16, ge=1, description="patients a worker processes at once"
    )

    @field_validator(
        "telegram_bot_token",
        "telegram_webhook_url",
        "telegram_webhook_secret",
        "telegram_bot_username",
        "database_url",
        "backpath_content_dir",
        mode="before",
    )
    @classmethod
    def _empty_means_default(cls, value: object, info: object) -> object:
        """An empty line in .env (as in .env.example) means "not set"."""
        if value == "":
            content = getattr(info, "field_name", "") == "backpath_content_dir"
            return default_content_dir() if content else None
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.backpath_data_dir / 'backpath.db').resolve()}"

    @property
    def flows_dir(self) -> Path:
        return self.backpath_content_dir / "flows"

    @property
    def messages_dir(self) -> Path:
        return self.backpath_content_dir / "messages"
