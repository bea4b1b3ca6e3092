"""Day/month order: decided once per file from all headers, with a recorded fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bridges.casekit import interactions_of
from tests.bridges.whatsapp.exports import read_export, write_export


def dates_and_basis(path: Path) -> tuple[list[str], set[tuple[str, str]]]:
    items = interactions_of(read_export(path))
    dates = [item.metadata["timestamp_local"][:10] for item in items]
    decisions = {(item.metadata["date_order"], item.metadata["date_order_basis"]) for item in items}
    return dates, decisions


def test_month_first_late_evidence(tmp_path: Path) -> None:
    """The first 3 headers fit both orders; the fourth, 1/15, decides for all."""
    lines = [
        "1/2/23, 9:00 AM - Bob Example: a",
        "1/5/23, 9:00 AM - Bob Example: b",
        "1/9/23, 9:00 AM - Bob Example: c",
        "1/15/23, 9:00 AM - Bob Example: d",
    ]
    dates, decisions = dates_and_basis(write_export(tmp_path, lines))

    assert dates == ["2023-01-02", "2023-01-05", "2023-01-09", "2023-01-15"]
    assert decisions == {("month_first", "dates")}


def test_day_first_late_evidence(tmp_path: Path) -> None:
    lines = [
        "01/02/2023, 09:00 - Bob Example: a",
        "05/02/2023, 09:00 - Bob Example: b",
        "09/02/2023, 09:00 - Bob Example: c",
        "15/02/2023, 09:00 - Bob Example: d",
    ]
    dates, decisions = dates_and_basis(write_export(tmp_path, lines))

    assert dates == ["2023-02-01", "2023-02-05", "2023-02-09", "2023-02-15"]
    assert decisions == {("day_first", "dates")}


def test_day_first_mixed_widths(tmp_path: Path) -> None:
    lines = ["30/12/2020 13:00 - Bob Example: a", "2/1/2021 13:00 - Bob Example: b", "13/1/2021 13:00 - Bob Example: c"]
    dates, _ = dates_and_basis(write_export(tmp_path, lines))

    assert dates == ["2020-12-30", "2021-01-02", "2021-01-13"]


def test_chronology_decides_ambiguous(tmp_path: Path) -> None:
    """03/04 then 04/03: only month-first keeps the export in time order."""
    lines = ["03/04/2023, 09:00 - Bob Example: a", "04/03/2023, 09:00 - Bob Example: b"]
    dates, decisions = dates_and_basis(write_export(tmp_path, lines))

    assert dates == ["2023-03-04", "2023-04-03"]
    assert decisions == {("month_first", "chronology")}


@pytest.mark.parametrize(
    ("file_name", "header", "expected_date", "expected_decision"),
    [
        ("WhatsApp Chat with Bob Example.txt", "01.02.23, 09:00", "2023-02-01", ("day_first", "date separator '.'")),
        ("WhatsApp Chat with Bob Example.txt", "01-02-2023 09:00", "2023-02-01", ("day_first", "date separator '-'")),
        ("WhatsApp Chat mit Bob Example.txt", "01/02/2023, 09:00", "2023-02-01", ("day_first", "file name language (de)")),
        ("Chat de WhatsApp con Bob Example.txt", "1/2/23, 9:00 a. m.", "2023-02-01", ("day_first", "file name language (es)")),
        ("WhatsApp Chat with Bob Example.txt", "1/2/23, 9:00 AM", "2023-01-02", ("month_first", "AM/PM in capitals (en-US)")),
        ("WhatsApp Chat with Bob Example.txt", "01/02/2023, 9:00 am", "2023-02-01", ("day_first", "default")),
        ("WhatsApp Chat with Bob Example.txt", "01/02/2023, 09:00", "2023-02-01", ("day_first", "default")),
        ("Chat.txt", "1/2/23, 9:00 PM", "2023-01-02", ("month_first", "AM/PM in capitals (en-US)")),
    ],
)
def test_ambiguous_file_fallback(
    tmp_path: Path, file_name: str, header: str, expected_date: str, expected_decision: tuple[str, str]
) -> None:
    lines = [f"{header} - Bob Example: a", f"{header} - Bob Example: b"]
    dates, decisions = dates_and_basis(write_export(tmp_path, lines, name=file_name))

    assert dates == [expected_date, expected_date]
    assert decisions == {expected_decision}


def test_year_first_iso(tmp_path: Path) -> None:
    lines = ["2023-10-09 11:11 - Bob Example: a", "2023-10-12 11:11 - Bob Example: b"]
    dates, decisions = dates_and_basis(write_export(tmp_path, lines))

    assert dates == ["2023-10-09", "2023-10-12"]
    assert decisions == {("year_first", "format")}


def test_invalid_date_line_is_text(tmp_path: Path) -> None:
    """In a day-first file, 12/31/2023 is no valid date, so that line is message text."""
    lines = [
        "15/01/2023, 21:41 - Bob Example: Copied from the US calendar:",
        "12/31/2023, 10:00 - Party: bring food",
        "16/01/2023, 08:05 - Alice Example: Yes",
    ]
    items = interactions_of(read_export(write_export(tmp_path, lines)))

    assert [item.content for item in items] == ["Copied from the US calendar:\n12/31/2023, 10:00 - Party: bring food", "Yes"]
    assert items[0].metadata["date_order"] == "day_first"


def test_conflicting_dates_majority(tmp_path: Path) -> None:
    lines = [
        "13/01/2023, 09:00 - Bob Example: a",
        "14/01/2023, 09:00 - Bob Example: b",
        "15/01/2023, 09:00 - Bob Example: c",
        "1/16/2023, 09:00 - Bob Example: pasted",
    ]
    items = interactions_of(read_export(write_export(tmp_path, lines)))

    assert [item.metadata["timestamp_local"][:10] for item in items] == ["2023-01-13", "2023-01-14", "2023-01-15"]
    assert items[-1].content == "c\n1/16/2023, 09:00 - Bob Example: pasted"
    assert items[0].metadata["date_order_basis"] == "dates, conflicting"
