"""Source ids for WhatsApp messages, which carry no id of their own in an export.

A person exports a chat again months later: the new export has new messages at the end,
may have lost the oldest ones at the start (WhatsApp caps how many messages one export
holds), and may have been made with or without media.
The messages both exports share must get the same ids, so the hub stores them once.

Scheme `wa1`:

    source_id = "wa1:" + hex(sha256(chat, minute, sender, text))[:32] + ":" + occurrence

- chat: the chat's name from the export's file name ("WhatsApp Chat with Bob.txt"
  gives "Bob"; the language of the prefix does not matter), "" when unknown.
- minute: the local wall-clock time as written, to the minute ("2023-10-09T11:11"),
  before any time zone is applied, because Android writes no seconds and iOS does.
- sender: the sender's handle (E.164 number or display name).
- text: NFC, direction marks and the edited marker removed; every media message is
  one token, whatever its file name, placeholder or caption, and every deleted message
  another, so that "with media", "without media" and two languages agree.
- occurrence: 0 for the first message with the same (minute, sender, text) digest in
  the export, 1 for the next, and so on. It tells apart a message sent twice in the
  same minute ("ok", "ok"), and two photos sent in the same minute.

Known limits, where a re-export yields another id for the same message (the hub then
stores it twice) or two messages share one (the hub keeps the first):
- The oldest messages are cut off in the middle of a group of same-digest messages of
  one minute: the remaining ones are counted from 0 again.
- The chat was renamed, or the sender's contact was saved, renamed or deleted, between
  the exports: chat or sender differ.
- A message was edited or deleted for everyone between the exports: its text differs.
- Date order guessed differently for a file whose dates are ambiguous (see date_order).
- A media message whose caption alone differs from another's in the same minute and by
  the same sender is told apart only by its position among them.
- The file's name was changed by hand, or an iOS _chat.txt is read outside its zip and
  folder: the chat is "" and identical messages in two such chats share ids.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime, timedelta

from bridges.whatsapp.phrases import unmark

SCHEME = "wa1"
_FIELD_SEPARATOR = "\x1f"
_DIGEST_HEX_CHARS = 32

# Occurrence counts are kept for messages up to this long before the newest one, so
# that a late-delivered message listed out of order, or an hour repeated when daylight
# saving time ends, is still counted with its earlier twins.
_COUNT_WINDOW = timedelta(days=1)
_PRUNE_AT = 4096


def message_digest(chat: str | None, local_time: datetime, sender: str, id_text: str) -> str:
    """Return the digest of the fields that identify a message across exports."""
    minute = local_time.strftime("%Y-%m-%dT%H:%M")
    text = unicodedata.normalize("NFC", unmark(id_text)).strip()
    material = _FIELD_SEPARATOR.join((SCHEME, chat or "", minute, sender, text))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:_DIGEST_HEX_CHARS]


class OccurrenceCounter:
    """Numbers the messages of one export that share a digest, in file order."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, datetime]] = {}
        self._latest: datetime | None = None
        self._prune_at = _PRUNE_AT

    def next_source_id(self, digest: str, local_time: datetime) -> str:
        count, _ = self._counts.get(digest, (0, local_time))
        self._counts[digest] = (count + 1, local_time)
        if self._latest is None or local_time > self._latest:
            self._latest = local_time
        if len(self._counts) > self._prune_at:
            self._prune()
        return f"{SCHEME}:{digest}:{count}"

    def _prune(self) -> None:
        if self._latest is None:
            return
        oldest_kept = self._latest - _COUNT_WINDOW
        self._counts = {key: value for key, value in self._counts.items() if value[1] >= oldest_kept}
        # A day with more messages than the threshold would otherwise prune on every call.
        self._prune_at = max(_PRUNE_AT, 2 * len(self._counts))
