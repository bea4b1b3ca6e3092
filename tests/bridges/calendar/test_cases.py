"""Acceptance cases for the iCalendar reader (tests/cases/ics-*)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bridges.calendar import read
from bridges.core.records import InteractionItem
from tests.bridges.calendar.icsfiles import NOW
from tests.bridges.casekit import assert_common, errors_of, interactions_of, load_case, read_records

CASE_IDS = ["ics-all-day-date-values", "ics-recurrence-id-override"]


def _organizer(item: InteractionItem) -> str | None:
    handles = [p.handle for p in item.participants if p.role == "organizer"]
    return handles[0] if handles else None


def _attendees(item: InteractionItem) -> list[str]:
    return [p.handle for p in item.participants if p.role == "attendee"]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_interactions(case_id: str) -> None:
    case = load_case(case_id)
    records = read_records(read, case.input_paths, case.options(extra={"now": NOW}))
    items = sorted(interactions_of(records), key=lambda item: item.occurred_at)

    assert errors_of(records) == []
    assert len(items) == case.expected["expected_count"]
    for item, expected in zip(items, case.expected["interactions"]):
        assert_common(item, expected)
        assert item.source == "meeting"
        assert _organizer(item) == expected["organizer"]
        assert _attendees(item) == expected.get("attendees", [])
        for key in ("all_day", "start_date", "end_date_exclusive"):
            if key in expected:
                assert item.metadata[key] == expected[key], key
        for key in ("start", "end"):
            if key in expected:
                assert _utc(item.metadata[key]) == _utc(expected[key]), key


def test_override_replaces_its_slot() -> None:
    case = load_case("ics-recurrence-id-override")
    items = interactions_of(read_records(read, case.input_paths, case.options(extra={"now": NOW})))

    starts = [item.occurred_at for item in items]
    assert datetime(2024, 4, 17, 15, 30, tzinfo=timezone.utc) not in starts
    assert datetime(2024, 4, 17, 18, 0, tzinfo=timezone.utc) in starts
    assert len({item.source_id for item in items}) == 4
    assert all(item.thread_id == "weekly-sync-0001@example.com" for item in items)


def test_all_day_dates_not_shifted_by_zone() -> None:
    case = load_case("ics-all-day-date-values")
    zone = ZoneInfo("America/Los_Angeles")
    (item,) = interactions_of(read_records(read, case.input_paths, case.options(timezone=zone, extra={"now": NOW})))

    assert item.metadata["start_date"] == "2024-04-08"
    assert item.metadata["end_date_exclusive"] == "2024-04-11"
    assert item.metadata["all_day"] is True
    assert item.occurred_at == datetime(2024, 4, 8, tzinfo=zone)
    assert item.metadata["timezone"] == "America/Los_Angeles"
    assert "timezone_assumed" not in item.metadata
    assert item.duration_seconds is None


def test_all_day_without_zone_notes_utc() -> None:
    case = load_case("ics-all-day-date-values")
    (item,) = interactions_of(read_records(read, case.input_paths, case.options(extra={"now": NOW})))

    assert item.occurred_at == datetime(2024, 4, 8, tzinfo=timezone.utc)
    assert item.metadata["timezone"] == "UTC"
    assert item.metadata["timezone_assumed"] is True
    days = date.fromisoformat(item.metadata["end_date_exclusive"]) - date.fromisoformat(item.metadata["start_date"])
    assert days.days == 3


def test_case_ids_independent_of_event_order(tmp_path: Path) -> None:
    case = load_case("ics-recurrence-id-override")
    (source,) = case.input_paths
    text = Path(source).read_text(encoding="utf-8")
    head, master, override = text.split("BEGIN:VEVENT")
    override, tail = override.split("END:VCALENDAR")
    swapped = tmp_path / "calendar.ics"
    swapped.write_text(f"{head}BEGIN:VEVENT{override}BEGIN:VEVENT{master}END:VCALENDAR{tail}", encoding="utf-8")

    options = case.options(extra={"now": NOW})
    ids = sorted(item.source_id for item in interactions_of(read(source, options)))
    swapped_ids = sorted(item.source_id for item in interactions_of(read(str(swapped), options)))
    assert swapped_ids == ids
