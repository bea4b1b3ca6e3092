"""Read a Telegram Desktop JSON export (`result.json`) into interactions.

The file is streamed with ijson, so a whole-account export of hundreds of megabytes is
read one message at a time. The `\\xHH` escapes that some exporter versions write are
repaired on the way (see `escapes`).
"""

from __future__ import annotations

from typing import Iterator

import ijson

from bridges.core.records import ParseError, ReadOptions, Record
from bridges.telegram.convert import MessageContext, convert_message
from bridges.telegram.escapes import EscapeRepairingReader
from bridges.telegram.owner import Owner
from bridges.telegram.stream import ChatMessage, ChatStart, PersonalInformation, walk_export

# yajl's error message quotes the JSON around the fault, which may be message content:
# only its first line, a fixed description, goes into the parse error.
MAX_ERROR_CHARS = 120


def read(path: str, options: ReadOptions) -> Iterator[Record]:
    """Yield one record per message of the export at `path`, in file order."""
    try:
        raw = open(path, "rb")
    except OSError as exc:
        yield ParseError(path, "file", f"cannot open the file: {exc.strerror}")
        return

    with raw:
        yield from _read_export(path, EscapeRepairingReader(raw), options)


def _read_export(path: str, source: EscapeRepairingReader, options: ReadOptions) -> Iterator[Record]:
    owner = Owner.from_me(options.me)
    chats = 0
    messages = 0
    try:
        for entry in walk_export(ijson.parse(source, use_float=True)):
            if isinstance(entry, PersonalInformation):
                owner = owner.with_personal_information(entry.fields)
            elif isinstance(entry, ChatStart):
                chats += 1
            elif isinstance(entry, ChatMessage):
                messages += 1
                yield convert_message(MessageContext(path, entry.chat, owner, options), entry.message)
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        yield ParseError(path, f"after message {messages}", f"invalid JSON, rest of the file not read: {_first_line(exc)}")
        return
    except OSError as exc:
        yield ParseError(path, f"after message {messages}", f"reading the file failed: {exc.strerror}")
        return

    if chats == 0:
        yield ParseError(path, "file", "not a Telegram Desktop JSON export: no chat with a messages list")


def _first_line(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "text is not UTF-8"
    lines = str(error).strip().splitlines()
    return lines[0][:MAX_ERROR_CHARS] if lines else type(error).__name__
