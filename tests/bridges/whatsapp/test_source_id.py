"""Source ids: stable across re-exports, distinct for repeated messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bridges.whatsapp.source_id import OccurrenceCounter
from tests.bridges.casekit import interactions_of
from tests.bridges.whatsapp.exports import read_export, write_export, write_zip


@dataclass(frozen=True)
class ChatMessage:
    day: int
    time: str
    sender: str
    text: str = ""
    media: str | None = None  # file name Android gives the media, if the message has any


# One chat as the phone holds it; exports cut pieces out of it.
CHAT = [
    ChatMessage(10, "09:00", "Bob Example", "Morning"),
    ChatMessage(10, "09:01", "Alice Example", "Morning!\nCoffee later?"),
    ChatMessage(10, "09:01", "Bob Example", media="IMG-20230110-WA0001.jpg"),
    ChatMessage(10, "09:02", "Bob Example", "ok"),
    ChatMessage(10, "09:02", "Bob Example", "ok"),
    ChatMessage(10, "09:02", "Alice Example", "ok"),
    ChatMessage(11, "18:30", "Bob Example", "Photos from today"),
    ChatMessage(11, "18:31", "Bob Example", "Beach", media="IMG-20230111-WA0002.jpg"),
    ChatMessage(11, "18:31", "Bob Example", "Sunset", media="IMG-20230111-WA0003.jpg"),
    ChatMessage(12, "08:00", "Alice Example", "Lovely"),
    ChatMessage(12, "08:00", "Alice Example", "Lovely"),
    ChatMessage(13, "20:15", "Bob Example", "New week, new plans"),
]


def android_lines(
    messages: list[ChatMessage], with_media: bool, language: str = "en", captions: bool = True
) -> list[str]:
    """Render `messages` as an Android export in English (en-GB) or German."""
    lines = []
    for message in messages:
        if language == "en":
            header = f"{message.day}/01/2023, {message.time} - {message.sender}: "
        else:
            header = f"{message.day}.01.23, {message.time} - {message.sender}: "
        body = body_lines(message, with_media, language, captions)
        lines.append(header + body[0])
        lines.extend(body[1:])
    return lines


def body_lines(message: ChatMessage, with_media: bool, language: str, captions: bool) -> list[str]:
    text_lines = message.text.split("\n") if message.text else []
    if message.media is None:
        return text_lines
    if not captions:
        text_lines = []
    if with_media:
        label = "file attached" if language == "en" else "Datei angehängt"
        first = f"\u200e{message.media} ({label})"
    else:
        first = "<Media omitted>" if language == "en" else "<Medien ausgeschlossen>"
    return [first, *text_lines]


def source_ids(path: Path) -> list[str]:
    return [item.source_id for item in interactions_of(read_export(path))]


def test_reexport_keeps_ids(tmp_path: Path) -> None:
    """First export: messages 0-8 with media. Later export: the oldest 3 cut off, 3 new
    ones, without media. The 6 shared messages keep their ids; the new ones get new ids."""
    first_dir = tmp_path / "first"
    later_dir = tmp_path / "later"
    first_dir.mkdir()
    later_dir.mkdir()
    first = write_zip(
        first_dir,
        "WhatsApp Chat with Bob Example.zip",
        "WhatsApp Chat with Bob Example.txt",
        android_lines(CHAT[:9], with_media=True),
        media=[message.media for message in CHAT[:9] if message.media],
    )
    later = write_export(later_dir, android_lines(CHAT[3:], with_media=False))

    first_ids = source_ids(first)
    later_ids = source_ids(later)

    assert len(first_ids) == 9
    assert len(later_ids) == 9
    assert later_ids[:6] == first_ids[3:9]
    assert set(later_ids[6:]).isdisjoint(first_ids)


@pytest.mark.parametrize("captions", [True, False])
def test_media_toggle_keeps_ids(tmp_path: Path, captions: bool) -> None:
    """Whether or not an export without media keeps the captions, ids stay the same."""
    with_media = write_export(tmp_path, android_lines(CHAT, with_media=True))
    without_media = write_export(
        tmp_path,
        android_lines(CHAT, with_media=False, captions=captions),
        name="WhatsApp Chat with Bob Example (1).txt",
    )

    assert source_ids(with_media) == source_ids(without_media)


def test_language_change_keeps_ids(tmp_path: Path) -> None:
    english = write_export(tmp_path, android_lines(CHAT, with_media=True))
    german = write_export(tmp_path, android_lines(CHAT, with_media=False, language="de"), name="WhatsApp Chat mit Bob Example.txt")

    assert source_ids(english) == source_ids(german)


def test_ios_seconds_do_not_change_ids(tmp_path: Path) -> None:
    android = write_export(tmp_path, ["10/01/2023, 09:00 - Bob Example: Morning"])
    ios = write_zip(tmp_path, "WhatsApp Chat - Bob Example.zip", "_chat.txt", ["[10/01/2023, 09:00:42] Bob Example: Morning"])

    assert source_ids(android) == source_ids(ios)


def test_repeated_messages_distinct(tmp_path: Path) -> None:
    ids = source_ids(write_export(tmp_path, android_lines(CHAT, with_media=True)))
    ok_ids = ids[3:5]

    assert len(set(ids)) == len(ids)
    assert [identifier.rsplit(":", 1)[1] for identifier in ok_ids] == ["0", "1"]
    assert ok_ids[0].rsplit(":", 1)[0] == ok_ids[1].rsplit(":", 1)[0]


def test_ids_differ_between_chats(tmp_path: Path) -> None:
    bob = write_export(tmp_path, ["10/01/2023, 09:00 - Alice Example: Morning"])
    carol = write_export(tmp_path, ["10/01/2023, 09:00 - Alice Example: Morning"], name="WhatsApp Chat with Carol Example.txt")

    assert source_ids(bob) != source_ids(carol)


def test_ids_independent_of_time_zone(tmp_path: Path) -> None:
    path = write_export(tmp_path, android_lines(CHAT, with_media=True))
    berlin = [item.source_id for item in interactions_of(read_export(path, zone="Europe/Berlin"))]
    tokyo = [item.source_id for item in interactions_of(read_export(path, zone="Asia/Tokyo"))]

    assert berlin == tokyo


def test_counter_busy_day_keeps_counts() -> None:
    """A day with more messages than the pruning threshold still counts a repeated
    message listed out of order as the second one."""
    counter = OccurrenceCounter()
    morning = datetime(2023, 1, 10, 9, 0)
    first = counter.next_source_id("a" * 32, morning)
    for number in range(10_000):
        counter.next_source_id(f"{number:032x}", morning + timedelta(seconds=number))
    second = counter.next_source_id("a" * 32, morning)

    assert first == "wa1:" + "a" * 32 + ":0"
    assert second == "wa1:" + "a" * 32 + ":1"

