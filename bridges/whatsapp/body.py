"""Split a message body into sender and text, and read what WhatsApp wrote into the text.

After the header, a message is `Name: text`. A system notice has no `Name:` part on
Android ("Alice added Bob"). On iOS it carries the group's or contact's name and an
LRM (U+200E) before the text ("Group: \u200eAlice added Bob"). Media, deletion and edit
markers stay in the content as written, less leading direction marks, and are reported
as flags, so the content shows what the export shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from bridges.whatsapp.phrases import (
    ATTACHED_LABELS,
    ATTACHED_LABELS_IOS,
    BIDI_MARKS,
    CALL_NOTICES,
    DELETED_TEXTS,
    EDITED_MARKERS,
    EDITED_WORDS,
    ENCRYPTION_NOTICES,
    MEDIA_OMITTED,
    MEDIA_OMITTED_IOS,
    NOTICE_PHRASES,
    OMITTED_WORDS,
    QUOTATION_MARKS,
    QUOTING_NOTICE_PHRASES,
    fold,
    unmark,
)

LRM = "\u200e"
_MARKS_AND_SPACES = BIDI_MARKS + " "

# Stand-ins for the source id, so that exports with and without media, and in two
# languages, agree (see source_id).
MEDIA_ID_TEXT = "\x00media"
DELETED_ID_TEXT = "\x00deleted"

# "IMG-20210404-WA0003.jpg (file attached)": Android's media line in an export with media.
_ANDROID_ATTACHMENT = re.compile(r"^(?P<file>\S(?:.*?\S)?\.[A-Za-z0-9]{1,5}) \((?P<label>[^()]{2,40})\)$")
# Names Android gives exported media: IMG-20210404-WA0003.jpg, PTT-20230115-WA0012.opus,
# and 32 hex digits for a file forwarded without a name.
_ANDROID_MEDIA_NAME = re.compile(r"^(?:[A-Z]{3}-\d{8}-WA\d{4,}|[0-9a-f]{32})\.\w+$")

# "<attached: 00000012-PHOTO-2023-01-15-21-41-05.jpg>": iOS's marker in an export with media.
_IOS_ATTACHMENT = re.compile(r"<\s?(?P<label>[^<>:]{1,30}?)\s?:\s?(?P<file>[^<>]+?\.[A-Za-z0-9]{1,5})\s?>")
# iOS numbers the files it exports: 00000012-PHOTO-2023-01-15-21-41-05.jpg.
_IOS_MEDIA_NAME = re.compile(r"^\d{8}-")

_PLACEHOLDER = re.compile(r"^<[^<>]{3,60}>$")
_TRAILING_MARKER = re.compile(r"[\s%s]*(<[^<>]{3,60}>)[\s%s]*$" % (BIDI_MARKS, BIDI_MARKS))
_PHONE = re.compile(r"^\+?[\d\s().\-\u2010-\u2015/]+$")
_MIN_PHONE_DIGITS = 5
# "~ Name": iOS shows a contact missing from the address book by their profile name
# after a tilde and a space (U+0020, U+00A0 or U+202F).
_TILDE_PREFIX = re.compile(r"^~[\s\u00a0\u202f]*")
_QUOTATION_MARK = re.compile("[%s]" % re.escape(QUOTATION_MARKS))


@dataclass
class MessageText:
    """The content of a message and the markers read from it, for the item and the source id."""

    content: str
    has_media: bool = False
    attachments: list[str] = field(default_factory=list)
    caption: str | None = None
    deleted: bool = False
    edited: bool = False

    @property
    def id_text(self) -> str:
        """Text for the source id: media and deletions reduced to language-free tokens."""
        if self.deleted:
            return DELETED_ID_TEXT
        if self.has_media:
            return MEDIA_ID_TEXT
        return self.content


def split_sender(body: str, known_names: Iterable[str] = ()) -> tuple[str, str] | None:
    """Return `(sender as written, text)`, or None when the body has no `Name:` part.

    A name that contains ": " is found only when it is one of `known_names` (the owner,
    the chat's name); any other name ends at the first ": ".
    """
    unprefixed = _TILDE_PREFIX.sub("", body.lstrip(BIDI_MARKS))
    prefix_length = len(body) - len(unprefixed)
    for name in sorted(known_names, key=len, reverse=True):
        if ": " in name and unprefixed.startswith(name + ":"):
            end = prefix_length + len(name)
            return body[:end], body[end + 1 :].removeprefix(" ")

    sender, separator, text = body.partition(": ")
    if separator:
        return sender, text
    if body.endswith(":") and body[:-1].strip():
        return body[:-1], ""
    return None


def clean_sender(raw: str) -> str:
    """Return the display name without direction marks, odd spaces and iOS's "~ " prefix."""
    return _TILDE_PREFIX.sub("", unmark(raw).strip()).strip()


def looks_like_phone(name: str) -> bool:
    digits = sum(c.isdigit() for c in name)
    return digits >= _MIN_PHONE_DIGITS and _PHONE.match(name) is not None


def is_quoting_notice(sender: str) -> bool:
    """Tell whether a would-be sender is the start of a notice quoting a text with a
    colon, as in `Alice changed the subject to "Plans: 2024"`."""
    if _QUOTATION_MARK.search(sender) is None:
        return False
    folded = fold(sender)
    return any(phrase in folded for phrase in QUOTING_NOTICE_PHRASES)


def notice_kind(first_line: str) -> str | None:
    """Return "system notice" or "call notice" for a generated text under a name, else None."""
    folded = fold(first_line)
    if folded.startswith(ENCRYPTION_NOTICES):
        return "system notice"
    if not first_line.lstrip(" ").startswith(LRM):
        return None
    if folded.rstrip(".") in CALL_NOTICES or folded.startswith(CALL_NOTICES):
        return "call notice"
    padded = f" {folded} "
    if any(phrase in padded for phrase in NOTICE_PHRASES):
        return "system notice"
    return None


def read_text(text: str, media_names: frozenset[str] = frozenset()) -> MessageText:
    """Read the media, deletion and edit markers of a message's text.

    `media_names` are the files beside the chat in its zip; they confirm an attachment
    whose label is in a language missing from the phrase tables.
    """
    content, edited = _strip_edited_marker(text.strip(_MARKS_AND_SPACES))
    message = MessageText(content=content, edited=edited)

    if fold(content).rstrip(".") in DELETED_TEXTS:
        message.deleted = True
        return message

    raw_first_line, _, rest = text.strip(" ").partition("\n")
    first_line = raw_first_line.strip(_MARKS_AND_SPACES)
    caption = _strip_edited_marker(rest.strip())[0] or None

    attachment = _android_attachment(first_line, media_names)
    if attachment is not None:
        message.has_media = True
        message.attachments = [attachment]
        message.caption = caption
        return message

    if _is_placeholder(raw_first_line):
        message.has_media = True
        message.caption = caption
        return message

    ios_files = _ios_attachments(content, media_names)
    if ios_files:
        message.has_media = True
        message.attachments = ios_files
        message.caption = _IOS_ATTACHMENT.sub("", unmark(content)).strip() or None
    return message


def _strip_edited_marker(content: str) -> tuple[str, bool]:
    if not content.rstrip(_MARKS_AND_SPACES + "\n").endswith(">"):
        return content, False
    found = _TRAILING_MARKER.search(content)
    if found is None:
        return content, False
    marker = fold(found.group(1))
    if marker in EDITED_MARKERS or any(word in marker for word in EDITED_WORDS):
        return content[: found.start()], True
    return content, False


def _android_attachment(first_line: str, media_names: frozenset[str]) -> str | None:
    found = _ANDROID_ATTACHMENT.match(unmark(first_line))
    if found is None:
        return None
    name = found["file"]
    if fold(found["label"]) in ATTACHED_LABELS or name in media_names or _ANDROID_MEDIA_NAME.match(name):
        return name
    return None


def _is_placeholder(raw_first_line: str) -> bool:
    folded = fold(raw_first_line)
    if folded in MEDIA_OMITTED or folded in MEDIA_OMITTED_IOS:
        return True
    if _PLACEHOLDER.match(folded):
        return any(word in OMITTED_WORDS for word in re.findall(r"\w+", folded))
    # iOS: "‎image omitted", or "Report.pdf • ‎3 pages ‎document omitted" for a document.
    if LRM not in raw_first_line:
        return False
    words = fold(raw_first_line.rpartition(LRM)[2]).split()
    return 1 <= len(words) <= 3 and words[-1] in OMITTED_WORDS


def _ios_attachments(content: str, media_names: frozenset[str]) -> list[str]:
    files = []
    for found in _IOS_ATTACHMENT.finditer(unmark(content)):
        name = found["file"].strip()
        if fold(found["label"]) in ATTACHED_LABELS_IOS or _IOS_MEDIA_NAME.match(name) or name in media_names:
            files.append(name)
    return files
