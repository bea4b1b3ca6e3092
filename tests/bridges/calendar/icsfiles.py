"""Build .ics files for the tests, with CRLF line endings as RFC 5545 requires."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bridges.core.records import ReadOptions

NOW = "2024-06-01T00:00:00Z"


def options(**values: object) -> ReadOptions:
    """Return read options with the fixed "now" of the tests."""
    extra = {"now": NOW}
    extra.update(values.pop("extra", {}))  # type: ignore[arg-type]
    return ReadOptions(extra=extra, **values)  # type: ignore[arg-type]


def write_ics(folder: Path, body: str, calendar_lines: str = "", name: str = "calendar.ics") -> str:
    """Write a VCALENDAR around `body` (VEVENT and VTIMEZONE blocks) and return its path."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Example Corp//Planner 1.0//EN"]
    lines += textwrap.dedent(calendar_lines).strip().splitlines()
    lines += textwrap.dedent(body).strip().splitlines()
    lines.append("END:VCALENDAR")
    path = folder / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return str(path)


def event(uid: str, start: str, end: str | None = None, summary: str = "Planning", extra: str = "") -> str:
    """Return a VEVENT block; `start` and `end` are whole lines such as `DTSTART:20240403T150000Z`."""
    lines = ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20240301T100000Z", start]
    if end:
        lines.append(end)
    lines.append(f"SUMMARY:{summary}")
    lines += textwrap.dedent(extra).strip().splitlines()
    lines.append("END:VEVENT")
    return "\n".join(lines)
