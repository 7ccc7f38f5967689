"""Settings from the environment (and an optional .env file), via pydantic-settings."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PORTAL_URL = "http://127.0.0.1:8000"  # `backpath portal` on this machine


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_bot_username: str | None = None  # for the deep links clinicians hand out
    database_url: str | None = Field(
        default=None, description="SQLAlchemy async URL; default: SQLite file in data_dir"
    )
    backpath_data_dir: Path = Path("data")
    backpath_content_dir: Path = PROJECT_ROOT
    log_level: str = "INFO"
    advice_repeat_days: int = Field(default=14, ge=0, description="no advice item again sooner")
    backpath_portal_url: str = Field(
        default=DEFAULT_PORTAL_URL, description="public address of the clinic portal"
    )
    backpath_reminder_interval: int = Field(
        default=60, ge=0, description="seconds between reminder dispatch runs; 0 = off"
    )

    @field_validator(
        "telegram_bot_token",
        "telegram_bot_username",
        "database_url",
        "backpath_content_dir",
        mode="before",
    )
    @classmethod
    def _empty_means_default(cls, value: object, info: object) -> object:
        """An empty line in .env (as in .env.example) means "not set"."""
        if value == "":
            return (
                PROJECT_ROOT if getattr(info, "field_name", "") == "backpath_content_dir" else None
            )
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
