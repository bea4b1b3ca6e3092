"""Start and stop the bot beside the hub, without letting Telegram's outages stop the hub.

The bot starts in a background task: while the Bot API cannot be reached the task retries
with a growing delay, and the hub serves bridges meanwhile. A rejected token or another
Bot API error leaves the bot off, with an error in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.application import ALLOWED_UPDATES
from bot.settings import TelegramSettings

logger = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 300.0


class BotRunner:
    def __init__(self, application: Application, settings: TelegramSettings,
                 webhook_secret: str | None = None) -> None:
        self.application = application
        self.settings = settings
        self.webhook_secret = webhook_secret
        # Set once updates are processed: webhook requests before that get 503.
        self.ready = asyncio.Event()
        # The background start; done once the bot runs, or gave up.
        self.start_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.start_task is None:
            self.start_task = asyncio.create_task(self._run_start(), name="telegram-bot-start")

    async def stop(self) -> None:
        """Stop fetching updates, finish the updates in progress and close the connections."""
        if self.start_task is not None and not self.start_task.done():
            self.start_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.start_task
        self.ready.clear()
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        logger.info("Telegram bot stopped")

    async def _run_start(self) -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            try:
                await self._connect()
                break
            except InvalidToken:
                # The exception's message contains the token: log its type only.
                logger.error("the Telegram Bot API rejected the bot token (InvalidToken); the bot stays "
                             "off. Check the environment variable CARDMUNK_TELEGRAM_TOKEN")
                return
            except NetworkError as exc:
                logger.warning("cannot reach the Telegram Bot API (%s); retrying in %.0f s",
                               type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RETRY_SECONDS)
            except TelegramError as exc:
                logger.error("starting the bot failed: the Telegram Bot API rejected a request (%s); the bot stays off",
                             type(exc).__name__)
                return

        await self.application.start()
        if self.application.updater is not None:
            await self.application.updater.start_polling(
                allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1, error_callback=_polling_error
            )
        self.ready.set()
        logger.info("Telegram bot started (%s)", self.settings.mode)

    async def _connect(self) -> None:
        """Check the token (getMe), publish the command menu and, for webhooks, the URL."""
        await self.application.initialize()
        # post_init runs by itself only inside run_polling/run_webhook, which the hub does not use.
        if self.application.post_init is not None:
            await self.application.post_init(self.application)
        if self.settings.mode == "webhook":
            await self.application.bot.set_webhook(
                url=str(self.settings.webhook_url), secret_token=self.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )


def _polling_error(error: TelegramError) -> None:
    # PTB retries getUpdates by itself; the message of a network error contains no token or text.
    logger.warning("fetching Telegram updates failed: %s", type(error).__name__)
