"""The bot's settings checks: what makes serve refuse to start the bot, and why."""

from __future__ import annotations

import pytest

from bot.app_setup import check_settings
from bot.settings import WEBHOOK_SECRET_ENVIRONMENT_VARIABLE, TelegramSettings
from hub.settings import SettingsError

WEBHOOK_URL = "https://cardmunk.example.com/telegram/webhook"


@pytest.mark.parametrize(
    ("fields", "secret", "fragment"),
    [
        ({}, "s3cret", "telegram.owner_ids is empty"),
        ({"owner_ids": [1], "mode": "webhook"}, "s3cret", "telegram.webhook_url is not set"),
        ({"owner_ids": [1], "mode": "webhook", "webhook_url": WEBHOOK_URL}, None, WEBHOOK_SECRET_ENVIRONMENT_VARIABLE),
        ({"owner_ids": [1], "mode": "webhook", "webhook_url": WEBHOOK_URL}, "no spaces", "missing or invalid"),
        ({"owner_ids": [1], "mode": "webhook", "webhook_url": WEBHOOK_URL}, "x" * 257, "missing or invalid"),
    ],
)
def test_unsafe_settings_rejected(monkeypatch: pytest.MonkeyPatch, fields: dict, secret: str | None,
                                  fragment: str) -> None:
    if secret is None:
        monkeypatch.delenv(WEBHOOK_SECRET_ENVIRONMENT_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(WEBHOOK_SECRET_ENVIRONMENT_VARIABLE, secret)

    with pytest.raises(SettingsError, match=fragment):
        check_settings(TelegramSettings(**fields))


def test_webhook_secret_returned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WEBHOOK_SECRET_ENVIRONMENT_VARIABLE, "A-z_09")

    secret = check_settings(TelegramSettings(owner_ids=[1], mode="webhook", webhook_url=WEBHOOK_URL))

    assert secret == "A-z_09"


def test_polling_needs_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WEBHOOK_SECRET_ENVIRONMENT_VARIABLE, raising=False)

    assert check_settings(TelegramSettings(owner_ids=[1])) is None


@pytest.mark.parametrize(("field", "value"), [("owner_ids", [0]), ("owner_ids", [-5]),
                                              ("webhook_path", "telegram"), ("webhook_path", "/api/v1/hook")])
def test_invalid_fields_rejected(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        TelegramSettings(**{field: value})
