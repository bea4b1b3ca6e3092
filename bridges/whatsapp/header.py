"""Recognise the header that starts each message of a WhatsApp chat export.

WhatsApp writes the header in the phone's locale at export time, for example

    09/10/2023, 11:11 - Name: text             Android, en-GB
    1/15/23, 9:41 PM - Name: text              Android, en-US (newer versions: U+202F before PM)
    15.01.23, 21:41 - Name: text               Android, de
    15/01/2023 à 21:41 - Name: text            Android, fr
    15-01-2023 21:41 - Name: text              Android, nl
    13.6.2018 klo 21.25 - Name: text           Android, fi
    2023/01/15 午後9:41 - Name: text            Android, ja (marker before the time)
    2023. 1. 15. 오후 9:41 - Name: text         Android, ko
    ١٥‏/١‏/٢٠٢٣، ٩:٤١ م - Name: text            Android, ar (Arabic-Indic digits, RLM, Arabic comma)
    [15/01/2023, 21:41:05] Name: text          iOS
    13.06.18 21.25.15: Name: text              iOS before 2017, no brackets

One export renders every header with the same pattern, so the pattern (`HeaderShape`)
is decided per file, and a line that looks like a header of another shape is text. The
day/month order cannot be read from one line and is decided per file as well (see
`date_order`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import NamedTuple

from bridges.whatsapp.phrases import BIDI_MARKS, ODD_SPACES


class DateOrder(str, Enum):
    DAY_FIRST = "day_first"
    MONTH_FIRST = "month_first"
    YEAR_FIRST = "year_first"


class HeaderShape(NamedTuple):
    """The parts of a header's pattern that one export never varies."""

    style: str  # "android" (" - "), "ios" ("[...] "), "ios_legacy" (": ")
    date_separator: str
    time_separator: str
    year_first: bool
    has_seconds: bool
    twelve_hour: bool


# AM/PM markers in the forms WhatsApp writes them: en (AM, am, a.m.), es ("a. m."),
# de ("vorm."/"nachm."), ja, ko, zh, ar, sv ("fm"/"em"), el, vi ("SA"/"CH"),
# fi ("ap."/"ip."), hu ("de."/"du."), fa. Matched without regard to case.
_MERIDIEM = (
    r"a\.\ ?m\.?|p\.\ ?m\.?|am|pm|vorm\.?|nachm\.?|午前|午後|오전|오후|上午|下午|ص|م"
    r"|fm|em|π\.\ ?μ\.?|μ\.\ ?μ\.?|sa|ch|ap\.|ip\.|de\.|du\.|ق\.\ ?ظ\.?|ب\.\ ?ظ\.?"
)
_AM_MARKERS = frozenset(("am", "vorm", "午前", "오전", "上午", "ص", "fm", "πμ", "sa", "ap", "de", "قظ"))

_HEADER = re.compile(
    r"""
    (?P<bracket>\[)?
    (?P<a>\d{1,4}) (?P<dsep>[./-]) \ ? (?P<b>\d{1,2}) (?P=dsep) \ ? (?P<c>\d{1,4}) \.?
    (?: ,\ ? | \ (?:à|klo|kl\.)\ | \ )
    (?: (?P<pre>%(m)s) \ ? )?
    (?P<hour>\d{1,2}) (?P<tsep>[:.]) (?P<minute>\d{2}) (?: (?P=tsep) (?P<second>\d{2}) )?
    (?: \ ? (?P<post>%(m)s) )?
    (?(bracket) \]\ ? | (?P<end>\ -\ |:\ ) )
    """
    % {"m": _MERIDIEM},
    re.VERBOSE | re.IGNORECASE,
)

# Header lines start with a digit, "[" or a direction mark; the test keeps the regular
# expression off most text lines.
_MAY_START_HEADER = re.compile(r"[\[\d%s]" % BIDI_MARKS)

