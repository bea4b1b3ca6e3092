"""The reader's contract: time zone, owner and participants, thread ids, file errors."""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

import pytest

from bridges.core.records import ReadOptions
from bridges.whatsapp import read
from tests.bridges.casekit import errors_of, interactions_of
from tests.bridges.whatsapp.exports import read_export, write_export, write_zip

ONE_TO_ONE = [
    "15/01/2023, 21:41 - Bob Example: Dinner?",
    "15/01/2023, 21:42 - Alice Example: Sure",
]


def test_missing_timezone_is_file_error(tmp_path: Path) -> None:
    records = list(read(str(write_export(tmp_path, ONE_TO_ONE)), ReadOptions(me=("Alice Example",))))

    assert len(records) == 1
    (error,) = errors_of(records)
    assert error.location == "file"
    assert "--timezone" in error.reason


def test_timezone_applied(tmp_path: Path) -> None:
    items = interactions_of(read_export(write_export(tmp_path, ONE_TO_ONE), zone="America/New_York"))

    assert items[0].occurred_at.astimezone(timezone.utc).isoformat() == "2023-01-16T02:41:00+00:00"


def test_owner_outbound_with_counterpart(tmp_path: Path) -> None:
    items = interactions_of(read_export(write_export(tmp_path, ONE_TO_ONE), me=("Alice Example",)))
    bob_item, alice_item = items

    assert bob_item.direction == "inbound"
    assert [(p.handle, p.kind, p.role) for p in bob_item.participants] == [("Bob Example", "whatsapp", "from")]
    assert alice_item.direction == "outbound"
    assert [(p.handle, p.role) for p in alice_item.participants] == [("Bob Example", "to")]


def test_owner_matched_without_case(tmp_path: Path) -> None:
    items = interactions_of(read_export(write_export(tmp_path, ONE_TO_ONE), me=("alice example",)))

    assert [item.direction for item in items] == ["inbound", "outbound"]


def test_owner_phone_number(tmp_path: Path) -> None:
    lines = ["15/01/2023, 21:41 - Bob Example: Dinner?", "15/01/2023, 21:42 - +1 555 0100: Sure"]
    items = interactions_of(read_export(write_export(tmp_path, lines), me=("+15550100",)))

    assert items[1].direction == "outbound"
    assert [(p.handle, p.role) for p in items[1].participants] == [("Bob Example", "to")]


def test_owner_never_participant(tmp_path: Path) -> None:
    lines = [*ONE_TO_ONE, "15/01/2023, 21:43 - Carol Example: Me too"]
    items = interactions_of(read_export(write_export(tmp_path, lines, name="WhatsApp Chat with Dinner Club.txt"), me=("Alice Example",)))
    handles = {p.handle for item in items for p in item.participants}

    assert "Alice Example" not in handles
    assert items[1].participants == []


def test_group_with_one_writer_no_counterpart(tmp_path: Path) -> None:
    """Only Bob wrote besides the owner, but the chat is named "Dinner Club", not Bob."""
    items = interactions_of(
        read_export(write_export(tmp_path, ONE_TO_ONE, name="WhatsApp Chat with Dinner Club.txt"), me=("Alice Example",))
    )

    assert items[1].direction == "outbound"
    assert items[1].participants == []


def test_phone_counterpart(tmp_path: Path) -> None:
    lines = ["15/01/2023, 21:41 - +1 555 0147: Dinner?", "15/01/2023, 21:42 - Alice Example: Sure"]
    path = write_export(tmp_path, lines, name="WhatsApp Chat with +1 555 0147.txt")
    items = interactions_of(read_export(path, me=("Alice Example",)))

    assert [(p.handle, p.kind, p.role) for p in items[1].participants] == [("+15550147", "phone", "to")]


@pytest.mark.parametrize(
    ("file_name", "thread_id"),
    [
        ("WhatsApp Chat with Bob Example.txt", "Bob Example"),
        ("WhatsApp Chat mit Bob Example.txt", "Bob Example"),
        ("Chat de WhatsApp con Bob Example.txt", "Bob Example"),
        ("Discussion WhatsApp avec Bob Example.txt", "Bob Example"),
        ("Conversa do WhatsApp com Bob Example.txt", "Bob Example"),
        ("WhatsApp Chat with Bob Example (2).txt", "Bob Example"),
        ("WhatsApp Chat - Bob Example.zip", "Bob Example"),
        ("chat-backup.txt", None),
    ],
)
def test_thread_id_from_file_name(tmp_path: Path, file_name: str, thread_id: str | None) -> None:
    if file_name.endswith(".zip"):
        path = write_zip(tmp_path, file_name, "_chat.txt", ["[15/01/2023, 21:41:00] Bob Example: hi"])
    else:
        path = write_export(tmp_path, ONE_TO_ONE, name=file_name)
    items = interactions_of(read_export(path))

    assert {item.thread_id for item in items} == {thread_id}


def test_unpacked_ios_zip_folder(tmp_path: Path) -> None:
    folder = tmp_path / "WhatsApp Chat - Bob Example"
    folder.mkdir()
    items = interactions_of(read_export(write_export(folder, ["[15/01/2023, 21:41:00] Bob Example: hi"], name="_chat.txt")))

    assert items[0].thread_id == "Bob Example"


def test_not_a_chat_export(tmp_path: Path) -> None:
    records = read_export(write_export(tmp_path, ["Dear diary,", "today was fine."], name="diary.txt"))

    (error,) = records
    assert error.location == "file"
    assert error.reason.startswith("no message header found")


def test_missing_file(tmp_path: Path) -> None:
    records = read_export(tmp_path / "WhatsApp Chat with Nobody.txt")

    assert [(error.location, error.reason) for error in errors_of(records)] == [("file", "file not found")]


def test_text_before_first_header(tmp_path: Path) -> None:
    lines = ["stray first line", "another one", *ONE_TO_ONE]
    records = read_export(write_export(tmp_path, lines))

    assert [(error.location, error.reason) for error in errors_of(records)] == [("line 1", "text before the first message header")]
    assert len(interactions_of(records)) == 2


def test_repeated_hour_at_dst_end(tmp_path: Path) -> None:
    """Europe/Berlin repeats 02:00-02:59 on 29 October 2023; a message listed after
    02:50 with 02:10 is in the second 02:10 hour."""
    lines = [
        "29/10/2023, 01:55 - Bob Example: a",
        "29/10/2023, 02:50 - Bob Example: b",
        "29/10/2023, 02:10 - Bob Example: c",
        "29/10/2023, 03:05 - Bob Example: d",
    ]
    items = interactions_of(read_export(write_export(tmp_path, lines), zone="Europe/Berlin"))
    utc_times = [item.occurred_at.astimezone(timezone.utc).strftime("%H:%M") for item in items]

    assert utc_times == ["23:55", "00:50", "01:10", "02:05"]


def test_messages_stream_in_file_order(tmp_path: Path) -> None:
    lines = [
        "15/01/2023, 21:41 - Bob Example: one",
        "15/01/2023, 21:41 - Alice Example added Carol Example",
        "15/01/2023, 21:42 - Carol Example: two",
    ]
    records = read_export(write_export(tmp_path, lines))

    assert [type(record).__name__ for record in records] == ["InteractionItem", "Skipped", "InteractionItem"]
