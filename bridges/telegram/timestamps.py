"""Timestamps of Telegram Desktop export messages.

`date` and `edited` are the exporting machine's local wall-clock time without an offset.
Telegram Desktop added `date_unixtime` and `edited_unixtime` by version 3.7.6 (2022): epoch
seconds in UTC written as strings, used whenever present. Older exports have only the
local times, which are read in the zone the bridge is given and flagged in the metadata.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo


class TimestampError(ValueError):
    """A message whose time cannot be read; the message text is never part of it."""


def _from_unixtime(value: Any, field: str) -> datetime:
    try:
        seconds = int(str(value).strip())
    except ValueError:
        raise TimestampError(f"{field} is not a number of seconds") from None
    try:
        return datetime.fromtimestamp(seconds, timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise TimestampError(f"{field} is out of range") from None


def _from_local(value: str, field: str, zone: ZoneInfo) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise TimestampError(f"{field} is not an ISO 8601 date and time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(timezone.utc)


def message_time(message: dict[str, Any], zone: ZoneInfo | None) -> tuple[datetime, dict[str, str]]:
    """Return when the message was sent and the metadata that flags a local-time fallback."""
    unixtime = message.get("date_unixtime")
    if unixtime is not None:
        return _from_unixtime(unixtime, "date_unixtime"), {}

    local = message.get("date")
    if not isinstance(local, str):
        raise TimestampError("date_unixtime and date are missing")
    if zone is None:
        raise TimestampError(
            "date_unixtime is missing and date is the exporting machine's local time: "
            "set --timezone to the zone of that machine"
        )
    occurred_at = _from_local(local, "date", zone)
    return occurred_at, {"timestamp_local": local, "timezone_assumed": zone.key}


def edit_time(message: dict[str, Any], zone: ZoneInfo | None) -> datetime | None:
    """Return when the message was last edited, or None when unknown or never edited."""
    try:
        unixtime = message.get("edited_unixtime")
        if unixtime is not None:
            return _from_unixtime(unixtime, "edited_unixtime")
        local = message.get("edited")
        if isinstance(local, str) and zone is not None:
            return _from_local(local, "edited", zone)
    except TimestampError:
        return None
    return None


def utc_text(value: datetime) -> str:
    """Return `value` as UTC ISO 8601 with a `Z`, the form item metadata uses."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
