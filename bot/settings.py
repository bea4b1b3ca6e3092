"""Settings of the Telegram bot (section [telegram]). The token comes from the environment."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

TOKEN_ENVIRONMENT_VARIABLE = "CARDMUNK_TELEGRAM_TOKEN"
WEBHOOK_SECRET_ENVIRONMENT_VARIABLE = "CARDMUNK_TELEGRAM_WEBHOOK_SECRET"


class TelegramSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner_ids: list[int] = Field(default_factory=list, description="Telegram user ids the bot answers.")
    api_base_url: str = Field(
        "https://api.telegram.org/bot", description="Bot API base URL; the token is appended to it."
    )
    api_file_base_url: str = Field(
        "https://api.telegram.org/file/bot", description="Bot API file base URL; the token is appended to it."
    )
    mode: Literal["polling", "webhook"] = Field("polling", description="How updates arrive.")
    webhook_url: str | None = Field(None, description="Public URL Telegram posts updates to (webhook mode).")
    webhook_path: str = Field("/telegram/webhook", description="Route of the hub that receives updates.")

    @field_validator("owner_ids")
    @classmethod
    def _positive_ids(cls, values: list[int]) -> list[int]:
        for value in values:
            if value <= 0:
                raise ValueError(f"{value} is not a Telegram user id (user ids are positive)")
        return values

    @field_validator("webhook_path")
    @classmethod
    def _absolute_path(cls, value: str) -> str:
        if not value.startswith("/") or value.startswith("/api/"):
            raise ValueError(f"{value!r} must start with / and lie outside /api/")
        return value
