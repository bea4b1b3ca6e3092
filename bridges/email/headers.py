"""Header values of a parsed message, decoded to text: RFC 2047 words, addresses, msg-ids.

Messages are parsed with `email.policy.compat32`, which keeps header values as written
(8-bit bytes survive as surrogate escapes) and does not parse them when they are read.
Decoding is done here, so that adjacent encoded words are joined as bytes before their
charset is applied (RFC 2047 section 6.2), and unknown charsets fall back instead of
raising.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses

from bridges.email.charsets import codec_for, decode_bytes

# RFC 2047 section 2: =?charset?encoding?encoded-text?=, where charset may carry an
# RFC 2231 language suffix ("utf-8*de"). Words inside other text are decoded too,
# because many mailers write them without the surrounding white space.
ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=")
FOLDING = re.compile(r"\r?\n(?=[ \t])")
MSG_ID = re.compile(r"<[^<>]*>")
QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class Address:
    """One mailbox of an address header: the address as written and its decoded name."""

    address: str
    name: str | None


def raw_header(message: Message, name: str) -> str | None:
    """Return the first `name` header, unfolded, with raw 8-bit bytes decoded; None if absent."""
    lower_name = name.lower()
    for key, value in message.raw_items():
        if key.lower() == lower_name:
            return _unfold(recover_8bit(str(value)))
    return None


def recover_8bit(value: str) -> str:
    """Return `value` with raw 8-bit bytes decoded as UTF-8, else windows-1252.

    The bytes parser keeps non-ASCII header bytes as surrogate escapes.
    """
    if value.isascii():
        return value
    try:
        data = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value
    return decode_bytes(data, None)


def _unfold(value: str) -> str:
    return FOLDING.sub("", value).replace("\r", "").replace("\n", "")


def _decode_word(encoding: str, text: str) -> bytes | None:
    if encoding in "Bb":
        padded = text + "=" * (-len(text) % 4)
        try:
            return base64.b64decode(padded, validate=True)
        except (binascii.Error, ValueError):
            return None
    # Q encoding: "_" is a space and =XX a byte; a lone "=" is kept as written.
    data = text.replace("_", " ").encode("ascii", "replace")
    return QP_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), data)


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words in `value`, joining adjacent words of one charset as bytes.

    White space between two encoded words is dropped (RFC 2047 section 6.2). A word with
    invalid base64 stays as written, and an unknown charset falls back as in
    `charsets.decode_bytes`.
    """
    pieces: list[str] = []
    pending: bytearray = bytearray()
    pending_charset: str | None = None
    position = 0
    previous_was_word = False

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending_charset is not None:
            pieces.append(decode_bytes(bytes(pending), pending_charset))
        pending = bytearray()
        pending_charset = None

    for match in ENCODED_WORD.finditer(value):
        gap = value[position : match.start()]
        charset, encoding, text = match.groups()
        data = _decode_word(encoding, text)
        if data is None:
            flush()
            pieces.append(gap + match.group(0))
            previous_was_word = False
            position = match.end()
            continue

        if not (previous_was_word and gap.strip() == ""):
            flush()
            pieces.append(gap)
        label = charset.split("*", 1)[0].lower()
        if pending_charset is not None and codec_for(label) != codec_for(pending_charset):
            flush()
        if pending_charset is None:
            pending_charset = label
        pending.extend(data)
        previous_was_word = True
        position = match.end()

    flush()
    pieces.append(value[position:])
    return "".join(pieces)


def header_text(message: Message, name: str) -> str | None:
    """Return the decoded, unfolded text of a free-text header such as Subject."""
    raw = raw_header(message, name)
    if raw is None:
        return None
    text = " ".join(decode_words(raw).split())
    return text or None


def addresses(message: Message, name: str) -> list[Address]:
    """Return the mailboxes of an address header (From, To, Cc) in header order.

    Entries without an "@" (group names, "undisclosed-recipients:;") are left out.
    """
    values = [_unfold(recover_8bit(str(value))) for key, value in message.raw_items() if key.lower() == name.lower()]
    if not values:
        return []

    result: list[Address] = []
    # Addresses are split before words are decoded, because a decoded name may contain
    # the commas and quotes that separate addresses.
    for raw_name, raw_address in getaddresses(values):
        address = raw_address.strip()
        if "@" not in address:
            continue
        name_text = " ".join(decode_words(raw_name).split()).strip("\"' ")
        result.append(Address(address=address, name=name_text or None))
    return result


def msg_ids(value: str | None) -> list[str]:
    """Return the msg-ids (`<...>`) in a Message-ID, References or In-Reply-To value.

    White space inside an id (left there by folding) is removed. A value with no angle
    brackets at all is taken as one bare id and wrapped in them, as some mailers write it.
    """
    if not value:
        return []
    found = ["".join(match.split()) for match in MSG_ID.findall(value)]
    found = [msg_id for msg_id in found if len(msg_id) > 2]
    if found:
        return found

    bare = value.strip()
    if bare and "<" not in bare and ">" not in bare and len(bare.split()) == 1:
        return [f"<{bare}>"]
    return []