# Characters needing work before matching: deletions shift offsets, replacements do not.
_REPLACEMENTS = str.maketrans({**{c: " " for c in ODD_SPACES}, "\u060c": ","})
_HAS_REPLACEMENT = re.compile("[%s\u060c]" % ODD_SPACES)
_HAS_MARK = re.compile("[%s]" % BIDI_MARKS)

# Maximum length of the line start searched for a header, in characters. The headers
# above are at most 35 characters long, plus direction marks.
_HEAD_LENGTH = 96


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """A line that matched the header pattern, with its fields as written."""

    shape: HeaderShape
    fields: tuple[int, int, int]  # the three date numbers in written order
    hour: int
    minute: int
    second: int | None
    meridiem: str | None  # "am", "pm" or None for a 24-hour clock
    capital_meridiem: bool  # "AM"/"PM" in capitals, as the en-US locale writes them
    body: str  # the line after the header, as written

    def local_datetime(self, order: DateOrder) -> datetime | None:
        """Return the wall-clock time under `order`, or None when it is no valid date or time."""
        a, b, c = self.fields
        if order is DateOrder.YEAR_FIRST:
            year, month, day = a, b, c
        elif order is DateOrder.DAY_FIRST:
            day, month, year = a, b, c
        else:
            month, day, year = a, b, c
        if year < 100:
            # Two-digit years: WhatsApp exists since 2009, so "23" is 2023.
            year += 2000

        hour = self.hour
        if self.meridiem is not None:
            if hour > 12:
                return None
            # 12 AM is midnight and 12 PM noon; ja writes 午後0:05 for 12:05.
            hour = hour % 12 + (12 if self.meridiem == "pm" else 0)
        try:
            return datetime(year, month, day, hour, self.minute, self.second or 0)
        except ValueError:
            return None


def match_header(line: str) -> HeaderMatch | None:
    """Return the header at the start of `line`, or None when the line has none."""
    if not _MAY_START_HEADER.match(line):
        return None

    head = line[:_HEAD_LENGTH]
    normalised, offsets = _normalise(head)
    found = _HEADER.match(normalised)
    if found is None:
        return None

    body_start = found.end() if offsets is None else _original_offset(offsets, found.end(), len(head))
    return _build_match(found, line[body_start:])


def _normalise(head: str) -> tuple[str, list[int] | None]:
    """Replace odd spaces and drop direction marks; return the text and, if marks were
    dropped, the original index of each remaining character."""
    replaced = head.translate(_REPLACEMENTS) if _HAS_REPLACEMENT.search(head) else head
    if not _HAS_MARK.search(replaced):
        return replaced, None

    kept: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(replaced):
        if char in BIDI_MARKS:
            continue
        kept.append(char)
        offsets.append(index)
    return "".join(kept), offsets


def _original_offset(offsets: list[int], normalised_index: int, head_length: int) -> int:
    return offsets[normalised_index] if normalised_index < len(offsets) else head_length


def _build_match(found: re.Match[str], body: str) -> HeaderMatch:
    marker = found["pre"] or found["post"]
    meridiem = None
    if marker is not None:
        key = re.sub(r"[ .]", "", marker).casefold()
        meridiem = "am" if key in _AM_MARKERS else "pm"

    if found["bracket"]:
        style = "ios"
    elif found["end"] == " - ":
        style = "android"
    else:
        style = "ios_legacy"

    shape = HeaderShape(
        style=style,
        date_separator=found["dsep"],
        time_separator=found["tsep"],
        year_first=len(found["a"]) == 4,
        has_seconds=found["second"] is not None,
        twelve_hour=meridiem is not None,
    )
    return HeaderMatch(
        shape=shape,
        fields=(int(found["a"]), int(found["b"]), int(found["c"])),
        hour=int(found["hour"]),
        minute=int(found["minute"]),
        second=int(found["second"]) if found["second"] is not None else None,
        meridiem=meridiem,
        capital_meridiem=marker is not None and marker.isascii() and marker.isupper(),
        body=body,
    )
