"""signal-cli receive output beyond the cases: groups, UUID-only senders, non-messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bridges.core.records import InteractionItem, ReadOptions, Record
from bridges.signal import read
from tests.bridges.casekit import errors_of, interactions_of, skipped_of
from tests.bridges.signal.receive import (
    BASE_MS,
    BOB_NUMBER,
    BOB_UUID,
    GROUP_ID,
    HIDDEN_UUID,
    OWNER_NUMBER,
    OWNER_UUID,
    data,
    envelope,
    group,
    incoming,
    sent,
    write_lines,
)

OPTIONS = ReadOptions(me=(OWNER_NUMBER,))


def _read(tmp_path: Path, lines: list[Any], options: ReadOptions = OPTIONS) -> list[Record]:
    return list(read(write_lines(tmp_path, lines), options))


def _only_item(tmp_path: Path, line: Any, options: ReadOptions = OPTIONS) -> InteractionItem:
    records = _read(tmp_path, [line], options)
    assert errors_of(records) == []
    (item,) = interactions_of(records)
    return item


def test_group_message_inbound(tmp_path: Path) -> None:
    item = _only_item(tmp_path, incoming(message="ride at 7?", groupInfo=group()))

    assert item.thread_id == GROUP_ID
    assert item.direction == "inbound"
    assert [(p.handle, p.kind, p.role) for p in item.participants] == [(BOB_NUMBER, "phone", "from")]
    assert item.metadata["chat_name"] == "Hiking Club"
    assert item.source_id == f"{BOB_NUMBER}:{BASE_MS}"


def test_group_message_sent_from_phone(tmp_path: Path) -> None:
    item = _only_item(tmp_path, sent(message="yes", destination=None, groupInfo=group()))

    assert item.thread_id == GROUP_ID
    assert item.direction == "outbound"
    assert item.participants == []
    assert item.source_id == f"{OWNER_NUMBER}:{BASE_MS}"


def test_group_update_skipped(tmp_path: Path) -> None:
    update = incoming(message=None, groupInfo={**group(), "type": "UPDATE"})

    (skipped,) = skipped_of(_read(tmp_path, [update]))

    assert skipped.reason == "group update"


def test_uuid_only_sender(tmp_path: Path) -> None:
    line = envelope(number=None, account_id=HIDDEN_UUID, name="Dana", dataMessage=data(message="no number here"))

    item = _only_item(tmp_path, line)

    assert item.source_id == f"{HIDDEN_UUID}:{BASE_MS}"
    assert item.thread_id == HIDDEN_UUID
    assert [(p.handle, p.kind, p.name, p.role) for p in item.participants] == [(HIDDEN_UUID, "signal", "Dana", "from")]
    assert item.direction == "inbound"


def test_uuid_only_sender_legacy_source(tmp_path: Path) -> None:
    line = envelope(number=None, account_id=None, dataMessage=data(message="old signal-cli"))
    line["envelope"]["source"] = HIDDEN_UUID.upper()

    item = _only_item(tmp_path, line)

    assert item.source_id == f"{HIDDEN_UUID}:{BASE_MS}"


def test_sender_without_any_id_is_error(tmp_path: Path) -> None:
    line = envelope(number=None, account_id=None, dataMessage=data(message="who?"))

    (error,) = errors_of(_read(tmp_path, [line]))

    assert (error.location, error.reason) == ("line 1", "envelope names no sender number or UUID")


def test_owner_known_by_uuid(tmp_path: Path) -> None:
    line = envelope(number=None, account_id=OWNER_UUID, dataMessage=data(message="note to self"))

    item = _only_item(tmp_path, line, ReadOptions(me=(OWNER_UUID.upper(),)))

    assert item.direction == "outbound"
    assert item.participants == []


def test_owner_known_from_account_field(tmp_path: Path) -> None:
    line = envelope(number=OWNER_NUMBER, account_id=OWNER_UUID, dataMessage=data(message="from my laptop"))

    item = _only_item(tmp_path, line, ReadOptions())

    assert item.direction == "outbound"


def test_sent_to_uuid_only_destination(tmp_path: Path) -> None:
    line = sent(message="hi Dana", destination=None)
    line["envelope"]["syncMessage"]["sentMessage"]["destinationUuid"] = HIDDEN_UUID

    item = _only_item(tmp_path, line)

    assert [(p.handle, p.kind, p.role) for p in item.participants] == [(HIDDEN_UUID, "signal", "to")]
    assert item.thread_id == HIDDEN_UUID


# (line, skip reason)
NOT_INTERACTIONS = {
    "reaction": (
        incoming(message=None, reaction={"emoji": "❤️", "targetAuthorNumber": BOB_NUMBER, "targetSentTimestamp": BASE_MS, "isRemove": False}),
        "reaction to an earlier message",
    ),
    "reaction removed": (
        incoming(message=None, reaction={"emoji": "❤️", "targetAuthorNumber": BOB_NUMBER, "targetSentTimestamp": BASE_MS, "isRemove": True}),
        "reaction to an earlier message",
    ),
    "reaction sent from phone": (
        sent(message=None, reaction={"emoji": "👍", "targetAuthorNumber": BOB_NUMBER, "targetSentTimestamp": BASE_MS, "isRemove": False}),
        "reaction to an earlier message",
    ),
    "remote delete": (incoming(message=None, remoteDelete={"timestamp": BASE_MS - 60000}), "remote delete of an earlier message"),
    "remote delete sent from phone": (
        sent(message=None, remoteDelete={"timestamp": BASE_MS - 60000}),
        "remote delete of an earlier message",
    ),
    "edit": (
        envelope(editMessage={"targetSentTimestamp": BASE_MS - 60000, "dataMessage": data(message="fixed typo")}),
        "edit of an earlier message",
    ),
    "edit sent from phone": (
        envelope(
            number=OWNER_NUMBER,
            syncMessage={
                "sentMessage": {
                    "destination": BOB_NUMBER,
                    "destinationNumber": BOB_NUMBER,
                    "destinationUuid": BOB_UUID,
                    "editMessage": {"targetSentTimestamp": BASE_MS - 60000, "dataMessage": data(message="fixed")},
                }
            },
        ),
        "edit of an earlier message, sent from another device",
    ),
    "timer change": (incoming(message=None, isExpirationUpdate=True, expiresInSeconds=3600), "change of the disappearing-messages timer"),
    "empty data message": (incoming(message=None), "data message without text or attachments"),
    "read receipt": (
        envelope(receiptMessage={"when": BASE_MS, "isDelivery": False, "isRead": True, "isViewed": False, "timestamps": [BASE_MS]}),
        "delivery or read receipt",
    ),
    "typing": (envelope(typingMessage={"action": "STARTED", "timestamp": BASE_MS}), "typing indicator"),
    "call": (envelope(callMessage={"offerMessage": {"id": 1, "type": "AUDIO_CALL"}}), "call signalling message"),
    "story": (envelope(storyMessage={"allowsReplies": True, "textAttachment": {"text": "story"}}), "story"),
    "sync read receipts": (
        envelope(number=OWNER_NUMBER, syncMessage={"readMessages": [{"senderNumber": BOB_NUMBER, "timestamp": BASE_MS}]}),
        "sync message (read receipts, contacts or settings)",
    ),
    "sync contacts": (envelope(number=OWNER_NUMBER, syncMessage={"type": "CONTACTS_SYNC"}), "sync message (read receipts, contacts or settings)"),
    "no content": (envelope(), "envelope without content"),
}


@pytest.mark.parametrize(("line", "reason"), NOT_INTERACTIONS.values(), ids=NOT_INTERACTIONS.keys())
def test_not_interactions_skipped(tmp_path: Path, line: dict[str, Any], reason: str) -> None:
    records = _read(tmp_path, [line, incoming(BASE_MS + 1000, "after")])

    (skipped,) = skipped_of(records)
    assert (skipped.location, skipped.reason) == ("line 1", reason)
    assert [item.content for item in interactions_of(records)] == ["after"]


def test_sticker_is_message(tmp_path: Path) -> None:
    item = _only_item(tmp_path, incoming(message=None, sticker={"packId": "a1b2c3", "stickerId": 4}))

    assert item.content == ""
    assert item.metadata == {"has_media": True, "media_kind": "sticker"}


def test_attachment_without_filename(tmp_path: Path) -> None:
    attachment = {"contentType": "image/jpeg", "filename": None, "id": "abc", "size": 10}

    item = _only_item(tmp_path, incoming(message="photo", attachments=[attachment]))

    assert item.metadata["attachments"] == [{"content_type": "image/jpeg"}]
    assert item.metadata["has_media"] is True


def test_attachment_sent_from_phone(tmp_path: Path) -> None:
    attachment = {"contentType": "application/pdf", "filename": "plan.pdf", "id": "abd", "size": 10}

    item = _only_item(tmp_path, sent(message=None, attachments=[attachment]))

    assert item.direction == "outbound"
    assert item.metadata["attachments"] == [{"filename": "plan.pdf", "content_type": "application/pdf"}]


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ({"id": BASE_MS - 5000, "author": BOB_NUMBER, "authorNumber": BOB_NUMBER, "authorUuid": BOB_UUID}, f"{BOB_NUMBER}:{BASE_MS - 5000}"),
        ({"id": BASE_MS - 5000, "author": HIDDEN_UUID, "authorNumber": None, "authorUuid": HIDDEN_UUID}, f"{HIDDEN_UUID}:{BASE_MS - 5000}"),
    ],
)
def test_quote_points_at_source_id(tmp_path: Path, quote: dict[str, Any], expected: str) -> None:
    item = _only_item(tmp_path, incoming(message="agreed", quote={**quote, "text": "quoted", "attachments": []}))

    assert item.metadata["in_reply_to"] == expected


def test_broken_line_in_middle(tmp_path: Path) -> None:
    lines = [incoming(BASE_MS, "first"), '{"envelope": {"source": "+15550101", "dataMessage": {"message": "secret', incoming(BASE_MS + 1000, "third")]

    records = _read(tmp_path, lines)

    (error,) = errors_of(records)
    assert error.location == "line 2"
    assert error.reason.startswith("invalid JSON")
    assert "secret" not in error.reason
    assert [item.content for item in interactions_of(records)] == ["first", "third"]


def test_blank_lines_ignored(tmp_path: Path) -> None:
    records = _read(tmp_path, [incoming(BASE_MS, "a"), "", "   ", incoming(BASE_MS + 1, "b")])

    assert [type(record).__name__ for record in records] == ["InteractionItem", "InteractionItem"]


def test_line_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "receive.jsonl"
    path.write_bytes(b'{"envelope": "\xff\xfe"}\n')

    (error,) = list(read(str(path), OPTIONS))

    assert (error.location, error.reason) == ("line 1", "line is not UTF-8")


def test_exception_line(tmp_path: Path) -> None:
    line = {"account": OWNER_NUMBER, "exception": {"message": "private detail", "type": "ProtocolInvalidMessageException"}}

    (error,) = errors_of(_read(tmp_path, [line]))

    assert error.reason == "signal-cli reported an error (ProtocolInvalidMessageException) and wrote no envelope"


def test_line_without_envelope(tmp_path: Path) -> None:
    (error,) = errors_of(_read(tmp_path, [[1, 2]]))

    assert error.reason == "line is not a signal-cli envelope (no `envelope` object)"


def test_missing_file(tmp_path: Path) -> None:
    (error,) = list(read(str(tmp_path / "absent.jsonl"), OPTIONS))

    assert error.location == "file"
    assert error.reason.startswith("cannot read the input")


@pytest.mark.parametrize(("timestamp_ms", "reason"), [(10**17, "timestamp is out of range"), (5 * 10**12, "invalid interaction: occurred_at")])
def test_timestamp_out_of_range(tmp_path: Path, timestamp_ms: int, reason: str) -> None:
    (error,) = errors_of(_read(tmp_path, [incoming(timestamp_ms, "far future")]))

    assert error.reason.startswith(reason)
    assert "far future" not in error.reason
