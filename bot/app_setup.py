"""Hook the Telegram bot into the hub's aiohttp application.

The bot runs when the environment variable CARDMUNK_TELEGRAM_TOKEN holds a token, and
refuses to start without `telegram.owner_ids`, so it never answers just anyone.
"""

from __future__ import annotations

import logging
import os
import re
from typing import AsyncIterator

from aiohttp import web

from bot.application import build_application
from bot.commands.context import CommandContext
from bot.runner import BotRunner
from bot.settings import TOKEN_ENVIRONMENT_VARIABLE, WEBHOOK_SECRET_ENVIRONMENT_VARIABLE, TelegramSettings
from bot.webhook import BOT_RUNNER, receive_update
from hub import keys
from hub.settings import SettingsError

logger = logging.getLogger(__name__)

# setWebhook's secret_token: 1-256 characters, only A-Z, a-z, 0-9, _ and - are allowed.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def setup(app: web.Application) -> None:
    """Add the bot's start/stop context (and, in webhook mode, its route) when a token is set.

    Raises SettingsError when the token is set but the settings cannot run a safe bot.
    """
    token = os.environ.get(TOKEN_ENVIRONMENT_VARIABLE, "").strip()
    if not token:
        logger.debug("Telegram bot off: %s is not set", TOKEN_ENVIRONMENT_VARIABLE)
        return

    settings = app[keys.SETTINGS]
    webhook_secret = check_settings(settings.telegram)
    command_context = CommandContext(app[keys.DATABASE].reader, settings)
    application = build_application(token, settings.telegram, command_context)
    runner = BotRunner(application, settings.telegram, webhook_secret)
    app[BOT_RUNNER] = runner
    if settings.telegram.mode == "webhook":
        app.router.add_post(settings.telegram.webhook_path, receive_update)
    app.cleanup_ctx.append(_bot_context)


def check_settings(settings: TelegramSettings) -> str | None:
    """Return the webhook secret (webhook mode) or None; raise SettingsError naming the fix."""
    if not settings.owner_ids:
        raise SettingsError(
            f"{TOKEN_ENVIRONMENT_VARIABLE} is set but telegram.owner_ids is empty: the bot would "
            "answer nobody. Add your Telegram user id to telegram.owner_ids, or unset the token"
        )
    if settings.mode != "webhook":
        return None
    if not settings.webhook_url:
        raise SettingsError('telegram.mode is "webhook" but telegram.webhook_url is not set')
    secret = os.environ.get(WEBHOOK_SECRET_ENVIRONMENT_VARIABLE, "")
    if not _WEBHOOK_SECRET.fullmatch(secret):
        raise SettingsError(
            f'telegram.mode is "webhook" but {WEBHOOK_SECRET_ENVIRONMENT_VARIABLE} is missing or invalid: '
            "set it to 1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    return secret


async def _bot_context(app: web.Application) -> AsyncIterator[None]:
    # Appended after the database context, so the read pool is open before the first update.
    runner = app[BOT_RUNNER]
    runner.start()
    yield
    await runner.stop()
