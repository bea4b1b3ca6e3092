"""Parsing of the Date header in the shapes real mailers write, not only RFC 5322's.

Besides `Fri, 08 Mar 2024 16:10:00 -0500`, these are accepted:

- a missing day name, comments such as `(CET)`, two- and three-digit years;
- RFC 850 dates (`08-Mar-24`) and asctime order (`Fri Mar  8 16:10:00 2024`);
- dots as time separators, AM/PM;
- named and military zones, `GMT+1` and `+01:00` offsets;
- ISO 8601 (`2024-03-08 16:10:00`);
- month and day names in a few languages besides English.

A date without a zone is taken as wall-clock time in the zone the caller passes, and
the result names that zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo


class DateError(ValueError):
    """A Date header that cannot be turned into a point in time."""


@dataclass(frozen=True)
class ParsedDate:
    value: datetime
    # The IANA zone name assumed because the header had no usable zone, else None.
    assumed_zone: str | None = None


MONTHS = {
    # English, then German, French, Spanish, Italian, Dutch and Portuguese abbreviations
    # that localised mailers write, lower case. Longer names match by their first four,
    # then first three letters ("juillet" by "juil", "März" by "mär").
    **{name: number for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)},
    "mär": 3, "mai": 5, "okt": 10, "dez": 12,
    "fév": 2, "fev": 2, "avr": 4, "juin": 6, "juil": 7, "aoû": 8, "aou": 8, "déc": 12,
    "ene": 1, "abr": 4, "ago": 8, "dic": 12,
    "gen": 1, "mag": 5, "giu": 6, "lug": 7, "set": 9, "ott": 10,
    "mrt": 3, "mei": 5, "out": 10,
}

# Zone names that mailers write instead of an offset, in seconds east of UTC. RFC 5322
# section 4.3 defines UT, GMT and the North American names. The others are common zone
# abbreviations. Ambiguous names such as IST (India, Ireland, Israel) are left out, so
# they count as a missing zone.
ZONE_OFFSETS = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
    "EST": -5 * 3600, "EDT": -4 * 3600,
    "CST": -6 * 3600, "CDT": -5 * 3600,
    "MST": -7 * 3600, "MDT": -6 * 3600,
    "PST": -8 * 3600, "PDT": -7 * 3600,
    "AKST": -9 * 3600, "AKDT": -8 * 3600, "HST": -10 * 3600,
    "AST": -4 * 3600, "ADT": -3 * 3600, "NST": -(3 * 3600 + 1800), "NDT": -(2 * 3600 + 1800),
    "BST": 3600, "WEST": 3600, "CET": 3600, "MET": 3600, "MEZ": 3600,
    "CEST": 2 * 3600, "MEST": 2 * 3600, "MESZ": 2 * 3600, "EET": 2 * 3600, "EEST": 3 * 3600,
    "MSK": 3 * 3600, "JST": 9 * 3600, "KST": 9 * 3600, "HKT": 8 * 3600, "SGT": 8 * 3600,
    "AWST": 8 * 3600, "ACST": 9 * 3600 + 1800, "AEST": 10 * 3600, "AEDT": 11 * 3600,
    "NZST": 12 * 3600, "NZDT": 13 * 3600,
}

# RFC 822 military zones (one letter, J unused). RFC 5322 section 4.3: their sign was
# defined backwards and mailers disagree, so they "SHOULD all be considered equivalent
# to -0000", which means a UTC time with the sender's zone unknown.
MILITARY_ZONES = set("ABCDEFGHIKLMNOPQRSTUVWXYZ")

# Day names written without the comma that RFC 5322 puts after them (asctime order,
# "Fri 08 Mar 2024"). A leading word followed by a comma is a day name in any language.
DAY_NAMES = {
    "mon", "tue", "wed", "thu", "fri", "sat", "sun",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}
LEADING_DAY_NAME = re.compile(r"^\s*[^\W\d]+\.?\s*,")

COMMENT = re.compile(r"\([^()]*\)")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\.\d+)?$")
NUMERIC_ZONE = re.compile(r"^(?:(?:GMT|UTC|UT)?([+-])(\d{1,2})(?::?(\d{2}))?)$", re.IGNORECASE)
GLUED_ZONE = re.compile(r"^(\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)([+-]\d{2}:?\d{2})$")


@dataclass
class _Fields:
    day: int | None = None
    month: int | None = None
    year: int | None = None
    hour: int = 0
    minute: int = 0
    second: int = 0
    time_seen: bool = False
    meridiem: str | None = None
    offset: int | None = None
    zone_known: bool = False


def parse_date(value: str | None, assumed_zone: tzinfo | None) -> ParsedDate:
    """Return the point in time a Date header names, or raise DateError.

    `assumed_zone` is used when the header has no zone or an unknown one; when it is
    None such a header raises DateError.
    """
    if value is None or not value.strip():
        raise DateError("Date header is missing")

    without_comments = _strip_comments(value)
    comment_zones = [text.strip(" ()").upper() for text in COMMENT.findall(value)]
    text = LEADING_DAY_NAME.sub("", " ".join(without_comments.split()))

    if ISO_DATE.match(text):
        return _parse_iso(text, assumed_zone)

    fields = _read_tokens(text)
    if fields.offset is None:
        # A zone only in a comment, as in "16:10:00 (CET)", still beats guessing.
        for name in comment_zones:
            if name in ZONE_OFFSETS:
                fields.offset = ZONE_OFFSETS[name]
                fields.zone_known = True
                break
    return _build(fields, assumed_zone)


def _strip_comments(value: str) -> str:
    # RFC 5322 comments nest, so remove the innermost ones until none are left.
    previous = None
    while previous != value:
        previous = value
        value = COMMENT.sub(" ", value)
    return value


def _read_tokens(text: str) -> _Fields:
    fields = _Fields()
    numbers: list[int] = []
    number_widths: list[int] = []

    tokens = [token for token in re.split(r"[\s,]+", text) if token]
    expanded: list[str] = []
    for token in tokens:
        glued = GLUED_ZONE.match(token)
        if glued:
            expanded.extend(glued.groups())
        elif re.fullmatch(r"\d{1,2}-[^\W\d]+\.?-\d{2,4}", token):
            expanded.extend(token.split("-"))
        else:
            expanded.append(token)

    for token in expanded:
        lower = token.lower().rstrip(".")
        upper = token.upper()
        time_match = TIME.match(token)
        zone_match = NUMERIC_ZONE.match(token)

        if time_match and not fields.time_seen:
            fields.hour = int(time_match.group(1))
            fields.minute = int(time_match.group(2))
            fields.second = int(time_match.group(3) or 0)
            fields.time_seen = True
        elif token.isdigit():
            numbers.append(int(token))
            number_widths.append(len(token))
        elif zone_match and fields.time_seen:
            sign = -1 if zone_match.group(1) == "-" else 1
            hours, minutes = int(zone_match.group(2)), int(zone_match.group(3) or 0)
            fields.offset = sign * (hours * 3600 + minutes * 60)
            # "-0000": the time is UTC and the sender's zone is unknown (RFC 5322 3.3).
            fields.zone_known = True
        elif lower in ("am", "pm"):
            fields.meridiem = lower
        elif fields.month is None and _month_of(lower) is not None:
            fields.month = _month_of(lower)
        elif upper in ZONE_OFFSETS and fields.time_seen:
            fields.offset = ZONE_OFFSETS[upper]
            fields.zone_known = True
        elif upper in MILITARY_ZONES and fields.time_seen:
            fields.offset = 0
            fields.zone_known = True
        elif lower in DAY_NAMES:
            continue
        # Any other word (an unknown zone name, "at") is ignored: the zone then counts as
        # missing, which is reported.

    _assign_day_and_year(fields, numbers, number_widths)
    return fields


def _month_of(word: str) -> int | None:
    if not word.isalpha() or len(word) < 3:
        return None
    for prefix in (word, word[:4], word[:3]):
        if prefix in MONTHS:
            return MONTHS[prefix]
    return None


def _assign_day_and_year(fields: _Fields, numbers: list[int], widths: list[int]) -> None:
    if len(numbers) < 2:
        return
    # A four-digit number is the year in any position (asctime puts it last). Otherwise
    # the RFC 5322 order "day month year" applies.
    four_digit = [index for index, width in enumerate(widths) if width == 4]
    if four_digit:
        year_index = four_digit[0]
    else:
        year_index = 1 if len(numbers) > 1 else 0
    day_index = 0 if year_index != 0 else 1
    fields.year = _full_year(numbers[year_index], widths[year_index])
    fields.day = numbers[day_index]


def _full_year(year: int, width: int) -> int:
    # RFC 5322 section 4.3: two-digit years 00-49 are 2000-2049, 50-99 are 1950-1999,
    # and a three-digit year is added to 1900.
    if width <= 2:
        return year + (2000 if year < 50 else 1900)
    if width == 3:
        return year + 1900
    return year


def _build(fields: _Fields, assumed_zone: tzinfo | None) -> ParsedDate:
    if fields.day is None or fields.month is None or fields.year is None:
        raise DateError("Date header is not a valid date")

    hour = fields.hour
    if fields.meridiem == "pm" and hour < 12:
        hour += 12
    elif fields.meridiem == "am" and hour == 12:
        hour = 0

    try:
        naive = datetime(fields.year, fields.month, fields.day, hour, fields.minute, min(fields.second, 59))
    except ValueError as exc:
        raise DateError(f"Date header is not a valid date ({exc})") from exc

    if fields.zone_known and fields.offset is not None:
        try:
            zone = timezone(timedelta(seconds=fields.offset))
        except ValueError as exc:
            raise DateError("Date header has an invalid zone offset") from exc
        return ParsedDate(naive.replace(tzinfo=zone))
    return _assume_zone(naive, assumed_zone)


def _assume_zone(naive: datetime, assumed_zone: tzinfo | None) -> ParsedDate:
    if assumed_zone is None:
        raise DateError("Date header has no time zone; pass --timezone to read it as local time")
    name = assumed_zone.key if isinstance(assumed_zone, ZoneInfo) else str(assumed_zone)
    return ParsedDate(naive.replace(tzinfo=assumed_zone), assumed_zone=name)


def _parse_iso(text: str, assumed_zone: tzinfo | None) -> ParsedDate:
    # datetime.fromisoformat (Python 3.11) rejects a space before the zone.
    text = re.sub(r"\s+(Z|[+-]\d{2}:?\d{2})$", r"\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise DateError(f"Date header is not a valid date ({exc})") from exc
    if parsed.tzinfo is None:
        return _assume_zone(parsed, assumed_zone)
    return ParsedDate(parsed)
