"""One occurrence of a calendar event as an interaction item.

source_id is the event's UID for a single event. For an occurrence of a recurring event it
is the UID, `|`, and the occurrence's original start (its RECURRENCE-ID): in UTC as
`2024-04-17T15:30:00Z`, or the date `2024-04-17` for an all-day event. An occurrence that an
override moved keeps the id of the slot it replaces, so a moved meeting is one interaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from icalendar import Event
from pydantic import ValidationError

from bridges.calendar import attendees, conferencing
from bridges.calendar.zones import localize, zone_name
from bridges.core.records import InteractionItem, ParseError
from hub.ingest.item import MAX_CONTENT_CHARS

MAX_SUBJECT_CHARS = 2000
MAX_LOCATION_CHARS = 500
MAX_DURATION = timedelta(days=7)  # the item model's limit for duration_seconds
# Longest UID used as it is; a longer one is replaced by its digest to fit source_id.
MAX_UID_CHARS = 400


@dataclass(frozen=True)
class Series:
    """The values that every occurrence of one event series shares."""

    uid: str
    recurring: bool
    # Zone for floating times: the calendar's X-WR-TIMEZONE or --timezone.
    floating_zone: tzinfo | None
    # Zone for the midnight of all-day events: --timezone; None means UTC.
    date_zone: tzinfo | None
    own: frozenset[str]


@dataclass(frozen=True)
class Timing:
    """When an occurrence happens; for an all-day event `start` is 00:00 of its first day."""

    start: datetime
    end: datetime | None
    all_day: bool
    start_date: date | None = None
    end_date_exclusive: date | None = None


def uid_of(event: Event) -> str:
    """Return the event's UID; an event without one gets a digest of start, summary, organizer."""
    uid = str(event.get("UID", "")).strip()
    if uid and len(uid) <= MAX_UID_CHARS:
        return uid
    if uid:
        return "uid-sha256-" + hashlib.sha256(uid.encode()).hexdigest()
    start = event.get("DTSTART")
    key = "|".join(
        (start.to_ical().decode() if start is not None else "", str(event.get("SUMMARY", "")), str(event.get("ORGANIZER", "")))
    )
    return "no-uid-" + hashlib.sha256(key.encode()).hexdigest()[:32]


def timing(occurrence: Event, series: Series) -> Timing:
    """Return the start and end of an occurrence as aware datetimes (and dates if all-day)."""
    start_value = occurrence.start
    end_value = occurrence.end
    if not isinstance(start_value, datetime):
        end_date = end_value if isinstance(end_value, date) and not isinstance(end_value, datetime) else None
        if end_date is None or end_date <= start_value:
            end_date = start_value + timedelta(days=1)
        midnight = datetime.combine(start_value, time(0), tzinfo=series.date_zone or timezone.utc)
        return Timing(midnight, None, True, start_value, end_date)

    zone = series.floating_zone or timezone.utc
    start = localize(start_value, zone)
    end = localize(end_value, zone) if isinstance(end_value, datetime) else None
    return Timing(start, end, False)


def occurrence_id(occurrence: Event, series: Series) -> str:
    """Return the source_id of an occurrence (see the module docstring)."""
    if not series.recurring:
        return series.uid
    original = occurrence.get("RECURRENCE-ID") or occurrence.get("DTSTART")
    moment = original.dt
    if isinstance(moment, datetime):
        moment = localize(moment, series.floating_zone or timezone.utc)
        return f"{series.uid}|{_utc_text(moment)}"
    return f"{series.uid}|{moment.isoformat()}"


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(event: Event, name: str, limit: int) -> str | None:
    value = event.get(name)
    if value is None:
        return None
    text = str(value).replace("\x00", "").strip()
    return text[:limit] or None


def _metadata(occurrence: Event, when: Timing, series: Series, provider: str | None) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    if when.start_date is not None and when.end_date_exclusive is not None:
        metadata["all_day"] = True
        metadata["start_date"] = when.start_date.isoformat()
        metadata["end_date_exclusive"] = when.end_date_exclusive.isoformat()
        metadata["timezone"] = zone_name(series.date_zone) or "UTC"
        if series.date_zone is None:
            # No --timezone was given, so occurred_at is 00:00 UTC of the start date.
            metadata["timezone_assumed"] = True
    else:
        metadata["start"] = _utc_text(when.start)
        if when.end is not None:
            metadata["end"] = _utc_text(when.end)
        name = zone_name(when.start.tzinfo)
        if name:
            metadata["timezone"] = name
    location = _text(occurrence, "LOCATION", MAX_LOCATION_CHARS)
    if location:
        metadata["location"] = location
    if provider:
        metadata["conference_provider"] = provider
    return metadata


def _duration_seconds(when: Timing) -> int | None:
    if when.all_day or when.end is None:
        return None
    duration = when.end - when.start
    if not timedelta(0) <= duration <= MAX_DURATION:
        return None
    return int(duration.total_seconds())


def _direction(occurrence: Event, own: frozenset[str]) -> str | None:
    organizer = attendees.organizer_address(occurrence)
    if organizer is None:
        return None
    return "outbound" if organizer in own else "inbound"


def occurrence_item(
    occurrence: Event, when: Timing, series: Series, path: str, location: str
) -> InteractionItem | ParseError:
    """Return the item of one occurrence, or a ParseError when the model rejects it."""
    provider = conferencing.conference_provider(occurrence)
    fields = {
        "source": "meeting",
        "source_id": occurrence_id(occurrence, series),
        "type": "video_call" if provider else "meeting",
        "occurred_at": when.start,
        "direction": _direction(occurrence, series.own),
        "duration_seconds": _duration_seconds(when),
        "subject": _text(occurrence, "SUMMARY", MAX_SUBJECT_CHARS),
        "content": _text(occurrence, "DESCRIPTION", MAX_CONTENT_CHARS),
        "thread_id": series.uid if series.recurring else None,
        "participants": attendees.participants(occurrence, series.own),
        "metadata": _metadata(occurrence, when, series, provider),
    }
    try:
        return InteractionItem(**fields)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(part) for part in detail['loc'])}: {detail['msg']}" for detail in exc.errors()]
        return ParseError(path, location, "invalid interaction: " + "; ".join(problems))
