"""The gate in front of every handler: only the owner's private chats get through.

It runs as a `TypeHandler` in group -1, before the handlers of group 0, for every kind of
update (messages and button presses alike). A stranger gets no answer at all. In a group,
supergroup or channel the bot leaves, whoever added it.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

logger = logging.getLogger(__name__)

# Log the first ignored update, then one in this many, so a stranger cannot flood the log.
IGNORED_LOG_EVERY = 100

# my_chat_member statuses that mean the bot is already out of the chat.
_GONE = (ChatMember.LEFT, ChatMember.BANNED)


class OwnerGuard:
    def __init__(self, owner_ids: list[int]) -> None:
        self._owner_ids = frozenset(owner_ids)
        self.ignored = 0

    async def __call__(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None and chat.type != ChatType.PRIVATE:
            await self._leave(update, context)
            raise ApplicationHandlerStop

        user = update.effective_user
        if user is None or user.id not in self._owner_ids:
            self.ignored += 1
            if self.ignored % IGNORED_LOG_EVERY == 1:
                logger.info("ignored update %d: not from an owner in a private chat (%d ignored so far)",
                            update.update_id, self.ignored)
            raise ApplicationHandlerStop

    async def _leave(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        member_update = update.my_chat_member
        if member_update is not None and member_update.new_chat_member.status in _GONE:
            return
        try:
            await context.bot.leave_chat(chat.id)
        except TelegramError as exc:
            logger.warning("could not leave chat %d (update %d): %s", chat.id, update.update_id,
                           type(exc).__name__)
            return
        logger.info("left %s chat %d (update %d): the bot answers private chats only",
                    chat.type, chat.id, update.update_id)
