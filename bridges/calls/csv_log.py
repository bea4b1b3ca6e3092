"""Reader for call logs in CSV, for phones and apps that do not write the Android XML.

The file is UTF-8 (a byte order mark is allowed) with a header line; the column order is
free, unknown columns are ignored, and fields with commas or line breaks are quoted:

    date,number,name,direction,status,duration_seconds
    2024-03-08T11:00:00-05:00,+15550142,"Example, Alice",inbound,answered,95
    1709917200000,,,inbound,missed,0

- date (required): ISO 8601 with a UTC offset, or epoch milliseconds. A date without an
  offset is read in `--timezone`.
- number: the counterpart's number; empty, `-1`, `-2` or `-3` for a withheld or unknown
  caller.
- name: the counterpart's name, optional.
- direction (required): `inbound` or `outbound` (`incoming` and `outgoing` are accepted).
- status: `answered`, `missed`, `voicemail`, `rejected`, `blocked` or `answered_elsewhere`;
  may be empty.
- duration_seconds: whole seconds; may be empty.
- presentation: `allowed`, `restricted`, `unknown` or `payphone`; optional column.
"""

from __future__ import annotations

import csv
from datetime import datetime
from typing import Iterator, Protocol
from zoneinfo import ZoneInfo

from bridges.android_backup import fields
from bridges.android_backup.fields import InvalidRecord
from bridges.android_backup.numbers import NAMES_TO_PRESENTATION, resolve_counterpart
from bridges.calls.call import CALL_STATUSES, Call, call_item
from bridges.core.records import ParseError, ReadOptions, Record
from hub.contacts.handles import InvalidHandle

REQUIRED_COLUMNS = ("date", "direction")
COLUMNS = ("date", "number", "name", "direction", "status", "duration_seconds", "presentation")
DIRECTIONS = {"inbound": "inbound", "incoming": "inbound", "outbound": "outbound", "outgoing": "outbound"}


class _RowReader(Protocol):
    """A `csv.reader`: rows, and the number of physical lines read so far."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


def read_csv(path: str, options: ReadOptions) -> Iterator[Record]:
    """Yield one record per data row of the file, in file order."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            yield ParseError(path, "line 1", f"invalid CSV header: {type(exc).__name__}")
            return
        columns = [name.strip().lower() for name in header]
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            yield ParseError(
                path, "line 1", f"CSV header lacks column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}"
            )
            return
        yield from _read_rows(path, reader, columns, options)


def _read_rows(path: str, reader: _RowReader, columns: list[str], options: ReadOptions) -> Iterator[Record]:
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            yield ParseError(path, f"line {line}", f"invalid CSV row: {type(exc).__name__}")
            return
        location = f"line {line}"
        line = reader.line_num + 1
        if not any(value.strip() for value in row):
            continue
        if len(row) > len(columns):
            yield ParseError(path, location, f"row has {len(row)} fields but the header has {len(columns)}")
            continue
        values = dict(zip(columns, (value.strip() for value in row)))
        try:
            call = _call_of(values, options)
        except InvalidRecord as exc:
            yield ParseError(path, location, str(exc))
            continue
        except InvalidHandle as exc:
            yield ParseError(path, location, f"number {exc}")
            continue
        yield call_item(call, path, location)


def _call_of(values: dict[str, str], options: ReadOptions) -> Call:
    direction = DIRECTIONS.get(values.get("direction", "").lower())
    if direction is None:
        raise InvalidRecord("direction must be inbound or outbound")

    status = values.get("status", "").lower() or None
    if status is not None and status not in CALL_STATUSES:
        raise InvalidRecord(f"status must be one of {', '.join(CALL_STATUSES)}")

    presentation_name = values.get("presentation", "").lower()
    if presentation_name and presentation_name not in NAMES_TO_PRESENTATION:
        raise InvalidRecord("presentation must be allowed, restricted, unknown or payphone")
    presentation = NAMES_TO_PRESENTATION.get(presentation_name)

    number = values.get("number", "")
    return Call(
        occurred_at=_parse_date(values.get("date", ""), options.timezone),
        direction=direction,
        status=status,
        number=number,
        counterpart=resolve_counterpart(number, presentation, options.phone_region),
        name=fields.contact_name(values.get("name")),
        duration_seconds=_parse_duration(values.get("duration_seconds", "")),
    )


def _parse_date(text: str, zone: ZoneInfo | None) -> datetime:
    if text.isdigit():
        return fields.epoch_ms(text, "date")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRecord("date is missing or neither ISO 8601 nor epoch milliseconds") from None
    if value.tzinfo is not None:
        return value
    if zone is None:
        raise InvalidRecord("date has no UTC offset; pass --timezone to read it")
    return value.replace(tzinfo=zone)


def _parse_duration(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise InvalidRecord("duration_seconds must be a whole number of seconds")
    return int(text)
