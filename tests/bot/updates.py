"""Telegram updates as the Bot API sends them, for the fake server to deliver."""

from __future__ import annotations

from typing import Any

from tests.bot.fake_telegram import BOT_ID, BOT_USERNAME, utf16_length

OWNER_ID = 111111111
SECOND_OWNER_ID = 111111112
STRANGER_ID = 222222222
GROUP_ID = -1001234567890
DATE = 1710000000


def user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}


def private_chat(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "type": "private", "first_name": f"User {user_id}"}


def group_chat(chat_id: int = GROUP_ID, chat_type: str = "supergroup") -> dict[str, Any]:
    return {"id": chat_id, "type": chat_type, "title": "Family"}


_message_ids = iter(range(100000, 10**9))


def message(text: str, *, user_id: int = OWNER_ID, chat: dict[str, Any] | None = None) -> dict[str, Any]:
    """A message update; a leading /command gets its bot_command entity, as Telegram adds it."""
    body: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": DATE,
        "chat": chat or private_chat(user_id),
        "from": user(user_id),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0] if text.split() else text
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_length(command)}]
    return {"message": body}


def callback_query(query_id: str, bot_message: dict[str, Any], data: str, *,
                   user_id: int = OWNER_ID) -> dict[str, Any]:
    """A button press on `bot_message` (the message JSON the fake returned)."""
    return {"callback_query": {
        "id": query_id,
        "from": user(user_id),
        "message": bot_message,
        "chat_instance": "4242",
        "data": data,
    }}


def added_to_group(chat: dict[str, Any], *, by_user: int = STRANGER_ID) -> dict[str, Any]:
    bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Cardmunk", "username": BOT_USERNAME}
    return {"my_chat_member": {
        "chat": chat,
        "from": user(by_user),
        "date": DATE,
        "old_chat_member": {"status": "left", "user": bot_user},
        "new_chat_member": {"status": "member", "user": bot_user},
    }}
