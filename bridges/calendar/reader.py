"""Reader for iCalendar (.ics) files: every occurrence up to now of every event, as meetings.

The whole file is parsed at once, because an override of one occurrence (a VEVENT with the
same UID and a RECURRENCE-ID) may appear anywhere in it. Events are grouped into series by
UID, and each series is expanded on its own by recurring-ical-events (RRULE, RDATE, EXDATE
and overrides), so that one broken series yields a ParseError and the others are read.
Records come series by series in the order of their first VEVENT, occurrences by start.

"Now" is the current time, or `options.extra["now"]` (ISO 8601 with a UTC offset, such as
`2024-05-01T00:00:00Z`) so that tests and re-runs see a fixed calendar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Iterator

import icalendar
import recurring_ical_events
from icalendar import Calendar, Event
from icalendar.timezone import tzp
from recurring_ical_events.errors import BadRuleStringFormat, PeriodEndBeforeStart

from bridges.calendar import attendees
from bridges.calendar.occurrence import Series, occurrence_item, timing, uid_of
from bridges.calendar.zones import X_WR_TIMEZONE, calendar_zone, is_floating, unknown_zone, zone_name
from bridges.core.records import ParseError, ReadOptions, Record, Skipped

NOW_OPTION = "now"
EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
# Floating times are compared with "now" only after they get their zone; this margin makes
# the expansion window wide enough for any UTC offset.
FLOATING_MARGIN = timedelta(days=2)
CANCELLED = "CANCELLED"
CANCEL_METHOD = "CANCEL"  # an iTIP message that cancels the events it carries
EXPANSION_ERRORS = (
    BadRuleStringFormat,
    PeriodEndBeforeStart,
    icalendar.InvalidCalendar,
    ValueError,
    TypeError,
    OverflowError,
)


@dataclass
class _Component:
    event: Event
    location: str


@dataclass
class _SeriesInput:
    calendar: Calendar
    components: list[_Component] = field(default_factory=list)


def parse_now(options: ReadOptions) -> datetime:
    """Return "now": `options.extra["now"]` when given, else the current time."""
    text = options.extra.get(NOW_OPTION)
    if text is None:
        return datetime.now(timezone.utc)
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"extra option {NOW_OPTION!r} has no UTC offset: {text!r}")
    return value


def read_calendar(path: str, options: ReadOptions) -> Iterator[Record]:
    """Yield the occurrences up to now of the file's events, and a record per problem."""
    try:
        now = parse_now(options)
    except ValueError as exc:
        yield ParseError(path, "options", str(exc))
        return

    with open(path, "rb") as handle:
        data = handle.read()
    # icalendar caches VTIMEZONE definitions process-wide by TZID and keeps the first one,
    # but Outlook names a different zone "Customized Time Zone" in every file. Resetting the
    # provider empties that cache; values are resolved while parsing, so this file keeps
    # its own zones.
    tzp.use_default()
    try:
        calendars = Calendar.from_ical(data, multiple=True)
    except ValueError as exc:
        # icalendar's message quotes the file, so only the kind of failure is given.
        yield ParseError(path, "file", f"invalid iCalendar file ({type(exc).__name__}): no complete VCALENDAR")
        return

    lines = _event_lines(data)
    own = attendees.own_addresses(options.me)
    series_inputs = _group_series(calendars, lines)
    for series_input in series_inputs:
        yield from _read_series(path, series_input, options, own, now)

    read_count = sum(len(series_input.components) for series_input in series_inputs)
    if read_count < len(lines):
        # icalendar drops a VCALENDAR that never ends, for example in a truncated file.
        yield ParseError(
            path,
            f"line {lines[read_count]}",
            f"{len(lines) - read_count} VEVENT(s) from here on are not in a complete VCALENDAR",
        )


def _event_lines(data: bytes) -> list[int]:
    """Return the line number of each `BEGIN:VEVENT`, in file order."""
    return [
        number
        for number, line in enumerate(data.splitlines(), start=1)
        if line.strip().upper() == b"BEGIN:VEVENT"
    ]


def _group_series(calendars: list[Calendar], lines: list[int]) -> list[_SeriesInput]:
    """Group the VEVENTs of each calendar by UID, in the order of their first appearance."""
    groups: dict[tuple[int, str], _SeriesInput] = {}
    index = 0
    for calendar_number, calendar in enumerate(calendars):
        for event in calendar.walk("VEVENT"):
            location = f"line {lines[index]}" if index < len(lines) else f"event {index + 1}"
            index += 1
            key = (calendar_number, uid_of(event))
            groups.setdefault(key, _SeriesInput(calendar)).components.append(_Component(event, location))
    return list(groups.values())


