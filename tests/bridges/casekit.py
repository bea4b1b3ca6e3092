"""Load an acceptance case from tests/cases and compare a reader's output with it.

A case folder holds input files in a real export format and `expected.json`: the
interactions the hub must store. Field names there describe the expectation; this module
maps the common ones onto the item model (see `assert_common`). Format-specific fields
(`call_status`, `all_day`, ...) are checked by each format's own tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from bridges.core.records import InteractionItem, ParseError, ReadOptions, Reader, Record, Skipped

CASES_DIR = Path(__file__).resolve().parent.parent / "cases"

DIRECTIONS = {"incoming": "inbound", "outgoing": "outbound", "inbound": "inbound", "outbound": "outbound"}


@dataclass
class Case:
    case_id: str
    folder: Path
    expected: dict[str, Any]

    @property
    def input_paths(self) -> list[str]:
        return [str(self.folder / name) for name in self.expected["input_files"]]

    @property
    def context(self) -> dict[str, Any]:
        return dict(self.expected.get("context", {}))

    def options(self, **overrides: Any) -> ReadOptions:
        """Build read options from the case context: `self` as the owner, its time zone."""
        context = self.context
        me = tuple(v for k, v in context.items() if k in ("self", "self_uuid", "self_name") and v)
        zone_name = context.get("assumed_timezone")
        values: dict[str, Any] = {"me": me, "timezone": ZoneInfo(zone_name) if zone_name else None}
        values.update(overrides)
        return ReadOptions(**values)


def load_case(case_id: str) -> Case:
    folder = CASES_DIR / case_id
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    return Case(case_id=case_id, folder=folder, expected=expected)


def read_records(reader: Reader, paths: Iterable[str], options: ReadOptions) -> list[Record]:
    records: list[Record] = []
    for path in paths:
        records.extend(reader(path, options))
    return records


def interactions_of(records: Iterable[Record]) -> list[InteractionItem]:
    return [r for r in records if isinstance(r, InteractionItem)]


def errors_of(records: Iterable[Record]) -> list[ParseError]:
    return [r for r in records if isinstance(r, ParseError)]


def skipped_of(records: Iterable[Record]) -> list[Skipped]:
    return [r for r in records if isinstance(r, Skipped)]


def sender_of(item: InteractionItem, me: str | None) -> str | None:
    """The handle that sent the item: the `from` participant, or the owner when outbound."""
    for participant in item.participants:
        if participant.role in ("from", "organizer"):
            return participant.handle
    if item.direction == "outbound":
        return me
    return None


def _utc(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def assert_common(item: InteractionItem, expected: dict[str, Any], me: str | None = None) -> None:
    """Compare the fields every case shares: type, timestamp, sender, text, subject, id."""
    expected_type = expected["type"]
    if expected_type == "meeting":
        assert item.type in ("meeting", "video_call"), item.type
    else:
        assert item.type == expected_type, (item.type, expected_type)

    timestamp = expected.get("timestamp")
    if timestamp and len(timestamp) > 10:
        assert _utc(item.occurred_at) == timestamp, (_utc(item.occurred_at), timestamp)
    elif timestamp:
        assert date.fromisoformat(timestamp) == date.fromisoformat(item.metadata["start_date"])

    if "sender" in expected:
        assert sender_of(item, me) == expected["sender"], (sender_of(item, me), expected["sender"])

    if "text" in expected and expected.get("text_match") != "contains_all":
        accepted = [expected["text"], *expected.get("text_also_accepted", [])]
        assert item.content in accepted, (item.content, accepted)
    for fragment in expected.get("text_contains", []):
        assert fragment in (item.content or ""), (fragment, item.content)
    for fragment in expected.get("text_must_not_contain", []):
        assert fragment not in (item.content or ""), (fragment, item.content)

    if "subject" in expected:
        assert item.subject == expected["subject"], (item.subject, expected["subject"])
    if "source_id" in expected:
        assert item.source_id == expected["source_id"], (item.source_id, expected["source_id"])
    if "direction" in expected:
        assert item.direction == DIRECTIONS[expected["direction"]], (item.direction, expected["direction"])
