"""Whole-account exports, the owner, and chats that reuse message ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridges.core.records import ReadOptions
from bridges.telegram import read
from tests.bridges.casekit import errors_of, interactions_of, skipped_of
from tests.bridges.telegram.exports import (
    GROUP_ID,
    OWNER_ID,
    OWNER_NAME,
    PEER_ID,
    PEER_NAME,
    account_export,
    chat,
    group_chat,
    message,
    personal_chat,
    write_json,
)

CAROL_ID = 4000000102


def _account_path(tmp_path: Path) -> str:
    personal = personal_chat(
        [
            message(1, "hi Bob", OWNER_ID, OWNER_NAME, 0),
            message(2, "hi Alice", PEER_ID, PEER_NAME, 60),
        ]
    )
    group = group_chat(
        [
            message(1, "welcome", CAROL_ID, "Carol Example", 120),
            message(2, "thanks", OWNER_ID, OWNER_NAME, 180, reply_to_message_id=1),
        ]
    )
    left = chat(1700000002, "private_supergroup", "Old Club", [message(1, "bye", CAROL_ID, "Carol Example", 240)])
    return write_json(tmp_path, account_export([personal, group], [left]))


def test_account_source_ids_unique(tmp_path: Path) -> None:
    records = list(read(_account_path(tmp_path), ReadOptions()))
    items = interactions_of(records)

    assert errors_of(records) == []
    assert [item.source_id for item in items] == [
        f"{PEER_ID}:1",
        f"{PEER_ID}:2",
        f"{GROUP_ID}:1",
        f"{GROUP_ID}:2",
        "1700000002:1",
    ]
    assert [item.thread_id for item in items] == [str(PEER_ID)] * 2 + [str(GROUP_ID)] * 2 + ["1700000002"]


def test_account_owner_from_personal_information(tmp_path: Path) -> None:
    items = interactions_of(read(_account_path(tmp_path), ReadOptions()))

    assert [item.direction for item in items] == ["outbound", "inbound", "inbound", "outbound", "inbound"]
    for item in items:
        assert f"user{OWNER_ID}" not in [p.handle for p in item.participants]


def test_account_outbound_personal_has_peer(tmp_path: Path) -> None:
    first = interactions_of(read(_account_path(tmp_path), ReadOptions()))[0]

    (participant,) = first.participants
    assert participant.handle == f"user{PEER_ID}"
    assert participant.kind == "telegram"
    assert participant.name == PEER_NAME
    assert participant.role == "to"


def test_account_outbound_group_no_participants(tmp_path: Path) -> None:
    reply = interactions_of(read(_account_path(tmp_path), ReadOptions()))[3]

    assert reply.participants == []
    assert reply.metadata["chat_name"] == "Hiking Club"
    assert reply.metadata["in_reply_to"] == f"{GROUP_ID}:1"


def test_account_inbound_sender_is_participant(tmp_path: Path) -> None:
    welcome = interactions_of(read(_account_path(tmp_path), ReadOptions()))[2]

    (participant,) = welcome.participants
    assert (participant.handle, participant.name, participant.role) == (f"user{CAROL_ID}", "Carol Example", "from")


@pytest.mark.parametrize("me", [f"user{OWNER_ID}", str(OWNER_ID), OWNER_NAME])
def test_single_chat_owner_from_me(tmp_path: Path, me: str) -> None:
    path = write_json(
        tmp_path,
        personal_chat([message(1, "ping", OWNER_ID, OWNER_NAME), message(2, "pong", PEER_ID, PEER_NAME, 60)]),
    )

    sent, received = interactions_of(read(path, ReadOptions(me=(me,))))

    assert sent.direction == "outbound"
    assert [(p.handle, p.role) for p in sent.participants] == [(f"user{PEER_ID}", "to")]
    assert received.direction == "inbound"
    assert [(p.handle, p.role) for p in received.participants] == [(f"user{PEER_ID}", "from")]


def test_single_chat_unknown_owner_keeps_senders(tmp_path: Path) -> None:
    path = write_json(tmp_path, personal_chat([message(1, "ping", OWNER_ID, OWNER_NAME)]))

    (item,) = interactions_of(read(path, ReadOptions()))

    assert item.direction is None
    assert [(p.handle, p.role) for p in item.participants] == [(f"user{OWNER_ID}", "from")]


def test_owner_id_beats_same_name(tmp_path: Path) -> None:
    namesake = message(1, "same name, other person", 4000000999, OWNER_NAME)
    path = write_json(tmp_path, personal_chat([namesake]))

    (item,) = interactions_of(read(path, ReadOptions(me=(f"user{OWNER_ID}", OWNER_NAME))))

    assert item.direction == "inbound"


@pytest.mark.parametrize(
    ("chat_type", "reason_start"),
    [
        ("saved_messages", "message in Saved Messages"),
        ("replies", "message in Replies"),
        ("public_channel", "channel post"),
        ("private_channel", "channel post"),
    ],
)
def test_non_conversation_chats_skipped(tmp_path: Path, chat_type: str, reason_start: str) -> None:
    path = write_json(tmp_path, account_export([chat(777, chat_type, "Name", [message(1, "note")])]))

    records = list(read(path, ReadOptions()))

    (skipped,) = skipped_of(records)
    assert len(records) == 1
    assert skipped.location == "chat 777 message 1"
    assert skipped.reason.startswith(reason_start)


def test_reply_to_other_chat(tmp_path: Path) -> None:
    reply = message(5, "see there", reply_to_message_id=9, reply_to_peer_id="channel1700000009")
    path = write_json(tmp_path, group_chat([reply]))

    (item,) = interactions_of(read(path, ReadOptions()))

    assert item.metadata["in_reply_to"] == "1700000009:9"


def test_old_numeric_from_id(tmp_path: Path) -> None:
    old = message(1, "from 2019", sender_id=None)
    old.update({"from": PEER_NAME, "from_id": PEER_ID})
    path = write_json(tmp_path, personal_chat([old]))

    (item,) = interactions_of(read(path, ReadOptions(me=(str(OWNER_ID),))))

    assert [(p.handle, p.name) for p in item.participants] == [(f"user{PEER_ID}", PEER_NAME)]
    assert item.direction == "inbound"
