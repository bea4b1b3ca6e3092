"""Variants of the faults in Android SMS backups: type codes, hidden senders, bad XML."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridges.core.records import InteractionItem, ParseError, ReadOptions, Skipped
from bridges.sms import read
from tests.bridges.casekit import errors_of, interactions_of, skipped_of
from tests.bridges.sms.smsfiles import FIRST_MESSAGE_MS, OWN_NUMBER, mms_lines, sms_line, write_sms

OPTIONS = ReadOptions(me=(OWN_NUMBER,), phone_region="US")


def _only_item(path: str, options: ReadOptions = OPTIONS) -> InteractionItem:
    records = list(read(path, options))
    assert errors_of(records) == []
    (item,) = interactions_of(records)
    return item


@pytest.mark.parametrize(
    ("message_type", "expected"),
    [(1, "inbound"), (2, "outbound"), (3, "draft"), (4, "outbox"), (5, "failed"), (6, "queued")],
)
def test_sms_type_codes(tmp_path: Path, message_type: int, expected: str) -> None:
    (record,) = list(read(write_sms(tmp_path, [sms_line(message_type=message_type)]), OPTIONS))

    if expected in ("inbound", "outbound"):
        assert isinstance(record, InteractionItem)
        assert record.direction == expected
        assert record.participants[0].role == ("from" if expected == "inbound" else "to")
    else:
        assert isinstance(record, Skipped)
        assert record.reason.startswith(expected)


def test_unknown_sms_type_is_error(tmp_path: Path) -> None:
    (record,) = list(read(write_sms(tmp_path, [sms_line(message_type=0)]), OPTIONS))

    assert isinstance(record, ParseError)
    assert record.location == "line 5"
    assert "type code 0" in record.reason


@pytest.mark.parametrize(
    ("box", "expected"),
    [(1, "inbound"), (2, "outbound"), (3, "draft"), (4, "outbox"), (5, "failed")],
)
def test_mms_box_codes(tmp_path: Path, box: int, expected: str) -> None:
    if box == 2:
        addresses = [("insert-address-token", 137), ("+15550142", 151)]
    else:
        addresses = [("+15550142", 137), (OWN_NUMBER, 151)]
    lines = mms_lines(addresses, box=box)
    (record,) = list(read(write_sms(tmp_path, lines), OPTIONS))

    if expected in ("inbound", "outbound"):
        assert isinstance(record, InteractionItem)
        assert record.direction == expected
        assert [(p.handle, p.role) for p in record.participants] == [
            ("+15550142", "from" if expected == "inbound" else "to")
        ]
    else:
        assert isinstance(record, Skipped)
        assert record.reason.startswith(expected)


@pytest.mark.parametrize(("m_type", "reason"), [(134, "MMS delivery report"), (136, "MMS read report")])
def test_mms_reports_skipped(tmp_path: Path, m_type: int, reason: str) -> None:
    lines = mms_lines([("+15550142", 151)], text=None, m_type=m_type)
    (record,) = list(read(write_sms(tmp_path, lines), OPTIONS))

    assert isinstance(record, Skipped)
    assert record.reason == reason


@pytest.mark.parametrize(
    ("address", "presentation"),
    [("-2", "restricted"), ("-1", "unknown"), ("-3", "payphone"), ("", "unknown"), ("null", "unknown")],
)
def test_withheld_sms_sender(tmp_path: Path, address: str, presentation: str) -> None:
    item = _only_item(write_sms(tmp_path, [sms_line(address=address, name="(Unknown)")]))

    assert item.participants == []
    assert item.metadata["counterpart_withheld"] is True
    assert item.metadata["presentation"] == presentation


@pytest.mark.parametrize(("address", "presentation"), [("-2", "restricted"), ("", "unknown")])
def test_withheld_mms_sender(tmp_path: Path, address: str, presentation: str) -> None:
    lines = mms_lines([(address, 137), (OWN_NUMBER, 151), ("+15550143", 151)], name="(Unknown)")
    item = _only_item(write_sms(tmp_path, lines))

    assert [(p.handle, p.role) for p in item.participants] == [("+15550143", "to")]
    assert item.metadata["counterpart_withheld"] is True
    assert item.metadata["presentation"] == presentation


def test_withheld_senders_not_merged(tmp_path: Path) -> None:
    lines = [
        sms_line(address="-2", body="first", date=FIRST_MESSAGE_MS),
        sms_line(address="-2", body="second", date=FIRST_MESSAGE_MS + 1000),
    ]
    items = interactions_of(read(write_sms(tmp_path, lines), OPTIONS))

    assert len(items) == 2
    assert items[0].source_id != items[1].source_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("&#55357;&#56832;", "\U0001f600"),
        ("&#xD83D;&#xDE02;&#xD83D;&#xDE02;", "\U0001f602\U0001f602"),
        ("&#55357;", "\ufffd"),
        ("&#56832;", "\ufffd"),
        ("&#55357;&#55357;&#56832;", "\ufffd\U0001f600"),
        ("&#10084;&#65039;", "\u2764\ufe0f"),
    ],
)
def test_surrogates_in_sms_body_and_name(tmp_path: Path, raw: str, expected: str) -> None:
    line = sms_line(body=f"Hi {raw}!", name=f"Alice {raw}")
    item = _only_item(write_sms(tmp_path, [line]))

    assert item.content == f"Hi {expected}!"
    assert item.participants[0].name == f"Alice {expected}"


@pytest.mark.parametrize(("raw", "expected"), [("&#55357;&#56832;", "\U0001f600"), ("&#56832;", "\ufffd")])
def test_surrogates_in_mms_text(tmp_path: Path, raw: str, expected: str) -> None:
    lines = mms_lines([("+15550142", 137), (OWN_NUMBER, 151)], text=f"Look {raw}")
    item = _only_item(write_sms(tmp_path, lines))

    assert item.content == f"Look {expected}"


def test_mms_attachments_without_text(tmp_path: Path) -> None:
    attachments = [("image/jpeg", "IMG_0002.jpg"), ("video/mp4", "VID_0001.mp4"), ("text/x-vCard", "contact.vcf")]
    lines = mms_lines([("+15550142", 137), (OWN_NUMBER, 151)], text=None, attachments=attachments)
    item = _only_item(write_sms(tmp_path, lines))

    assert item.content is None
    assert item.metadata["attachments"] == [
        {"content_type": "image/jpeg", "name": "IMG_0002.jpg"},
        {"content_type": "video/mp4", "name": "VID_0001.mp4"},
        {"content_type": "text/x-vcard", "name": "contact.vcf"},
    ]


def test_group_mms_without_own_number(tmp_path: Path) -> None:
    lines = mms_lines([("+15550142", 137), (OWN_NUMBER, 151), ("+15550143", 151)])
    item = _only_item(write_sms(tmp_path, lines), ReadOptions(phone_region="US"))

    # Without --me the reader cannot tell the owner from the other recipients.
    assert [p.handle for p in item.participants] == ["+15550142", OWN_NUMBER, "+15550143"]


def test_mms_without_addrs_uses_address(tmp_path: Path) -> None:
    lines = [line for line in mms_lines([("+15550142", 137)]) if "<addr" not in line and "</addrs>" not in line]
    item = _only_item(write_sms(tmp_path, lines))

    assert [(p.handle, p.role) for p in item.participants] == [("+15550142", "from")]


def test_malformed_record_mid_file(tmp_path: Path) -> None:
    lines = [
        sms_line(body="first", date=FIRST_MESSAGE_MS),
        sms_line(body="fish & chips", date=FIRST_MESSAGE_MS + 1000),
        *mms_lines([("+15550142", 137), (OWN_NUMBER, 151)], text="a <b> c", date=FIRST_MESSAGE_MS + 2000),
        sms_line(body="second", date="yesterday"),
        sms_line(body="third", date=FIRST_MESSAGE_MS + 4000),
        *mms_lines([("+15550142", 137), (OWN_NUMBER, 151)], text="fourth", date=FIRST_MESSAGE_MS + 5000),
    ]
    records = list(read(write_sms(tmp_path, lines), OPTIONS))

    assert [item.content for item in interactions_of(records)] == ["first", "third", "fourth"]
    errors = errors_of(records)
    assert [error.location for error in errors] == ["line 6", "line 10", "line 17"]
    assert errors[0].reason.startswith("invalid XML")
    assert errors[1].reason.startswith("invalid XML")
    assert "date" in errors[2].reason
    assert all("chips" not in error.reason for error in errors)
    assert skipped_of(records) == []


def test_calls_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "calls-20240310110000.xml"
    path.write_text("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count=\"0\">\n</calls>\n")

    (error,) = list(read(str(path), OPTIONS))
    assert isinstance(error, ParseError)
    assert "<calls>" in error.reason


def test_source_ids_stable_across_backups(tmp_path: Path) -> None:
    first = [sms_line(body="a"), *mms_lines([("+15550142", 137), (OWN_NUMBER, 151)], date=FIRST_MESSAGE_MS + 1)]
    second = [sms_line(body="earlier", date=FIRST_MESSAGE_MS - 5000), *first]
    ids_first = {item.source_id for item in interactions_of(read(write_sms(tmp_path, first, "sms-1.xml"), OPTIONS))}
    ids_second = {item.source_id for item in interactions_of(read(write_sms(tmp_path, second, "sms-2.xml"), OPTIONS))}

    assert len(ids_first) == 2
    assert ids_first < ids_second
