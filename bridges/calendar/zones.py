"""Time zones of iCalendar events: finding unknown zones, floating times and X-WR-TIMEZONE.

icalendar resolves a TZID to a zone through the file's VTIMEZONE components, the IANA
database, and CLDR's table of Windows zone names (`W. Europe Standard Time` is
`Europe/Berlin`; the table ships in `icalendar.timezone.windows_to_olson`). A TZID it
cannot resolve leaves a naive datetime behind that recurring-ical-events would then read in
some other zone, so such an event is rejected before expansion instead.

A floating time (no TZID, no `Z`) is read in the calendar's X-WR-TIMEZONE, which Google
Calendar writes, or else in `--timezone`. With neither, the event is rejected.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any, Iterator

from icalendar import Calendar, Event
from icalendar.timezone import tzp

TIME_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")
X_WR_TIMEZONE = "X-WR-TIMEZONE"


def _time_values(value: Any) -> Iterator[tuple[Any, date | datetime]]:
    """Yield (parameters, value) of a date-time property, a list of them, or a list property."""
    if isinstance(value, list):
        for item in value:
            yield from _time_values(item)
        return
    if hasattr(value, "dts"):
        for item in value.dts:
            moment = item.dt[0] if isinstance(item.dt, tuple) else item.dt
            yield value.params, moment
        return
    moment = value.dt[0] if isinstance(value.dt, tuple) else value.dt
    yield value.params, moment


def unknown_zone(event: Event) -> str | None:
    """Return a reason when icalendar resolved no zone for a TZID of the event, else None."""
    for name in TIME_PROPERTIES:
        if name not in event:
            continue
        for params, moment in _time_values(event[name]):
            zone_id = params.get("TZID")
            if zone_id and isinstance(moment, datetime) and moment.tzinfo is None:
                return (
                    f"unknown time zone {zone_id!r} in {name}: not an IANA or Windows zone name, "
                    "and no VTIMEZONE in the file defines it"
                )
    return None


def is_floating(event: Event) -> bool:
    """Tell whether the event's start is a wall-clock time without a zone."""
    start = event.get("DTSTART")
    return start is not None and isinstance(start.dt, datetime) and start.dt.tzinfo is None


def calendar_zone(calendar: Calendar) -> tuple[tzinfo | None, str | None]:
    """Return the calendar's X-WR-TIMEZONE as a zone, and the raw name when it is unknown."""
    name = calendar.get(X_WR_TIMEZONE)
    if name is None or not str(name).strip():
        return None, None
    zone = tzp.timezone(str(name).strip())
    if zone is None:
        return None, str(name)
    return zone, None


def zone_name(zone: tzinfo | None) -> str | None:
    """Return an IANA key for a zone when it has one, else the zone's own name."""
    if zone is None:
        return None
    key = getattr(zone, "key", None) or getattr(zone, "zone", None)
    if key:
        return str(key)
    return str(zone)


def localize(moment: datetime, zone: tzinfo) -> datetime:
    """Return a naive (floating) datetime read in `zone`; an aware one is returned as it is."""
    if moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=zone)
