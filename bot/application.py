"""Build the python-telegram-bot `Application`: settings, flood control and handlers."""

from __future__ import annotations

import logging
import os

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (AIORateLimiter, Application, CallbackQueryHandler, CommandHandler, Defaults,
                          MessageHandler, TypeHandler, filters)

from bot.commands import COMMANDS
from bot.commands.context import CommandContext
from bot.guard import OwnerGuard
from bot.handlers import BotHandlers
from bot.settings import TelegramSettings

# A 429 answer ("Too Many Requests", with retry_after) is waited out and the request sent
# again, up to this many times, by PTB's AIORateLimiter.
MAX_FLOOD_RETRIES = 3

# Update kinds the bot asks Telegram for; channel posts only so the bot can leave channels.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER, Update.CHANNEL_POST]


def build_application(token: str, settings: TelegramSettings, command_context: CommandContext) -> Application:
    """Return an application that answers the owners through the command layer."""
    quiet_library_loggers()
    # PTB 22.2+ warns (PTBDeprecationWarning) whenever it reads a time period, such as the
    # retry_after of a 429, as int seconds; opting in to its timedelta values avoids that.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    builder = (
        Application.builder()
        .token(token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_base_url)
        .rate_limiter(AIORateLimiter(max_retries=MAX_FLOOD_RETRIES))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(register_commands)
        .job_queue(None)
    )
    if settings.mode == "webhook":
        # Updates arrive on a route of the hub's own aiohttp app, not PTB's webhook server.
        builder = builder.updater(None)
    application = builder.build()

    handlers = BotHandlers(command_context, settings.owner_ids)
    application.add_handler(TypeHandler(Update, OwnerGuard(settings.owner_ids)), group=-1)
    application.add_handler(CommandHandler([command.name for command in COMMANDS], handlers.on_message))
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE, handlers.on_message))
    application.add_handler(CallbackQueryHandler(handlers.on_callback))
    application.add_error_handler(handlers.on_error)
    return application


async def register_commands(application: Application) -> None:
    """Publish the command menu (setMyCommands); /start stays out of the menu."""
    await application.bot.set_my_commands(
        [BotCommand(command.name, command.description) for command in COMMANDS if command.name != "start"]
    )


def quiet_library_loggers() -> None:
    """Keep the token and message text out of the log, whatever the configured level.

    httpx logs every request URL at INFO, and a Bot API URL contains the token. PTB logs the
    Bot API URL and every request's parameters (message text) at DEBUG.
    """
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    library = logging.getLogger("telegram")
    library.setLevel(max(logging.INFO, library.getEffectiveLevel()))
