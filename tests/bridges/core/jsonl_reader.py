"""A tiny reader for the framework's tests: one JSON object per line.

A line containing an item in the ingestion API's shape yields that item, `{"skip": REASON}`
yields a Skipped record, and any other line yields a ParseError, like a real reader.
`{"raise": MESSAGE}` makes the reader raise RuntimeError, as a reader with a bug would.
`{"phone": NUMBER}` normalises the number as the call-log readers do: a ParseError if it
is invalid, else a Skipped record.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Iterator

from pydantic import ValidationError

from bridges.core.records import InteractionItem, ParseError, ReadOptions, Record, Skipped
from hub.contacts.handles import InvalidHandle, normalize_handle

FIRST_MESSAGE_AT = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


def read(path: str, options: ReadOptions) -> Iterator[Record]:
    if path == "-":
        yield from _read_lines(path, sys.stdin, options)
        return
    with open(path, encoding="utf-8") as lines:
        yield from _read_lines(path, lines, options)


def _read_lines(path: str, lines: Iterable[str], options: ReadOptions) -> Iterator[Record]:
    for number, line in enumerate(lines, start=1):
        location = f"line {number}"
        try:
            data = json.loads(line)
        except ValueError:
            yield ParseError(path, location, "not a JSON object")
            continue
        if isinstance(data, dict) and "raise" in data:
            raise RuntimeError(data["raise"])  # a reader bug, for the framework's tests
        if isinstance(data, dict) and "phone" in data:
            try:
                normalize_handle("phone", str(data["phone"]), options.phone_region)
            except InvalidHandle as exc:
                yield ParseError(path, location, f"number {exc}")
            else:
                yield Skipped(path, location, "a phone number only")
            continue
        if isinstance(data, dict) and "skip" in data:
            yield Skipped(path, location, str(data["skip"]))
            continue
        try:
            item = InteractionItem.model_validate(data)
        except ValidationError:
            yield ParseError(path, location, "not an interaction item")
            continue
        if item.participants and item.participants[0].handle in options.me:
            item = item.model_copy(update={"direction": "outbound", "participants": item.participants[1:]})
        yield item


def make_item(number: int, **fields: Any) -> dict[str, Any]:
    """Return item number `number` in the wire shape, one minute after the previous one."""
    item: dict[str, Any] = {
        "source": "signal",
        "source_id": f"test-{number}",
        "type": "message",
        "occurred_at": (FIRST_MESSAGE_AT + timedelta(minutes=number)).isoformat(),
        "content": f"message {number}",
        "participants": [{"handle": "+15550142", "kind": "phone", "role": "from"}],
    }
    item.update(fields)
    return item


def write_lines(path: Any, entries: list[Any]) -> str:
    """Write `entries` as JSON lines (strings are written as they are) and return the path."""
    with open(path, "w", encoding="utf-8") as stream:
        for entry in entries:
            stream.write((entry if isinstance(entry, str) else json.dumps(entry)) + "\n")
    return str(path)
