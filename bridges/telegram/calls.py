"""Telegram phone calls, which the export records as service messages.

A call is `{"type": "service", "action": "phone_call", "actor_id": <caller>, ...}` with
`duration_seconds` when it connected and `discard_reason` naming how it ended. Telegram
Desktop (`Calls::Call::hangup`) ends a call still ringing as `missed`, one the callee
rejects as `busy`, and a connected call as `hangup`. `disconnect` means the connection
dropped.
"""

from __future__ import annotations

from typing import Any

PHONE_CALL_ACTION = "phone_call"


def call_status(discard_reason: Any, duration_seconds: int | None, direction: str | None) -> str | None:
    """Return `answered`, `missed`, `cancelled`, `declined` or `failed`; None when unknown.

    `cancelled` is an outgoing call that was not answered, as Telegram itself labels it.
    """
    if duration_seconds:
        return "answered"
    if discard_reason == "missed":
        return "cancelled" if direction == "outbound" else "missed"
    if discard_reason == "busy":
        return "declined"
    if discard_reason == "hangup":
        return "answered"
    if discard_reason == "disconnect":
        return "failed"
    return None


def call_duration(message: dict[str, Any]) -> int | None:
    value = message.get("duration_seconds")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return None
    return int(value)


def is_video_call(message: dict[str, Any]) -> bool:
    # NOTE: the Telegram Desktop JSON writers read for this module (export_output_json.cpp)
    # write no video flag for phone_call. `is_video: true`, the name the Telegram API uses,
    # is honoured in case an exporter adds it, and is otherwise never set.
    return message.get("is_video") is True
