"""The CSV call log: the documented header, dates, withheld numbers and bad rows."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import bridges.calls
import bridges.calls.csv_log
from bridges.calls import read
from bridges.core.records import InteractionItem, ReadOptions
from tests.bridges.calls.callfiles import call_line, write_calls
from tests.bridges.casekit import errors_of, interactions_of

HEADER = "date,number,name,direction,status,duration_seconds"
OPTIONS = ReadOptions(phone_region="US")


def _write(folder: Path, text: str, name: str = "calls.csv") -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_header_is_documented() -> None:
    assert HEADER in (bridges.calls.read.__doc__ or "")
    assert HEADER in (bridges.calls.csv_log.__doc__ or "")


def test_documented_example_reads(tmp_path: Path) -> None:
    text = (
        f"{HEADER}\n"
        '2024-03-08T11:00:00-05:00,+15550142,"Example, Alice",inbound,answered,95\n'
        "1709917200000,,,inbound,missed,0\n"
    )
    records = list(read(_write(tmp_path, text), OPTIONS))

    assert errors_of(records) == []
    first, second = interactions_of(records)
    assert first.occurred_at == datetime(2024, 3, 8, 16, 0, tzinfo=timezone.utc)
    assert first.participants[0].handle == "+15550142"
    assert first.participants[0].name == "Example, Alice"
    assert first.participants[0].role == "from"
    assert first.metadata["call_status"] == "answered"
    assert first.duration_seconds == 95
    assert second.occurred_at == datetime(2024, 3, 8, 17, 0, tzinfo=timezone.utc)
    assert second.participants == []
    assert second.metadata["counterpart_withheld"] is True
    assert second.metadata["presentation"] == "unknown"


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2024-03-08T16:00:00Z", datetime(2024, 3, 8, 16, 0, tzinfo=timezone.utc)),
        ("2024-03-08T17:00:00+01:00", datetime(2024, 3, 8, 16, 0, tzinfo=timezone.utc)),
        ("2024-03-08 16:00:00.250+00:00", datetime(2024, 3, 8, 16, 0, 0, 250000, tzinfo=timezone.utc)),
        ("1709913600000", datetime(2024, 3, 8, 16, 0, tzinfo=timezone.utc)),
    ],
)
def test_date_forms(tmp_path: Path, date: str, expected: datetime) -> None:
    path = _write(tmp_path, f"{HEADER}\n{date},+15550142,,outbound,answered,10\n")
    (item,) = interactions_of(read(path, OPTIONS))

    assert item.occurred_at == expected
    assert item.direction == "outbound"
    assert item.participants[0].role == "to"


def test_local_date_uses_timezone(tmp_path: Path) -> None:
    path = _write(tmp_path, f"{HEADER}\n2024-03-08T11:00:00,+15550142,,inbound,answered,10\n")
    options = ReadOptions(phone_region="US", timezone=ZoneInfo("America/New_York"))
    (item,) = interactions_of(read(path, options))

    assert item.occurred_at == datetime(2024, 3, 8, 16, 0, tzinfo=timezone.utc)


def test_local_date_without_timezone_is_error(tmp_path: Path) -> None:
    path = _write(tmp_path, f"{HEADER}\n2024-03-08T11:00:00,+15550142,,inbound,answered,10\n")
    (error,) = errors_of(read(path, OPTIONS))

    assert error.location == "line 2"
    assert "--timezone" in error.reason


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("yesterday,+15550142,,inbound,answered,10", "date"),
        ("2024-03-08T16:00:00Z,+15550142,,sideways,answered,10", "direction"),
        ("2024-03-08T16:00:00Z,+15550142,,inbound,hung up,10", "status"),
        ("2024-03-08T16:00:00Z,+15550142,,inbound,answered,ten", "duration_seconds"),
        ("2024-03-08T16:00:00Z,+15550142,,inbound,answered,-4", "duration_seconds"),
        ("2024-03-08T16:00:00Z,+15550142,,inbound,answered,10,extra", "fields"),
    ],
)
def test_bad_row_mid_file_is_error(tmp_path: Path, row: str, fragment: str) -> None:
    text = (
        f"{HEADER}\n"
        "2024-03-08T15:00:00Z,+15550142,Alice Example,inbound,answered,10\n"
        f"{row}\n"
        "2024-03-08T17:00:00Z,+15550143,Bob Example,outbound,answered,20\n"
    )
    records = list(read(_write(tmp_path, text), OPTIONS))

    assert [record.participants[0].name for record in interactions_of(records)] == ["Alice Example", "Bob Example"]
    (error,) = errors_of(records)
    assert error.location == "line 3"
    assert fragment in error.reason


def test_quoted_line_break_keeps_line_numbers(tmp_path: Path) -> None:
    text = (
        f"{HEADER}\n"
        '2024-03-08T15:00:00Z,+15550142,"Alice\nExample",inbound,answered,10\n'
        "2024-03-08T16:00:00Z,+15550142,,inbound,answered,x\n"
    )
    records = list(read(_write(tmp_path, text), OPTIONS))

    (error,) = errors_of(records)
    assert error.location == "line 4"
    assert interactions_of(records)[0].participants[0].name == "Alice\nExample"


def test_columns_in_any_order(tmp_path: Path) -> None:
    text = (
        "\ufeffDirection,Duration_Seconds,Date,Number,Presentation\n"
        "outbound,12,2024-03-08T16:00:00Z,+15550144,allowed\n"
        "inbound,0,2024-03-08T17:00:00Z,,restricted\n"
    )
    first, second = interactions_of(read(_write(tmp_path, text), OPTIONS))

    assert first.participants[0].handle == "+15550144"
    assert first.duration_seconds == 12
    assert "call_status" not in first.metadata
    assert second.metadata["presentation"] == "restricted"


def test_missing_column_is_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "date,number\n2024-03-08T16:00:00Z,+15550142\n")
    records = list(read(path, OPTIONS))

    (error,) = records
    assert error.location == "line 1"
    assert "direction" in error.reason


def test_csv_and_xml_share_source_id(tmp_path: Path) -> None:
    xml_path = write_calls(tmp_path, [call_line(number="+15550142", duration=95, call_type=1)])
    csv_path = _write(tmp_path, f"{HEADER}\n1709913600000,+15550142,Alice Example,inbound,answered,95\n")

    (from_xml,) = interactions_of(read(xml_path, OPTIONS))
    (from_csv,) = interactions_of(read(csv_path, OPTIONS))
    assert isinstance(from_csv, InteractionItem)
    assert from_csv.source_id == from_xml.source_id
    assert from_csv.participants == from_xml.participants
