"""Turn one Telegram Desktop export message into an interaction, a skip or an error.

The source id is `<chat id>:<message id>`, because message ids count up per chat and
repeat across the chats of a whole-account export. The thread id is the chat id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from bridges.core.records import InteractionItem, ParseError, Participant, ReadOptions, Record, Skipped
from bridges.telegram.calls import PHONE_CALL_ACTION, call_duration, call_status, is_video_call
from bridges.telegram.media import media_metadata
from bridges.telegram.owner import Owner, peer_handle
from bridges.telegram.stream import Chat
from bridges.telegram.text import hidden_links, plain_text
from bridges.telegram.timestamps import TimestampError, edit_time, message_time, utc_text

SOURCE = "telegram"
HANDLE_KIND = "telegram"
# Chats with one other person, whose user id is the chat id.
PERSONAL_CHAT_TYPES = ("personal_chat", "bot_chat")
# Chats that hold no conversation with anyone, so none of their messages is an interaction.
SKIPPED_CHAT_TYPES = {
    "saved_messages": "message in Saved Messages, a note to self",
    "replies": "message in Replies, a copy of replies made in other chats",
    "private_channel": "channel post, a broadcast rather than a conversation",
    "public_channel": "channel post, a broadcast rather than a conversation",
}
# The exporter writes action names from a fixed vocabulary; anything else is not echoed.
ACTION_NAME = re.compile(r"[a-z_]{1,64}")
# A reply to a message of another chat names that chat as `user123`, `chat123` or
# `channel123` in `reply_to_peer_id`.
PEER_ID_DIGITS = re.compile(r"[a-z]*(\d+)")
MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class MessageContext:
    """The file, chat, owner and options that a message's conversion needs."""

    path: str
    chat: Chat
    owner: Owner
    options: ReadOptions


def convert_message(context: MessageContext, message: Any) -> Record:
    """Return the interaction for one export message, or why it is skipped or unreadable."""
    chat = context.chat
    message_id = message.get("id") if isinstance(message, dict) else None
    if not _is_int(message_id):
        return ParseError(context.path, f"chat {chat.id}", "message without a numeric id")
    if chat.id is None:
        return ParseError(context.path, f"message {message_id}", "chat id missing before its messages")
    location = f"chat {chat.id} message {message_id}"

    skip_reason = _skip_reason(chat, message)
    if skip_reason is not None:
        return Skipped(context.path, location, skip_reason)

    try:
        occurred_at, time_metadata = message_time(message, context.options.timezone)
        return _build_item(context, message, occurred_at, time_metadata)
    except TimestampError as exc:
        return ParseError(context.path, location, str(exc))
    except ValidationError as exc:
        return ParseError(context.path, location, _describe(exc))


def _skip_reason(chat: Chat, message: dict[str, Any]) -> str | None:
    if chat.type in SKIPPED_CHAT_TYPES:
        return SKIPPED_CHAT_TYPES[chat.type]
    message_type = message.get("type")
    if message_type == "message":
        return None
    if message_type == "service":
        action = message.get("action")
        if action == PHONE_CALL_ACTION:
            return None
        if isinstance(action, str) and ACTION_NAME.fullmatch(action):
            return f"service message ({action})"
        return "service message"
    if message_type == "unsupported":
        return "message of a kind the exporter does not support"
    return "unknown message type"


def _build_item(
    context: MessageContext, message: dict[str, Any], occurred_at: datetime, metadata: dict[str, Any]
) -> InteractionItem:
    is_call = message.get("type") == "service"
    handle_key, name_key = ("actor_id", "actor") if is_call else ("from_id", "from")
    direction, participants = _people(context, peer_handle(message.get(handle_key)), _name(message.get(name_key)))
    fields: dict[str, Any] = {
        "source": SOURCE,
        "source_id": f"{context.chat.id}:{message['id']}",
        "occurred_at": occurred_at,
        "direction": direction,
        "thread_id": str(context.chat.id),
        "participants": participants,
    }
    metadata.update(_chat_metadata(context.chat))
    if is_call:
        duration = call_duration(message)
        fields["type"] = "video_call" if is_video_call(message) else "call"
        fields["duration_seconds"] = duration
        metadata.update(_call_metadata(message, duration, direction))
    else:
        fields["type"] = "message"
        fields["content"] = plain_text(message)
        metadata.update(_message_metadata(context, message))
    return InteractionItem(**fields, metadata=metadata)


def _people(context: MessageContext, handle: str | None, name: str | None) -> tuple[str | None, list[Participant]]:
    """Return the direction and the participants other than the owner."""
    owner = context.owner
    sender = [Participant(handle=handle, kind=HANDLE_KIND, name=name, role="from")] if handle else []
    if not owner.known:
        return None, sender
    if not owner.sent(handle, name):
        return "inbound", sender

    chat = context.chat
    peer = f"user{chat.id}"
    if chat.type in PERSONAL_CHAT_TYPES and not owner.sent(peer, None):
        return "outbound", [Participant(handle=peer, kind=HANDLE_KIND, name=_name(chat.name), role="to")]
    return "outbound", []


def _call_metadata(message: dict[str, Any], duration: int | None, direction: str | None) -> dict[str, Any]:
    reason = message.get("discard_reason")
    metadata: dict[str, Any] = {}
    status = call_status(reason, duration, direction)
    if status is not None:
        metadata["call_status"] = status
    if isinstance(reason, str) and ACTION_NAME.fullmatch(reason):
        metadata["discard_reason"] = reason
    return metadata


def _message_metadata(context: MessageContext, message: dict[str, Any]) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    edited_at = edit_time(message, context.options.timezone)
    if edited_at is not None:
        metadata["edited_at"] = utc_text(edited_at)
    in_reply_to = _reply_target(context.chat, message)
    if in_reply_to is not None:
        metadata["in_reply_to"] = in_reply_to
    forwarded_from = _name(message.get("forwarded_from"))
    if forwarded_from is not None:
        metadata["forwarded_from"] = forwarded_from
    links = hidden_links(message)
    if links:
        metadata["links"] = links
    metadata.update(media_metadata(message))
    return metadata


def _chat_metadata(chat: Chat) -> dict[str, Any]:
    if chat.type in PERSONAL_CHAT_TYPES or chat.name is None:
        return {}
    return {"chat_name": _name(chat.name)}


def _reply_target(chat: Chat, message: dict[str, Any]) -> str | None:
    reply_id = message.get("reply_to_message_id")
    if not _is_int(reply_id):
        return None
    chat_id: str = str(chat.id)
    reply_peer = message.get("reply_to_peer_id")
    if isinstance(reply_peer, str):
        match = PEER_ID_DIGITS.fullmatch(reply_peer)
        if match is not None:
            chat_id = match.group(1)
    return f"{chat_id}:{reply_id}"


def _name(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    name = value.replace("\x00", "").strip()[:MAX_NAME_CHARS]
    return name or None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _describe(error: ValidationError) -> str:
    """Describe a rejected item by field and rule only: pydantic's input echo is content."""
    problems = [f"{'.'.join(str(part) for part in detail['loc'])}: {detail['msg']}" for detail in error.errors()]
    return "invalid interaction: " + "; ".join(problems)
