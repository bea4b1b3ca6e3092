"""Media fields of a Telegram Desktop message, as item metadata.

A photo has `photo`, any other document has `file` (plus `media_type` for stickers, voice
and video messages, animations, video and audio files, and `mime_type` and, since 2022,
`file_name`). Both hold a path relative to the export folder, or a placeholder in
parentheses when the file was not downloaded, such as "(File not included. Change data
exporting settings to download.)". Polls, locations, venues, shared contacts, games and
invoices have objects of their own.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

# The exporter writes this instead of a path when it did not save the file.
NOT_SAVED = re.compile(r"\(File [^)]*\)$")

# Message keys that mark media without a file, and the media kind each one means.
OTHER_MEDIA_KINDS = {
    "poll": "poll",
    "location_information": "location",
    "place_name": "location",
    "contact_information": "contact",
    "game_title": "game",
    "invoice_information": "invoice",
}


def _saved_path(value: Any) -> str | None:
    if not isinstance(value, str) or not value or NOT_SAVED.search(value):
        return None
    return value


def _attachment(path: Any, file_name: Any, content_type: Any) -> dict[str, str]:
    attachment: dict[str, str] = {}
    saved = _saved_path(path)
    if isinstance(file_name, str) and file_name:
        attachment["filename"] = file_name
    elif saved is not None:
        attachment["filename"] = posixpath.basename(saved.replace("\\", "/"))
    if isinstance(content_type, str) and content_type:
        attachment["content_type"] = content_type
    return attachment


def media_metadata(message: dict[str, Any]) -> dict[str, Any]:
    """Return `has_media`, `media_kind`, `attachments` and `sticker_emoji` for a message.

    A message without media returns an empty dict. `attachments` lists what is known of
    each file (`filename`, `content_type`); it is absent when nothing is.
    """
    if "photo" in message:
        kind = "photo"
        attachment = _attachment(message["photo"], None, None)
    elif "file" in message:
        media_type = message.get("media_type")
        kind = media_type if isinstance(media_type, str) and media_type else "file"
        attachment = _attachment(message["file"], message.get("file_name"), message.get("mime_type"))
    else:
        for key, other_kind in OTHER_MEDIA_KINDS.items():
            if key in message:
                return {"has_media": True, "media_kind": other_kind}
        return {}

    metadata: dict[str, Any] = {"has_media": True, "media_kind": kind}
    if attachment:
        metadata["attachments"] = [attachment]
    sticker_emoji = message.get("sticker_emoji")
    if isinstance(sticker_emoji, str) and sticker_emoji:
        metadata["sticker_emoji"] = sticker_emoji
    return metadata
