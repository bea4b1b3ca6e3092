"""Recurring events: EXDATE, RDATE, overrides that move or cancel one occurrence, and "now"."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridges.calendar import read
from bridges.core.records import ParseError, Skipped
from tests.bridges.calendar.icsfiles import event, options, write_ics
from tests.bridges.casekit import errors_of, interactions_of, skipped_of

UID = "standup@example.com"
MASTER_START = "DTSTART;TZID=Europe/Berlin:20240506T090000"
MASTER_END = "DTEND;TZID=Europe/Berlin:20240506T091500"


def _override(recurrence_id: str, start: str, end: str, extra: str = "") -> str:
    return event(UID, start, end, summary="Standup (changed)", extra=f"RECURRENCE-ID;TZID=Europe/Berlin:{recurrence_id}\n{extra}")


def _starts(path: str, now: str = "2024-06-01T00:00:00Z") -> list[str]:
    return [item.metadata["start"] for item in interactions_of(read(path, options(extra={"now": now})))]


def test_exdate_removes_occurrence(tmp_path: Path) -> None:
    body = event(UID, MASTER_START, MASTER_END, extra="RRULE:FREQ=DAILY;COUNT=3\nEXDATE;TZID=Europe/Berlin:20240507T090000")

    assert _starts(write_ics(tmp_path, body)) == ["2024-05-06T07:00:00Z", "2024-05-08T07:00:00Z"]


def test_exdate_list_and_utc(tmp_path: Path) -> None:
    body = event(
        UID,
        MASTER_START,
        MASTER_END,
        extra="RRULE:FREQ=DAILY;COUNT=4\nEXDATE:20240507T070000Z,20240508T070000Z",
    )

    assert _starts(write_ics(tmp_path, body)) == ["2024-05-06T07:00:00Z", "2024-05-09T07:00:00Z"]


def test_rdate_adds_occurrence(tmp_path: Path) -> None:
    body = event(UID, MASTER_START, MASTER_END, extra="RRULE:FREQ=DAILY;COUNT=2\nRDATE;TZID=Europe/Berlin:20240510T140000")
    items = interactions_of(read(write_ics(tmp_path, body), options()))

    assert [item.metadata["start"] for item in items] == [
        "2024-05-06T07:00:00Z",
        "2024-05-07T07:00:00Z",
        "2024-05-10T12:00:00Z",
    ]
    assert items[2].source_id == f"{UID}|2024-05-10T12:00:00Z"
    assert items[2].duration_seconds == 15 * 60


def test_rdate_without_rrule(tmp_path: Path) -> None:
    body = event(UID, MASTER_START, MASTER_END, extra="RDATE;TZID=Europe/Berlin:20240513T090000,20240520T090000")
    items = interactions_of(read(write_ics(tmp_path, body), options()))

    assert [item.source_id for item in items] == [
        f"{UID}|2024-05-06T07:00:00Z",
        f"{UID}|2024-05-13T07:00:00Z",
        f"{UID}|2024-05-20T07:00:00Z",
    ]


def test_cancelled_override_is_skipped(tmp_path: Path) -> None:
    body = "\n".join(
        [
            event(UID, MASTER_START, MASTER_END, extra="RRULE:FREQ=DAILY;COUNT=3"),
            _override(
                "20240507T090000",
                "DTSTART;TZID=Europe/Berlin:20240507T090000",
                "DTEND;TZID=Europe/Berlin:20240507T091500",
                extra="STATUS:CANCELLED",
            ),
        ]
    )
    records = list(read(write_ics(tmp_path, body), options()))

    assert [item.metadata["start"] for item in interactions_of(records)] == [
        "2024-05-06T07:00:00Z",
        "2024-05-08T07:00:00Z",
    ]
    (skipped,) = skipped_of(records)
    assert skipped.reason == "cancelled occurrence"
    assert skipped.location == "line 12"
    assert errors_of(records) == []


def test_override_moved_past_now_is_left_out(tmp_path: Path) -> None:
    body = "\n".join(
        [
            event(UID, MASTER_START, MASTER_END, extra="RRULE:FREQ=WEEKLY;COUNT=3"),
            _override(
                "20240513T090000",
                "DTSTART;TZID=Europe/Berlin:20240605T090000",
                "DTEND;TZID=Europe/Berlin:20240605T091500",
            ),
        ]
    )
    path = write_ics(tmp_path, body)

    assert _starts(path, now="2024-05-30T00:00:00Z") == ["2024-05-06T07:00:00Z", "2024-05-20T07:00:00Z"]
    assert _starts(path, now="2024-06-10T00:00:00Z") == [
        "2024-05-06T07:00:00Z",
        "2024-05-20T07:00:00Z",
        "2024-06-05T07:00:00Z",
    ]


def test_override_moved_before_now_is_read(tmp_path: Path) -> None:
    body = "\n".join(
        [
            event(UID, MASTER_START, MASTER_END, extra="RRULE:FREQ=WEEKLY;COUNT=3"),
            _override(
                "20240520T090000",
                "DTSTART;TZID=Europe/Berlin:20240508T090000",
                "DTEND;TZID=Europe/Berlin:20240508T091500",
            ),
        ]
    )
    items = interactions_of(read(write_ics(tmp_path, body), options(extra={"now": "2024-05-10T00:00:00Z"})))

    assert [item.metadata["start"] for item in items] == ["2024-05-06T07:00:00Z", "2024-05-08T07:00:00Z"]
    assert items[1].source_id == f"{UID}|2024-05-20T07:00:00Z"
    assert items[1].subject == "Standup (changed)"


def test_endless_rule_stops_at_now(tmp_path: Path) -> None:
    body = event(UID, MASTER_START, MASTER_END, extra="RRULE:FREQ=DAILY")
    starts = _starts(write_ics(tmp_path, body), now="2024-05-09T08:00:00Z")

    assert starts == [
        "2024-05-06T07:00:00Z",
        "2024-05-07T07:00:00Z",
        "2024-05-08T07:00:00Z",
        "2024-05-09T07:00:00Z",
    ]


def test_future_single_event_left_out(tmp_path: Path) -> None:
    body = event("future@example.com", "DTSTART:20240701T090000Z", "DTEND:20240701T100000Z")
    records = list(read(write_ics(tmp_path, body), options()))

    assert records == []


def test_all_day_recurring_ids_use_dates(tmp_path: Path) -> None:
    body = event(
        "birthday@example.com",
        "DTSTART;VALUE=DATE:20220412",
        "DTEND;VALUE=DATE:20220413",
        extra="RRULE:FREQ=YEARLY",
    )
    items = interactions_of(read(write_ics(tmp_path, body), options()))

    assert [item.source_id for item in items] == [
        "birthday@example.com|2022-04-12",
        "birthday@example.com|2023-04-12",
        "birthday@example.com|2024-04-12",
    ]
    assert all(item.metadata["all_day"] is True for item in items)
    assert [item.metadata["end_date_exclusive"] for item in items] == ["2022-04-13", "2023-04-13", "2024-04-13"]


def test_all_day_without_dtend_lasts_one_day(tmp_path: Path) -> None:
    body = event("holiday@example.com", "DTSTART;VALUE=DATE:20240501")
    (item,) = interactions_of(read(write_ics(tmp_path, body), options()))

    assert item.source_id == "holiday@example.com"
    assert item.metadata["start_date"] == "2024-05-01"
    assert item.metadata["end_date_exclusive"] == "2024-05-02"


@pytest.mark.parametrize("method_line", ["", "METHOD:CANCEL"])
def test_cancelled_event_skipped(tmp_path: Path, method_line: str) -> None:
    status = "" if method_line else "STATUS:CANCELLED"
    body = event("cancelled@example.com", "DTSTART:20240403T150000Z", "DTEND:20240403T160000Z", extra=status)
    records = list(read(write_ics(tmp_path, body, calendar_lines=method_line), options()))

    assert len(records) == 1
    assert isinstance(records[0], Skipped)
    assert records[0].reason == "cancelled event"


def test_cancelled_series_skipped_once(tmp_path: Path) -> None:
    body = event(UID, MASTER_START, MASTER_END, extra="RRULE:FREQ=DAILY;COUNT=5\nSTATUS:CANCELLED")
    records = list(read(write_ics(tmp_path, body), options()))

    assert len(records) == 1
    assert isinstance(records[0], Skipped)


def test_invalid_event_mid_file(tmp_path: Path) -> None:
    body = "\n".join(
        [
            event("first@example.com", "DTSTART:20240403T150000Z", "DTEND:20240403T160000Z"),
            event("broken@example.com", "DTSTART:2024040xT150000Z", "DTEND:20240404T160000Z"),
            event("third@example.com", "DTSTART:20240405T150000Z", "DTEND:20240405T160000Z"),
        ]
    )
    records = list(read(write_ics(tmp_path, body), options()))

    assert [item.source_id for item in interactions_of(records)] == ["first@example.com", "third@example.com"]
    (error,) = errors_of(records)
    assert error.location == "line 11"
    assert error.reason == "invalid DTSTART"


def test_invalid_override_skips_series(tmp_path: Path) -> None:
    body = "\n".join(
        [
            event(UID, MASTER_START, MASTER_END, extra="RRULE:FREQ=DAILY;COUNT=3"),
            event(UID, "DTSTART;TZID=Europe/Berlin:20240507T100000", extra="RECURRENCE-ID;TZID=Europe/Berlin:2024050xT090000"),
            event("other@example.com", "DTSTART:20240405T150000Z"),
        ]
    )
    records = list(read(write_ics(tmp_path, body), options()))

    assert [item.source_id for item in interactions_of(records)] == ["other@example.com"]
    (error,) = errors_of(records)
    assert "RECURRENCE-ID" in error.reason
    assert "series is skipped" in error.reason


def test_invalid_rrule_is_error(tmp_path: Path) -> None:
    body = event(UID, MASTER_START, MASTER_END, extra="RRULE:FREQ=SOMETIMES")
    records = list(read(write_ics(tmp_path, body), options()))

    assert interactions_of(records) == []
    (error,) = errors_of(records)
    assert error.location == "line 4"


def test_truncated_file_is_error(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n")
    (error,) = list(read(str(path), options()))

    assert isinstance(error, ParseError)
    assert error.location == "line 3"
    assert "not in a complete VCALENDAR" in error.reason


def test_garbage_file_is_error(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    path.write_text("this is not a calendar\n")
    (error,) = list(read(str(path), options()))

    assert isinstance(error, ParseError)
    assert "invalid iCalendar file" in error.reason


def test_now_without_offset_is_error(tmp_path: Path) -> None:
    body = event("first@example.com", "DTSTART:20240403T150000Z")
    (error,) = list(read(write_ics(tmp_path, body), options(extra={"now": "2024-06-01T00:00:00"})))

    assert isinstance(error, ParseError)
    assert "UTC offset" in error.reason


def test_duration_instead_of_dtend(tmp_path: Path) -> None:
    body = event("duration@example.com", "DTSTART:20240403T150000Z", extra="DURATION:PT45M")
    (item,) = interactions_of(read(write_ics(tmp_path, body), options()))

    assert item.duration_seconds == 45 * 60
    assert item.metadata["end"] == "2024-04-03T15:45:00Z"


def test_event_without_uid_gets_stable_id(tmp_path: Path) -> None:
    body = "BEGIN:VEVENT\nDTSTART:20240403T150000Z\nSUMMARY:No id\nEND:VEVENT"
    first = interactions_of(read(write_ics(tmp_path, body, name="a.ics"), options()))
    second = interactions_of(read(write_ics(tmp_path, body, name="b.ics"), options()))

    assert len(first) == 1
    assert first[0].source_id.startswith("no-uid-")
    assert first[0].source_id == second[0].source_id
