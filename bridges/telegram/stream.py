"""Walk the parse events of a Telegram Desktop `result.json` one message at a time.

Telegram Desktop writes two shapes of `result.json`:

- a single-chat export ("Export chat history"): one object with `name`, `type`, `id`
  and `messages`;
- a whole-account export ("Export Telegram data"): `personal_information` about the
  account owner, then `chats.list` and `left_chats.list`, each chat an object shaped like a
  single-chat export.

Both writers put `name`, `type` and `id` before `messages` and `personal_information`
before the chats, so one pass over the events gives the chat and the owner of each
message. Only one message is held in memory at a time, whatever the size of the export.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ijson import ObjectBuilder

# ijson event prefixes of the objects that carry a chat: the top-level object of a
# single-chat export and every item of the two chat lists of a whole-account export.
CHAT_PREFIXES = ("", "chats.list.item", "left_chats.list.item")
PERSONAL_INFORMATION_PREFIX = "personal_information"
CHAT_HEADER_KEYS = ("name", "type", "id")
SCALAR_EVENTS = ("string", "number", "boolean", "null")


def _child(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


MESSAGE_LIST_PREFIXES = {_child(prefix, "messages"): prefix for prefix in CHAT_PREFIXES}
MESSAGE_PREFIXES = {_child(prefix, "messages.item"): prefix for prefix in CHAT_PREFIXES}
HEADER_PREFIXES = {
    _child(prefix, key): (prefix, key) for prefix in CHAT_PREFIXES for key in CHAT_HEADER_KEYS
}


@dataclass
class Chat:
    """The header of one chat: its bare peer id, type (`personal_chat`, ...) and name."""

    id: int | None = None
    type: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class ChatStart:
    """The start of a chat's message list."""

    chat: Chat


@dataclass(frozen=True)
class ChatMessage:
    """One entry of a chat's message list, as the exporter wrote it."""

    chat: Chat
    message: Any


@dataclass(frozen=True)
class PersonalInformation:
    """The `personal_information` object of a whole-account export."""

    fields: Any


ExportEntry = ChatStart | ChatMessage | PersonalInformation


def walk_export(events: Iterable[tuple[str, str, Any]]) -> Iterator[ExportEntry]:
    """Yield the owner, chat starts and messages of an export from its ijson parse events."""
    chats: dict[str, Chat] = {prefix: Chat() for prefix in CHAT_PREFIXES}
    builder: ObjectBuilder | None = None
    depth = 0
    building_prefix = ""

    for prefix, event, value in events:
        if builder is not None:
            builder.event(event, value)
            if event in ("start_map", "start_array"):
                depth += 1
            elif event in ("end_map", "end_array"):
                depth -= 1
            if depth == 0:
                if building_prefix == PERSONAL_INFORMATION_PREFIX:
                    yield PersonalInformation(builder.value)
                else:
                    yield ChatMessage(chats[MESSAGE_PREFIXES[building_prefix]], builder.value)
                builder = None
            continue

        if prefix in MESSAGE_PREFIXES or prefix == PERSONAL_INFORMATION_PREFIX:
            builder = ObjectBuilder()
            builder.event(event, value)
            depth = 1 if event in ("start_map", "start_array") else 0
            building_prefix = prefix
            if depth == 0:
                # A scalar where an object was expected: hand it on as it is.
                builder = None
                if prefix in MESSAGE_PREFIXES:
                    yield ChatMessage(chats[MESSAGE_PREFIXES[prefix]], value)
            continue

        if event == "start_map" and prefix in chats:
            chats[prefix] = Chat()
        elif event == "start_array" and prefix in MESSAGE_LIST_PREFIXES:
            yield ChatStart(chats[MESSAGE_LIST_PREFIXES[prefix]])
        elif event in SCALAR_EVENTS and prefix in HEADER_PREFIXES:
            chat_prefix, key = HEADER_PREFIXES[prefix]
            _set_header(chats[chat_prefix], key, value)


def _set_header(chat: Chat, key: str, value: Any) -> None:
    if key == "id":
        chat.id = value if isinstance(value, int) and not isinstance(value, bool) else None
    elif key == "type":
        chat.type = value if isinstance(value, str) else None
    else:
        chat.name = value if isinstance(value, str) else None
