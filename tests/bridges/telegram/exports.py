"""Build Telegram Desktop `result.json` files for tests, laid out as the exporter writes them."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

OWNER_ID = 4000000100
OWNER_NAME = "Alice Example"
PEER_ID = 4000000101
PEER_NAME = "Bob Example"
GROUP_ID = 1700000001
BASE_UNIXTIME = 1685606400  # 2023-06-01T08:00:00Z


def message(
    message_id: int,
    text: Any = "",
    sender_id: int | None = PEER_ID,
    sender_name: str | None = PEER_NAME,
    offset_seconds: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    """Return a regular message as Telegram Desktop writes it; `sender_id=None` drops `from_id`."""
    unixtime = BASE_UNIXTIME + offset_seconds
    fields: dict[str, Any] = {
        "id": message_id,
        "type": "message",
        "date": datetime.fromtimestamp(unixtime + 3 * 3600, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
        "date_unixtime": str(unixtime),
    }
    if sender_id is not None:
        fields["from"] = sender_name
        fields["from_id"] = f"user{sender_id}"
    fields.update(extra)
    fields["text"] = text
    fields["text_entities"] = _entities(text)
    return fields


def service(message_id: int, action: str, actor_id: int = PEER_ID, actor: str = PEER_NAME, **extra: Any) -> dict[str, Any]:
    """Return a service message (group created, call, pin...)."""
    unixtime = BASE_UNIXTIME + message_id * 60
    fields: dict[str, Any] = {
        "id": message_id,
        "type": "service",
        "date": datetime.fromtimestamp(unixtime, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
        "date_unixtime": str(unixtime),
        "actor": actor,
        "actor_id": f"user{actor_id}",
        "action": action,
    }
    fields.update(extra)
    fields["text"] = ""
    fields["text_entities"] = []
    return fields


def chat(chat_id: int, chat_type: str, name: str | None, messages: list[dict[str, Any]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if chat_type not in ("saved_messages", "replies"):
        fields["name"] = name
    fields.update({"type": chat_type, "id": chat_id, "messages": messages})
    return fields


def personal_chat(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return chat(PEER_ID, "personal_chat", PEER_NAME, messages)


def group_chat(messages: list[dict[str, Any]], chat_id: int = GROUP_ID) -> dict[str, Any]:
    return chat(chat_id, "private_supergroup", "Hiking Club", messages)


def account_export(chats: list[dict[str, Any]], left_chats: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Return a whole-account export ("Export Telegram data") owned by Alice."""
    return {
        "about": "Here is the data you requested.",
        "personal_information": {
            "user_id": OWNER_ID,
            "first_name": "Alice",
            "last_name": "Example",
            "phone_number": "+1 555 0100",
            "username": "@alice_example",
        },
        "contacts": {"about": "contacts", "list": []},
        "chats": {"about": "chats", "list": chats},
        "left_chats": {"about": "left chats", "list": left_chats or []},
    }


def write_json(folder: Path, export: dict[str, Any], name: str = "result.json") -> str:
    """Write `export` indented like Telegram Desktop and return its path."""
    path = folder / name
    path.write_text(json.dumps(export, ensure_ascii=False, indent=1), encoding="utf-8")
    return str(path)


def _entities(text: Any) -> list[dict[str, Any]]:
    if isinstance(text, str):
        return [{"type": "plain", "text": text}] if text else []
    return [part if isinstance(part, dict) else {"type": "plain", "text": part} for part in text]
