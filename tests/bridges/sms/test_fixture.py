"""The SMS reader on a realistic backup: SMS, MMS, group MMS, emoji and withheld senders."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bridges.core.records import InteractionItem, ReadOptions, Record
from bridges.sms import read
from tests.bridges.casekit import errors_of, interactions_of, skipped_of
from tests.bridges.sms.smsfiles import FIXTURES, OWN_NUMBER

PATH = str(FIXTURES / "sms-20240310110000.xml")


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return list(read(PATH, ReadOptions(me=(OWN_NUMBER,), phone_region="US")))


@pytest.fixture(scope="module")
def items(records: list[Record]) -> list[InteractionItem]:
    return interactions_of(records)


def _handles(item: InteractionItem) -> list[tuple[str, str | None]]:
    return [(participant.handle, participant.role) for participant in item.participants]


def test_fixture_counts(records: list[Record], items: list[InteractionItem]) -> None:
    assert errors_of(records) == []
    assert len(items) == 8
    assert [skip.location for skip in skipped_of(records)] == ["line 7", "line 43", "line 49"]
    assert all(item.source == "phone" and item.type == "message" for item in items)
    assert len({item.source_id for item in items}) == 8


def test_inbound_sms_with_emoji(items: list[InteractionItem]) -> None:
    item = items[0]

    assert item.occurred_at == datetime(2024, 3, 8, 16, 0, tzinfo=timezone.utc)
    assert item.direction == "inbound"
    assert item.content == "Running late \U0001f600 see you at 6"
    assert item.participants[0].name == "Alice \U0001f600 Example"
    assert _handles(item) == [("+15550142", "from")]
    assert item.subject is None


def test_outbound_sms_to_local_number(items: list[InteractionItem]) -> None:
    item = items[1]

    assert item.direction == "outbound"
    assert _handles(item) == [("+15550143", "to")]
    assert item.participants[0].name == "Bob Example"


def test_alphanumeric_sender(items: list[InteractionItem]) -> None:
    item = items[2]

    assert _handles(item) == [("ExampleBank", "from")]
    assert item.participants[0].kind == "other"
    assert item.participants[0].name is None


def test_withheld_sender(items: list[InteractionItem]) -> None:
    item = items[3]

    assert item.participants == []
    assert item.direction == "inbound"
    assert item.metadata["counterpart_withheld"] is True
    assert item.metadata["presentation"] == "restricted"


def test_lone_surrogate_replaced(items: list[InteractionItem]) -> None:
    assert items[4].content == "Broken \ufffd emoji"


def test_mms_with_picture(items: list[InteractionItem]) -> None:
    item = items[5]

    assert item.content == "Photos from Sunday \U0001f389"
    assert item.metadata["attachments"] == [{"content_type": "image/jpeg", "name": "IMG_0001.jpg"}]
    assert item.metadata["protocol"] == "mms"
    assert _handles(item) == [("+15550142", "from")]
    assert item.participants[0].name == "Alice \U0001f600 Example"


def test_group_mms_received(items: list[InteractionItem]) -> None:
    item = items[6]

    assert item.direction == "inbound"
    assert item.subject == "Dinner plans"
    assert _handles(item) == [("+15550143", "from"), ("+15550142", "to"), ("+15550145", "cc")]
    assert all(participant.name is None for participant in item.participants)
    assert OWN_NUMBER not in [participant.handle for participant in item.participants]


def test_group_mms_sent(items: list[InteractionItem]) -> None:
    item = items[7]

    assert item.direction == "outbound"
    assert item.content == "Count me in"
    assert _handles(item) == [("+15550142", "to"), ("+15550143", "to")]
    assert "attachments" not in item.metadata


def test_skip_reasons_hold_no_content(records: list[Record]) -> None:
    reasons = [skip.reason for skip in skipped_of(records)]

    assert reasons == ["draft SMS was not sent or received", "MMS delivery report", "failed SMS was not sent or received"]