def _problems(path: str, series_input: _SeriesInput) -> list[ParseError]:
    """Return a ParseError for each component that makes the series unreadable."""
    problems = []
    several = len(series_input.components) > 1
    for component in series_input.components:
        reasons = [f"invalid {name or 'content line'}" for name, _message in component.event.errors]
        zone_problem = unknown_zone(component.event) if not reasons else None
        if zone_problem:
            reasons.append(zone_problem)
        if "DTSTART" not in component.event and not reasons:
            reasons.append("VEVENT has no DTSTART")
        if reasons:
            suffix = "; the whole recurring series is skipped" if several else ""
            problems.append(ParseError(path, component.location, "; ".join(reasons) + suffix))
    return problems


def _floating_zone(
    series_input: _SeriesInput, options: ReadOptions
) -> tuple[tzinfo | None, str | None]:
    """Return the zone for the series' floating times, or a reason why there is none."""
    calendar_tz, unknown_name = calendar_zone(series_input.calendar)
    if not any(is_floating(component.event) for component in series_input.components):
        return calendar_tz or options.timezone, None
    if unknown_name is not None:
        return None, f"floating time, and the calendar's {X_WR_TIMEZONE} {unknown_name!r} is not a known zone"
    if calendar_tz is None and options.timezone is None:
        return None, "floating time (no TZID): pass --timezone to read it"
    return calendar_tz or options.timezone, None


def _expand(series_input: _SeriesInput, calendar_tz: tzinfo | None, until: datetime) -> list[Event]:
    """Return the series' occurrences that start before `until`, by recurring-ical-events."""
    single = Calendar()
    # recurring-ical-events reads X-WR-TIMEZONE itself; it needs an IANA name.
    if calendar_tz is not None and zone_name(calendar_tz):
        single.add(X_WR_TIMEZONE, zone_name(calendar_tz))
    for component in series_input.components:
        single.add_component(component.event)
    return list(recurring_ical_events.of(single).between(EARLIEST, until))


def _read_series(
    path: str, series_input: _SeriesInput, options: ReadOptions, own: frozenset[str], now: datetime
) -> Iterator[Record]:
    problems = _problems(path, series_input)
    if problems:
        yield from problems
        return

    components = series_input.components
    first = components[0]
    master = next((c for c in components if "RECURRENCE-ID" not in c.event), None)
    cancelled = master is not None and str(master.event.get("STATUS", "")).upper() == CANCELLED
    if cancelled or str(series_input.calendar.get("METHOD", "")).upper() == CANCEL_METHOD:
        yield Skipped(path, (master or first).location, "cancelled event")
        return

    floating_zone, reason = _floating_zone(series_input, options)
    if reason is not None:
        yield ParseError(path, first.location, reason)
        return
    calendar_tz, _unknown = calendar_zone(series_input.calendar)
    try:
        occurrences = _expand(series_input, calendar_tz, now + FLOATING_MARGIN)
    except EXPANSION_ERRORS as exc:
        yield ParseError(path, first.location, f"cannot expand the event's recurrence ({type(exc).__name__})")
        return

    series = Series(
        uid=uid_of(first.event),
        recurring=_is_recurring(components),
        floating_zone=floating_zone,
        date_zone=options.timezone,
        own=own,
    )
    yield from _occurrence_records(path, occurrences, series, components, now)


def _is_recurring(components: list[_Component]) -> bool:
    return any(
        "RRULE" in c.event or "RDATE" in c.event or "RECURRENCE-ID" in c.event for c in components
    )


def _occurrence_records(
    path: str, occurrences: list[Event], series: Series, components: list[_Component], now: datetime
) -> Iterator[Record]:
    """Yield the records of the occurrences that started by `now`, ordered by start."""
    override_locations = {
        c.event["RECURRENCE-ID"].to_ical(): c.location for c in components if "RECURRENCE-ID" in c.event
    }
    master_location = next((c.location for c in components if "RECURRENCE-ID" not in c.event), components[0].location)

    timed = []
    for occurrence in occurrences:
        recurrence_id = occurrence.get("RECURRENCE-ID")
        location = override_locations.get(recurrence_id.to_ical(), master_location) if recurrence_id else master_location
        try:
            when = timing(occurrence, series)
        except EXPANSION_ERRORS as exc:
            yield ParseError(path, location, f"invalid start or end ({type(exc).__name__})")
            continue
        if when.start <= now:
            timed.append((when, occurrence, location))

    timed.sort(key=lambda entry: entry[0].start)
    for when, occurrence, location in timed:
        if str(occurrence.get("STATUS", "")).upper() == CANCELLED:
            yield Skipped(path, location, "cancelled occurrence")
            continue
        yield occurrence_item(occurrence, when, series, path, location)
