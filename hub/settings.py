"""Settings: one pydantic model, loaded from a TOML file, with built-in defaults.

Every setting is declared here once, with its type, default and help text, and documented in
`config.example.toml` (a test fails when one is missing there). Secrets never live in the
file: the Telegram bot token comes from the environment (`CARDMUNK_TELEGRAM_TOKEN`).
"""

from __future__ import annotations

import tomllib
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.settings import TelegramSettings
from hub.scores.settings import ScoresSettings
from hub.web.settings import WebSettings

DEFAULT_CONFIG_PATH = Path("config.toml")


class SettingsError(Exception):
    """The config file is missing, unreadable or invalid; the message names the file and setting."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServerSettings(_Section):
    host: str = Field("127.0.0.1", description="Address the HTTP API listens on.")
    port: int = Field(8080, ge=0, le=65535, description="TCP port the HTTP API listens on; 0 picks a free one.")
    max_body_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, description="Largest accepted request body, in bytes."
    )
    shutdown_timeout_seconds: float = Field(
        30.0, ge=0, description="How long SIGTERM waits for in-flight requests to finish."
    )


class DatabaseSettings(_Section):
    path: Path = Field(Path("data/cardmunk.db"), description="SQLite database file.")
    busy_timeout_ms: int = Field(
        5000, ge=0, description="How long a connection waits for a lock before failing."
    )
    search_timeout_ms: int = Field(
        2000, ge=10, description="Time budget of one search query; slower queries are cut off."
    )
    read_connections: int = Field(
        3, ge=1, le=32, description="Number of read connections serving queries in parallel."
    )
    max_transaction_items: int = Field(
        5000,
        ge=1,
        description="Most interactions committed in one transaction when batches are combined.",
    )


class OwnerSettings(_Section):
    handles: list[str] = Field(
        default_factory=list,
        description=(
            'The owner\'s own handles as "kind:handle" (for example "email:me@example.com", '
            '"phone:+15550100"). They never become a contact and decide direction.'
        ),
    )
    phone_region: str | None = Field(
        None,
        description="Default region (ISO 3166 alpha-2, e.g. DE) for phone numbers without a country code.",
    )

    @field_validator("handles")
    @classmethod
    def _kind_prefixed(cls, values: list[str]) -> list[str]:
        for value in values:
            kind, sep, handle = value.partition(":")
            if not sep or not handle or kind not in ("email", "phone", "telegram", "signal", "whatsapp", "other"):
                raise ValueError(f'{value!r} is not "kind:handle" with a known kind')
        return values

    timezone: str = Field(
        "UTC", description="IANA zone for showing dates and reading dates in queries, e.g. Europe/Berlin."
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone name such as Europe/Berlin") from None
        return value

    @field_validator("phone_region")
    @classmethod
    def _region_code(cls, value: str | None) -> str | None:
        if value is not None and (len(value) != 2 or not value.isalpha()):
            raise ValueError(f"{value!r} is not a two-letter region code")
        return value.upper() if value else value


class LoggingSettings(_Section):
    level: str = Field("INFO", description="Log level: DEBUG, INFO, WARNING or ERROR.")

    @field_validator("level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError(f"{value!r} is not one of DEBUG, INFO, WARNING, ERROR")
        return value.upper()


class Settings(_Section):
    server: ServerSettings = Field(default_factory=ServerSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    owner: OwnerSettings = Field(default_factory=OwnerSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    scores: ScoresSettings = Field(default_factory=ScoresSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    web: WebSettings = Field(default_factory=WebSettings)


def load_settings(path: Path | None, overrides: dict[str, Any] | None = None) -> Settings:
    """Load settings from `path` (default ./config.toml, skipped when absent) plus overrides.

    `overrides` maps dotted names ("server.port") to values from the command line.
    """
    data: dict[str, Any] = {}
    explicit = path is not None
    path = path or DEFAULT_CONFIG_PATH
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"cannot read config file {path}: {exc}") from exc
    elif explicit:
        raise SettingsError(f"config file {path} not found")

    for dotted, value in (overrides or {}).items():
        if value is None:
            continue
        section, _, key = dotted.partition(".")
        data.setdefault(section, {})[key] = value

    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(f"invalid settings in {path}:\n{_describe(exc)}") from exc


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"])
        lines.append(f"  {field}: {error['msg']}")
    return "\n".join(lines)


def iter_setting_names(model: type[BaseModel] = Settings, prefix: str = "") -> list[str]:
    """Return every setting as a dotted name ("server.port"), for docs and their test."""
    names: list[str] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.extend(iter_setting_names(annotation, f"{prefix}{name}."))
        else:
            names.append(f"{prefix}{name}")
    return names
