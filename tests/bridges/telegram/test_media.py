"""Media of Telegram messages: photos, files, stickers, voice, files left out of the export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bridges.core.records import ReadOptions
from bridges.telegram import read
from tests.bridges.casekit import interactions_of
from tests.bridges.telegram.exports import message, personal_chat, write_json

NOT_INCLUDED = "(File not included. Change data exporting settings to download.)"

# (message fields, expected metadata)
MEDIA = [
    (
        {"photo": "photos/photo_1@01-06-2023_11-00-00.jpg", "width": 1280, "height": 960},
        {"has_media": True, "media_kind": "photo", "attachments": [{"filename": "photo_1@01-06-2023_11-00-00.jpg"}]},
    ),
    ({"photo": NOT_INCLUDED}, {"has_media": True, "media_kind": "photo"}),
    (
        {"file": "files/report.pdf", "file_name": "Report Q2.pdf", "mime_type": "application/pdf"},
        {
            "has_media": True,
            "media_kind": "file",
            "attachments": [{"filename": "Report Q2.pdf", "content_type": "application/pdf"}],
        },
    ),
    (
        {"file": NOT_INCLUDED, "mime_type": "video/mp4", "media_type": "video_file"},
        {"has_media": True, "media_kind": "video_file", "attachments": [{"content_type": "video/mp4"}]},
    ),
    (
        {"file": "voice_messages/audio_1.ogg", "media_type": "voice_message", "mime_type": "audio/ogg", "duration_seconds": 4},
        {
            "has_media": True,
            "media_kind": "voice_message",
            "attachments": [{"filename": "audio_1.ogg", "content_type": "audio/ogg"}],
        },
    ),
    (
        {"file": "stickers/sticker.webp", "media_type": "sticker", "sticker_emoji": "👍"},
        {"has_media": True, "media_kind": "sticker", "attachments": [{"filename": "sticker.webp"}], "sticker_emoji": "👍"},
    ),
    ({"poll": {"question": "When?", "closed": False, "total_voters": 0, "answers": []}}, {"has_media": True, "media_kind": "poll"}),
    ({"location_information": {"latitude": 52.5, "longitude": 13.4}}, {"has_media": True, "media_kind": "location"}),
    (
        {"contact_information": {"first_name": "Dan", "last_name": "", "phone_number": "+1 555 0103"}},
        {"has_media": True, "media_kind": "contact"},
    ),
]


@pytest.mark.parametrize(("fields", "expected"), MEDIA, ids=[str(i) for i in range(len(MEDIA))])
def test_media_metadata(tmp_path: Path, fields: dict[str, Any], expected: dict[str, Any]) -> None:
    path = write_json(tmp_path, personal_chat([message(1, "", **fields)]))

    (item,) = interactions_of(read(path, ReadOptions()))

    assert item.content == ""
    assert item.metadata == expected


def test_caption_is_content(tmp_path: Path) -> None:
    path = write_json(tmp_path, personal_chat([message(1, "look at this", photo="photos/p.jpg")]))

    (item,) = interactions_of(read(path, ReadOptions()))

    assert item.content == "look at this"
    assert item.metadata["media_kind"] == "photo"


def test_text_only_has_no_media(tmp_path: Path) -> None:
    path = write_json(tmp_path, personal_chat([message(1, "words")]))

    (item,) = interactions_of(read(path, ReadOptions()))

    assert "has_media" not in item.metadata
