"""Missing and null senders, and phone calls with every discard reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bridges.core.records import ReadOptions
from bridges.telegram import read
from tests.bridges.casekit import errors_of, interactions_of, skipped_of
from tests.bridges.telegram.exports import (
    OWNER_ID,
    OWNER_NAME,
    PEER_ID,
    PEER_NAME,
    group_chat,
    message,
    personal_chat,
    service,
    write_json,
)


def _sender_variant(variant: str) -> dict[str, Any]:
    fields = message(7, "still here", sender_id=None)
    if variant == "null from":
        fields.update({"from": None, "from_id": "user4000000199"})
    elif variant == "empty from":
        fields.update({"from": "", "from_id": "user4000000199"})
    elif variant == "null from_id":
        fields.update({"from": None, "from_id": None})
    elif variant == "channel signature":
        fields.update({"from": "Hiking Club", "from_id": "channel1700000001", "author": "Carol"})
    return fields


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("null from", [("user4000000199", None)]),
        ("empty from", [("user4000000199", None)]),
        ("missing from and from_id", []),
        ("null from_id", []),
        ("channel signature", [("channel1700000001", "Hiking Club")]),
    ],
)
def test_sender_variants_keep_message(tmp_path: Path, variant: str, expected: list[tuple[str, str | None]]) -> None:
    path = write_json(tmp_path, group_chat([_sender_variant(variant), message(8, "next")]))

    records = list(read(path, ReadOptions(me=(f"user{OWNER_ID}",))))
    first, second = interactions_of(records)

    assert errors_of(records) == []
    assert first.content == "still here"
    assert first.direction == "inbound"
    assert [(p.handle, p.name) for p in first.participants] == expected
    assert second.source_id.endswith(":8")


# (discard_reason, duration_seconds, caller is the owner, expected call_status)
CALLS = [
    ("missed", None, False, "missed"),
    ("missed", None, True, "cancelled"),
    ("busy", None, False, "declined"),
    ("busy", None, True, "declined"),
    ("hangup", 125, False, "answered"),
    ("hangup", 42, True, "answered"),
    ("hangup", None, True, "answered"),
    ("disconnect", 30, False, "answered"),
    ("disconnect", None, False, "failed"),
    (None, 15, False, "answered"),
]


@pytest.mark.parametrize(("reason", "duration", "outgoing", "status"), CALLS)
def test_phone_call(tmp_path: Path, reason: str | None, duration: int | None, outgoing: bool, status: str) -> None:
    extra: dict[str, Any] = {}
    if duration is not None:
        extra["duration_seconds"] = duration
    if reason is not None:
        extra["discard_reason"] = reason
    caller = (OWNER_ID, OWNER_NAME) if outgoing else (PEER_ID, PEER_NAME)
    path = write_json(tmp_path, personal_chat([service(3, "phone_call", *caller, **extra)]))

    (call,) = interactions_of(read(path, ReadOptions(me=(f"user{OWNER_ID}",))))

    assert call.type == "call"
    assert call.source_id == f"{PEER_ID}:3"
    assert call.duration_seconds == duration
    assert call.metadata["call_status"] == status
    assert call.metadata.get("discard_reason") == reason
    assert call.direction == ("outbound" if outgoing else "inbound")
    (participant,) = call.participants
    assert (participant.handle, participant.role) == (f"user{PEER_ID}", "to" if outgoing else "from")
    assert call.content is None


def test_video_call_flag(tmp_path: Path) -> None:
    path = write_json(tmp_path, personal_chat([service(3, "phone_call", duration_seconds=60, discard_reason="hangup", is_video=True)]))

    (call,) = interactions_of(read(path, ReadOptions()))

    assert call.type == "video_call"
    assert call.duration_seconds == 60


@pytest.mark.parametrize(
    "action",
    ["create_group", "invite_members", "pin_message", "group_call", "join_group_by_link", "edit_group_title"],
)
def test_service_actions_skipped(tmp_path: Path, action: str) -> None:
    path = write_json(tmp_path, group_chat([service(2, action, title="Secret Title")]))

    (skipped,) = skipped_of(read(path, ReadOptions()))

    assert skipped.location == "chat 1700000001 message 2"
    assert skipped.reason == f"service message ({action})"


def test_service_action_not_echoed(tmp_path: Path) -> None:
    path = write_json(tmp_path, group_chat([service(2, "Private Words")]))

    (skipped,) = skipped_of(read(path, ReadOptions()))

    assert skipped.reason == "service message"
