"""Timestamps in API output: stored as UTC epoch seconds, shown in RFC 3339."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def rfc3339(epoch_seconds: int | None, offset_minutes: int = 0) -> str | None:
    """Format epoch seconds at the given UTC offset, e.g. "2024-03-08T17:00:00+01:00"."""
    if epoch_seconds is None:
        return None
    zone = timezone(timedelta(minutes=offset_minutes))
    return datetime.fromtimestamp(epoch_seconds, zone).isoformat()
