"""The WhatsApp acceptance cases in tests/cases, each expectation and each `checks` line."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from bridges.whatsapp import read
from tests.bridges.casekit import assert_common, errors_of, interactions_of, load_case, read_records

CASE_IDS = [
    "whatsapp-android-attachment-with-caption",
    "whatsapp-day-first-mixed-digit-widths",
    "whatsapp-lowercase-ampm-phone-sender-media",
    "whatsapp-multiline-with-times-and-colons",
    "whatsapp-nbsp-in-ampm",
]

# Item metadata keys that the cases name as expectation fields.
METADATA_FIELDS = ("timestamp_local", "attachments", "caption", "has_media", "sender_display")


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_interactions(case_id: str) -> None:
    case = load_case(case_id)
    records = read_records(read, case.input_paths, case.options())
    items = interactions_of(records)

    assert errors_of(records) == []
    assert len(items) == case.expected["expected_count"]
    for item, expected in zip(items, case.expected["interactions"]):
        assert item.source == "whatsapp"
        assert_common(item, expected)
        for key in METADATA_FIELDS:
            assert item.metadata.get(key) == expected.get(key), (key, item.metadata.get(key), expected.get(key))


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_source_ids_deterministic(case_id: str) -> None:
    case = load_case(case_id)
    first = [item.source_id for item in interactions_of(read_records(read, case.input_paths, case.options()))]
    second = [item.source_id for item in interactions_of(read_records(read, case.input_paths, case.options()))]

    assert first == second
    assert len(set(first)) == len(first)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_source_ids_ignore_line_numbers(case_id: str, tmp_path: Path) -> None:
    """Lines added before the messages (an older part of the chat) shift every line
    number but must leave the ids of the messages as they are."""
    case = load_case(case_id)
    (original,) = case.input_paths
    shifted = tmp_path / Path(original).name
    shutil.copyfile(original, shifted)
    content = shifted.read_text(encoding="utf-8")
    header_end = content.index(" - ") + len(" - ")
    notice = content[:header_end] + "Messages and calls are end-to-end encrypted.\n"
    shifted.write_text(notice + notice + content, encoding="utf-8")

    expected_ids = [item.source_id for item in interactions_of(read_records(read, [original], case.options()))]
    shifted_ids = [item.source_id for item in interactions_of(read_records(read, [str(shifted)], case.options()))]

    assert shifted_ids == expected_ids


def test_day_first_timestamps_non_decreasing() -> None:
    case = load_case("whatsapp-day-first-mixed-digit-widths")
    items = interactions_of(read_records(read, case.input_paths, case.options()))
    times = [item.occurred_at for item in items]

    assert times == sorted(times)
    assert {item.metadata["date_order"] for item in items} == {"day_first"}


def test_attachment_caption_same_interaction() -> None:
    case = load_case("whatsapp-android-attachment-with-caption")
    first, second, third = interactions_of(read_records(read, case.input_paths, case.options()))

    assert first.metadata["attachments"] == ["4f2680f1db95a8454775cc2eefc95bfc.jpg"]
    assert first.content is not None and first.content.endswith("\nFrohe Ostern!")
    assert second.metadata["attachments"] == ["IMG-20210404-WA0003.jpg"]
    assert "has_media" not in third.metadata


def test_phone_sender_normalised() -> None:
    case = load_case("whatsapp-lowercase-ampm-phone-sender-media")
    items = interactions_of(read_records(read, case.input_paths, case.options()))
    first_sender = items[0].participants[0]

    assert first_sender.handle == "+15550147"
    assert first_sender.kind == "phone"
    assert items[0].metadata["sender_display"] == "+1 555 0147"
    assert items[0].content == "<Media omitted>"


def test_twelve_am_and_pm() -> None:
    case = load_case("whatsapp-lowercase-ampm-phone-sender-media")
    items = interactions_of(read_records(read, case.input_paths, case.options()))
    local = {item.metadata["timestamp_local"] for item in items}

    assert "2023-10-09T12:57:00" in local
    assert "2023-10-14T00:05:00" in local


def test_multiline_room_not_sender() -> None:
    case = load_case("whatsapp-multiline-with-times-and-colons")
    items = interactions_of(read_records(read, case.input_paths, case.options()))
    senders = {participant.handle for item in items for participant in item.participants}

    assert senders == {"Alice Example", "Bob Example"}


def test_nbsp_marker_not_in_sender() -> None:
    case = load_case("whatsapp-nbsp-in-ampm")
    items = interactions_of(read_records(read, case.input_paths, case.options()))
    senders = [participant.handle for item in items for participant in item.participants]

    for sender in senders:
        assert "p." not in sender
        assert "m." not in sender
        assert " - " not in sender
    hours = [datetime.fromisoformat(item.metadata["timestamp_local"]).hour for item in items]
    assert hours == [20, 20, 9]
