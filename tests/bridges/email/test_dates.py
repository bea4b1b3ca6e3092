"""Date headers as real mailers write them, and messages whose Date is unusable."""

from __future__ import annotations

from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bridges.core.records import ReadOptions
from bridges.email import read
from tests.bridges.casekit import errors_of, interactions_of
from tests.bridges.email.mailfiles import OWNER, mbox, message, write

BERLIN = ReadOptions(me=(OWNER,), timezone=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("date", "expected_utc", "assumed_zone"),
    [
        ("Fri, 08 Mar 2024 16:10:00 -0500", "2024-03-08T21:10:00", None),
        ("Fri, 08 Mar 2024 16:10:00 +0100 (CET)", "2024-03-08T15:10:00", None),
        ("Fri, 08 Mar 2024 16:10:00 GMT", "2024-03-08T16:10:00", None),
        ("Fri, 08 Mar 2024 16:10:00 UT", "2024-03-08T16:10:00", None),
        ("Fri, 08 Mar 2024 16:10:00 EST", "2024-03-08T21:10:00", None),
        ("Fri, 08 Mar 2024 16:10:00 EDT", "2024-03-08T20:10:00", None),
        ("Fri, 08 Mar 2024 16:10:00 PDT", "2024-03-08T23:10:00", None),
        ("Fri, 08 Mar 2024 16:10:00 CST", "2024-03-08T22:10:00", None),
        ("Fri, 08 Mar 2024 16:10:00 CET", "2024-03-08T15:10:00", None),
        ("Fri, 08 Mar 2024 16:10:00 CEST", "2024-03-08T14:10:00", None),
        ("Fri, 08 Mar 2024 16:10:00 Z", "2024-03-08T16:10:00", None),
        # RFC 5322 4.3: other military zones count as -0000, a UTC time.
        ("Fri, 08 Mar 2024 16:10:00 Q", "2024-03-08T16:10:00", None),
        ("Fri, 08 Mar 2024 16:10:00 -0000", "2024-03-08T16:10:00", None),
        ("08 Mar 2024 16:10:00 +0100", "2024-03-08T15:10:00", None),
        ("8 Mar 2024 16:10 +0100", "2024-03-08T15:10:00", None),
        ("Fri, 8 Mar 24 16:10:00 +0100", "2024-03-08T15:10:00", None),
        ("Mon, 8 Mar 99 16:10:00 +0100", "1999-03-08T15:10:00", None),
        ("Fri, 08 Mar 124 16:10:00 +0000", "2024-03-08T16:10:00", None),
        ("Friday, 08-Mar-24 16:10:00 GMT", "2024-03-08T16:10:00", None),
        ("Fri,08 Mar 2024 16:10:00 +0100", "2024-03-08T15:10:00", None),
        ("Fri, 08 March 2024 16:10:00 +0100", "2024-03-08T15:10:00", None),
        ("Fri, 08 Mar 2024 16.10.00 +0100", "2024-03-08T15:10:00", None),
        ("Fri, 08 Mar 2024 4:10:00 PM +0100", "2024-03-08T15:10:00", None),
        ("Fri, 08 Mar 2024 16:10:00 +01:00", "2024-03-08T15:10:00", None),
        ("Fri, 08 Mar 2024 16:10:00+0100", "2024-03-08T15:10:00", None),
        ("Fri, 08 Mar 2024 16:10:00 GMT+1", "2024-03-08T15:10:00", None),
        ("Fri, 08 Mar 2024 16:10:00 (CET)", "2024-03-08T15:10:00", None),
        ("(sent from a phone) Fri, 08 (x) Mar 2024 16:10:00 +0000", "2024-03-08T16:10:00", None),
        ("Fr, 08 Mär 2024 16:10:00 +0100", "2024-03-08T15:10:00", None),
        ("ven., 08 mars 2024 16:10:00 +0100", "2024-03-08T15:10:00", None),
        ("2024-03-08T16:10:00Z", "2024-03-08T16:10:00", None),
        ("2024-03-08 16:10:00 +0100", "2024-03-08T15:10:00", None),
        # No zone: wall-clock time in the zone the caller passes.
        ("Fri, 08 Mar 2024 16:10:00", "2024-03-08T15:10:00", "Europe/Berlin"),
        ("Fri Mar  8 16:10:00 2024", "2024-03-08T15:10:00", "Europe/Berlin"),
        ("Mon, 01 Jul 2024 16:10:00", "2024-07-01T14:10:00", "Europe/Berlin"),
        ("Fri, 08 Mar 2024 16:10:00 XYZ", "2024-03-08T15:10:00", "Europe/Berlin"),
        ("2024-03-08 16:10:00", "2024-03-08T15:10:00", "Europe/Berlin"),
    ],
)
def test_date_variants(tmp_path: Path, date: str, expected_utc: str, assumed_zone: str | None) -> None:
    path = write(tmp_path / "message.eml", message(date=date))

    (item,) = interactions_of(read(path, BERLIN))

    assert item.occurred_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") == expected_utc
    assert item.metadata.get("timezone_assumed") == assumed_zone


@pytest.mark.parametrize(
    ("date", "reason_part"),
    [
        (None, "missing"),
        ("", "missing"),
        ("soon", "not a valid date"),
        ("Fri, 31 Feb 2024 16:10:00 +0000", "not a valid date"),
        ("Fri, 08 Mar 2024 16:10:00 +9900", "zone offset"),
        ("Mon, 01 Jan 1800 00:00:00 +0000", "invalid item"),
    ],
)
def test_unusable_date_parse_error(tmp_path: Path, date: str | None, reason_part: str) -> None:
    path = write(tmp_path / "message.eml", message(date=date))

    records = list(read(path, BERLIN))

    (error,) = errors_of(records)
    assert interactions_of(records) == []
    assert error.path == path
    assert error.location == "record 1"
    assert reason_part in error.reason


def test_no_zone_without_timezone_option(tmp_path: Path) -> None:
    path = write(tmp_path / "message.eml", message(date="Fri, 08 Mar 2024 16:10:00"))

    (error,) = errors_of(read(path, ReadOptions(me=(OWNER,))))

    assert "--timezone" in error.reason


def test_unusable_date_in_mbox_names_message(tmp_path: Path) -> None:
    path = write(
        tmp_path / "mailbox.mbox",
        mbox(message(message_id="<a@example.com>"), message(message_id="<b@example.com>", date="never")),
    )

    records = list(read(path, BERLIN))

    assert [item.source_id for item in interactions_of(records)] == ["<a@example.com>"]
    (error,) = errors_of(records)
    assert error.path == path
    assert error.location == "line 12"
