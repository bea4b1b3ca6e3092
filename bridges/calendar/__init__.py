"""Meetings from iCalendar (.ics) files, as exported by Google Calendar, Outlook or Thunderbird.

`reader` expands recurring events and yields the occurrences up to now. `occurrence` turns
one occurrence into an item and documents the source_id scheme. `zones`, `attendees` and
`conferencing` handle time zones, participants and video links.
"""

from __future__ import annotations

from typing import Iterator

from bridges.calendar.reader import read_calendar
from bridges.core.records import ReadOptions, Record

__all__ = ["read"]


def read(path: str, options: ReadOptions) -> Iterator[Record]:
    """Yield one meeting per occurrence up to now of each event in the .ics file.

    Floating times use the calendar's X-WR-TIMEZONE, else `options.timezone`. All-day
    events start at 00:00 of their date in `options.timezone` (UTC when it is None).
    `options.extra["now"]` (ISO 8601 with a UTC offset) replaces the current time.
    """
    return read_calendar(path, options)
