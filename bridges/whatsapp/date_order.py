"""Decide once per export whether its dates are day-first, month-first or year-first.

A single header such as `09/10/2023` does not show which number is the day, and the
digit width does not either (`13/1/2021` and `30/12/2020` share one file). The order
is therefore decided from every header of the file, in this sequence:

1. Year-first shapes (`2023-10-09`, `2023/01/15`, `2023. 1. 15.`) are always
   year-month-day.
2. Dates: a first number above 12 anywhere (`13/1/2021`) rules out month-first, a
   second number above 12 rules out day-first. If both occur, the order under which
   fewer headers are invalid wins.
3. Chronology: an export lists messages in the order they arrived, so the order under
   which fewer timestamps step backwards wins.
4. Locale, for files where both orders fit every header equally well:
   - `.` and `-` date separators are written only by day-first locales (de, ru, fi,
     nl, ...), because month-first locales (en-US and few others) use `/`.
   - A file name in another language than English ("WhatsApp Chat mit ...") means a
     day-first locale: every non-English language in the file name table
     (phrases.FILE_NAME_PREFIXES) writes dates day-first.
   - AM/PM written in capitals is en-US's style (en-GB, en-IN and en-AU write
     lowercase `am`/`pm` or use 24 hours), so month-first.
   - Otherwise day-first, the order of most WhatsApp locales.

The decision and the rule that made it are recorded in each interaction's metadata
(`date_order`, `date_order_basis`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bridges.whatsapp.header import DateOrder, HeaderMatch, HeaderShape

_AMBIGUOUS_ORDERS = (DateOrder.DAY_FIRST, DateOrder.MONTH_FIRST)


@dataclass(frozen=True)
class DateOrderDecision:
    order: DateOrder
    basis: str  # the rule that decided, for example "dates" or "file name language (de)"


@dataclass
class DateOrderEvidence:
    """Tallies, over all headers of one shape, what each candidate order would imply."""

    shape: HeaderShape
    invalid: dict[DateOrder, int] = field(default_factory=lambda: dict.fromkeys(_AMBIGUOUS_ORDERS, 0))
    backward_steps: dict[DateOrder, int] = field(default_factory=lambda: dict.fromkeys(_AMBIGUOUS_ORDERS, 0))
    capital_meridiem: bool = False
    _previous: dict[DateOrder, datetime] = field(default_factory=dict)

    def add(self, header: HeaderMatch) -> None:
        if header.capital_meridiem:
            self.capital_meridiem = True
        if self.shape.year_first:
            return
        for order in _AMBIGUOUS_ORDERS:
            moment = header.local_datetime(order)
            if moment is None:
                self.invalid[order] += 1
                continue
            previous = self._previous.get(order)
            if previous is not None and moment < previous:
                self.backward_steps[order] += 1
            self._previous[order] = moment

    def decide(self, language: str | None) -> DateOrderDecision:
        """Return the file's date order; `language` is the export file name's language, if known."""
        if self.shape.year_first:
            return DateOrderDecision(DateOrder.YEAR_FIRST, "format")

        by_dates = _fewer(self.invalid)
        if by_dates is not None:
            conflicting = min(self.invalid.values()) > 0
            return DateOrderDecision(by_dates, "dates, conflicting" if conflicting else "dates")

        by_chronology = _fewer(self.backward_steps)
        if by_chronology is not None:
            return DateOrderDecision(by_chronology, "chronology")

        if self.shape.date_separator in ".-":
            return DateOrderDecision(DateOrder.DAY_FIRST, f"date separator {self.shape.date_separator!r}")
        if language is not None and language != "en":
            return DateOrderDecision(DateOrder.DAY_FIRST, f"file name language ({language})")
        if self.capital_meridiem:
            return DateOrderDecision(DateOrder.MONTH_FIRST, "AM/PM in capitals (en-US)")
        return DateOrderDecision(DateOrder.DAY_FIRST, "default")


def _fewer(counts: dict[DateOrder, int]) -> DateOrder | None:
    day_first = counts[DateOrder.DAY_FIRST]
    month_first = counts[DateOrder.MONTH_FIRST]
    if day_first == month_first:
        return None
    return DateOrder.DAY_FIRST if day_first < month_first else DateOrder.MONTH_FIRST
