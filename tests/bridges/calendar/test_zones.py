"""Time zones in .ics files: Windows names, VTIMEZONE, unknown TZIDs and floating times."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bridges.calendar import read
from tests.bridges.calendar.icsfiles import event, options, write_ics
from tests.bridges.casekit import errors_of, interactions_of


@pytest.mark.parametrize(
    ("tzid", "iana"),
    [
        ("W. Europe Standard Time", "Europe/Berlin"),
        ('"W. Europe Standard Time"', "Europe/Berlin"),
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("Eastern Standard Time", "America/New_York"),
        ("GMT Standard Time", "Europe/London"),
        ("Tokyo Standard Time", "Asia/Tokyo"),
        ("India Standard Time", "Asia/Kolkata"),
        ("AUS Eastern Standard Time", "Australia/Sydney"),
        ("E. South America Standard Time", "America/Sao_Paulo"),
        ("Romance Standard Time", "Europe/Paris"),
    ],
)
def test_windows_zone_names(tmp_path: Path, tzid: str, iana: str) -> None:
    body = event(
        "win-1@example.com",
        f"DTSTART;TZID={tzid}:20240403T103000",
        f"DTEND;TZID={tzid}:20240403T113000",
    )
    records = list(read(write_ics(tmp_path, body), options()))

    assert errors_of(records) == []
    (item,) = interactions_of(records)
    expected = datetime(2024, 4, 3, 10, 30, tzinfo=ZoneInfo(iana))
    assert item.occurred_at == expected
    assert item.duration_seconds == 3600
    assert item.metadata["start"] == expected.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_windows_zone_in_recurrence(tmp_path: Path) -> None:
    body = event(
        "win-weekly@example.com",
        "DTSTART;TZID=W. Europe Standard Time:20240320T090000",
        "DTEND;TZID=W. Europe Standard Time:20240320T093000",
        extra="RRULE:FREQ=WEEKLY;COUNT=2",
    )
    items = interactions_of(read(write_ics(tmp_path, body), options()))

    # Both weeks are before Europe's switch to summer time on 2024-03-31.
    assert [item.occurred_at.astimezone(timezone.utc).hour for item in items] == [8, 8]
    assert [item.source_id for item in items] == [
        "win-weekly@example.com|2024-03-20T08:00:00Z",
        "win-weekly@example.com|2024-03-27T08:00:00Z",
    ]


def test_recurrence_across_dst_keeps_wall_clock(tmp_path: Path) -> None:
    body = event(
        "dst@example.com",
        "DTSTART;TZID=Pacific Standard Time:20240305T090000",
        "DTEND;TZID=Pacific Standard Time:20240305T093000",
        extra="RRULE:FREQ=WEEKLY;COUNT=2",
    )
    items = interactions_of(read(write_ics(tmp_path, body), options()))

    assert [item.metadata["start"] for item in items] == ["2024-03-05T17:00:00Z", "2024-03-12T16:00:00Z"]


def test_custom_vtimezone(tmp_path: Path) -> None:
    timezone_block = """
        BEGIN:VTIMEZONE
        TZID:Customized Time Zone
        BEGIN:STANDARD
        DTSTART:16010101T030000
        TZOFFSETFROM:+0200
        TZOFFSETTO:+0100
        RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
        END:STANDARD
        BEGIN:DAYLIGHT
        DTSTART:16010101T020000
        TZOFFSETFROM:+0100
        TZOFFSETTO:+0200
        RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
        END:DAYLIGHT
        END:VTIMEZONE
    """
    body = event(
        "custom@example.com",
        "DTSTART;TZID=Customized Time Zone:20240403T103000",
        "DTEND;TZID=Customized Time Zone:20240403T113000",
    )
    (item,) = interactions_of(read(write_ics(tmp_path, body, calendar_lines=timezone_block), options()))

    assert item.metadata["start"] == "2024-04-03T08:30:00Z"


@pytest.mark.parametrize("tzid", ["Mars/Olympus_Mons", "Customized Time Zone", "Nowhere Standard Time"])
def test_unknown_tzid_is_error(tmp_path: Path, tzid: str) -> None:
    body = "\n".join(
        [
            event("good@example.com", "DTSTART:20240403T150000Z", "DTEND:20240403T160000Z"),
            event("bad@example.com", f"DTSTART;TZID={tzid}:20240404T103000", f"DTEND;TZID={tzid}:20240404T113000"),
        ]
    )
    records = list(read(write_ics(tmp_path, body), options()))

    assert [item.source_id for item in interactions_of(records)] == ["good@example.com"]
    (error,) = errors_of(records)
    assert error.location == "line 11"
    assert tzid in error.reason


def test_unknown_tzid_only_in_dtend(tmp_path: Path) -> None:
    body = event(
        "half@example.com",
        "DTSTART;TZID=Europe/Berlin:20240404T103000",
        "DTEND;TZID=Mars/Olympus_Mons:20240404T113000",
    )
    (error,) = errors_of(read(write_ics(tmp_path, body), options()))

    assert "DTEND" in error.reason


def test_unknown_tzid_in_exdate(tmp_path: Path) -> None:
    body = event(
        "exdate-zone@example.com",
        "DTSTART;TZID=Europe/Berlin:20240401T100000",
        "DTEND;TZID=Europe/Berlin:20240401T110000",
        extra="RRULE:FREQ=DAILY;COUNT=3\nEXDATE;TZID=Mars/Olympus_Mons:20240402T100000",
    )
    records = list(read(write_ics(tmp_path, body), options()))

    assert interactions_of(records) == []
    (error,) = errors_of(records)
    assert "EXDATE" in error.reason


def test_floating_time_uses_timezone(tmp_path: Path) -> None:
    body = event("floating@example.com", "DTSTART:20240403T103000", "DTEND:20240403T110000")
    zone = ZoneInfo("Europe/Berlin")
    (item,) = interactions_of(read(write_ics(tmp_path, body), options(timezone=zone)))

    assert item.occurred_at == datetime(2024, 4, 3, 10, 30, tzinfo=zone)
    assert item.metadata["start"] == "2024-04-03T08:30:00Z"


def test_floating_time_without_timezone_is_error(tmp_path: Path) -> None:
    body = event("floating@example.com", "DTSTART:20240403T103000", "DTEND:20240403T110000")
    records = list(read(write_ics(tmp_path, body), options()))

    assert interactions_of(records) == []
    (error,) = errors_of(records)
    assert error.location == "line 4"
    assert "--timezone" in error.reason


@pytest.mark.parametrize("calendar_zone", ["America/Chicago", "Central Standard Time"])
def test_floating_time_uses_x_wr_timezone(tmp_path: Path, calendar_zone: str) -> None:
    body = event("google@example.com", "DTSTART:20240403T103000", "DTEND:20240403T110000")
    path = write_ics(tmp_path, body, calendar_lines=f"X-WR-TIMEZONE:{calendar_zone}")
    (item,) = interactions_of(read(path, options(timezone=ZoneInfo("Europe/Berlin"))))

    assert item.metadata["start"] == "2024-04-03T15:30:00Z"


def test_floating_time_unknown_x_wr_timezone_is_error(tmp_path: Path) -> None:
    body = event("google@example.com", "DTSTART:20240403T103000", "DTEND:20240403T110000")
    path = write_ics(tmp_path, body, calendar_lines="X-WR-TIMEZONE:Mars/Olympus_Mons")
    (error,) = errors_of(read(path, options(timezone=ZoneInfo("Europe/Berlin"))))

    assert "X-WR-TIMEZONE" in error.reason


def test_floating_recurring_id_in_utc(tmp_path: Path) -> None:
    body = event(
        "floating-weekly@example.com",
        "DTSTART:20240403T103000",
        "DTEND:20240403T110000",
        extra="RRULE:FREQ=WEEKLY;COUNT=2",
    )
    items = interactions_of(read(write_ics(tmp_path, body), options(timezone=ZoneInfo("America/Chicago"))))

    assert [item.source_id for item in items] == [
        "floating-weekly@example.com|2024-04-03T15:30:00Z",
        "floating-weekly@example.com|2024-04-10T15:30:00Z",
    ]


def test_same_custom_tzid_differs_per_file(tmp_path: Path) -> None:
    def calendar_with_offset(offset: str, name: str) -> str:
        timezone_block = f"""
            BEGIN:VTIMEZONE
            TZID:Customized Time Zone
            BEGIN:STANDARD
            DTSTART:16010101T000000
            TZOFFSETFROM:{offset}
            TZOFFSETTO:{offset}
            END:STANDARD
            END:VTIMEZONE
        """
        body = event(f"{name}@example.com", "DTSTART;TZID=Customized Time Zone:20240403T103000")
        return write_ics(tmp_path, body, calendar_lines=timezone_block, name=f"{name}.ics")

    first = calendar_with_offset("+0100", "first")
    second = calendar_with_offset("+0530", "second")
    (first_item,) = interactions_of(read(first, options()))
    (second_item,) = interactions_of(read(second, options()))

    assert first_item.metadata["start"] == "2024-04-03T09:30:00Z"
    assert second_item.metadata["start"] == "2024-04-03T05:00:00Z"
