"""Telegram handlers: run the command layer and send its answer as HTML messages."""

from __future__ import annotations

import logging
import traceback

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.answer import Answer, Button
from bot.commands import run_callback, run_command
from bot.commands.context import CommandContext
from bot.render_html import render_html

logger = logging.getLogger(__name__)

SOMETHING_WENT_WRONG = "Something went wrong."


def keyboard(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.label, callback_data=button.data) for button in row] for row in rows]
    )


class BotHandlers:
    def __init__(self, command_context: CommandContext, owner_ids: list[int]) -> None:
        self._context = command_context
        self._owner_ids = frozenset(owner_ids)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer a command, an unknown command, or any other message with a hint."""
        message = update.effective_message
        if message is None:
            return
        answer = await run_command(message.text or "", self._context)
        await self._send(context, message.chat_id, answer)

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer a button press: always answer the callback query, then show the new page."""
        query = update.callback_query
        if query is None:
            return
        result = await run_callback(query.data or "", self._context)
        await query.answer(text=result.notice)
        if result.answer is not None:
            await self._replace(context, query, result.answer)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error's type, the update id and the stack (never text); tell the owner."""
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        stack = "".join(traceback.format_tb(error.__traceback__)) if error is not None else ""
        logger.error("update %s failed: %s\n%s", update_id, type(error).__name__, stack.rstrip())

        # Errors of polling itself come without an update: there is nobody to answer.
        if not isinstance(update, Update) or update.effective_chat is None or update.effective_user is None:
            return
        if update.effective_user.id not in self._owner_ids:
            return
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(SOMETHING_WENT_WRONG)
            else:
                await context.bot.send_message(update.effective_chat.id, SOMETHING_WENT_WRONG)
        except TelegramError as exc:
            logger.warning("could not report the failure of update %s: %s", update_id, type(exc).__name__)

    async def _send(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, answer: Answer) -> None:
        for part in render_html(answer):
            await context.bot.send_message(chat_id, part.html, reply_markup=keyboard(part.buttons))

    async def _replace(self, context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, answer: Answer) -> None:
        """Edit the message with the button into the answer; parts beyond the first are sent."""
        parts = render_html(answer)
        message = query.message
        if not isinstance(message, Message):
            # Messages older than 48 hours are inaccessible and cannot be edited.
            await self._send(context, query.from_user.id, answer)
            return
        try:
            await message.edit_text(parts[0].html, reply_markup=keyboard(parts[0].buttons))
        except BadRequest as exc:
            # Pressing the button of the page already shown leaves the text unchanged.
            if "not modified" not in str(exc):
                raise
        for part in parts[1:]:
            await context.bot.send_message(message.chat_id, part.html, reply_markup=keyboard(part.buttons))
