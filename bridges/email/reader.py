"""The email reader: every message under a path, as interaction items.

Reading takes two passes over the input. The first reads only headers and fills the
Message-ID index (see `bridges.email.identity`), so that a Message-ID shared by
different messages resolves the same way whatever their order. The second builds the
items. Both passes stream, so an mbox of any size is never held in memory whole.
"""

from __future__ import annotations

import logging
from email.errors import MessageError
from typing import Iterator

from bridges.core.records import ParseError, ReadOptions, Record
from bridges.email.identity import MessageIdIndex
from bridges.email.message import build_record, parse_message, read_headers, sender_address
from bridges.email.sources import RawMessage, iter_messages

logger = logging.getLogger(__name__)

# Exceptions that Python's email package and the decoders can raise on malformed input
# despite their leniency. The message becomes a ParseError, and the rest are read.
MESSAGE_FAILURES = (MessageError, ValueError, LookupError, IndexError, TypeError, AttributeError, RecursionError)


def read(path: str, options: ReadOptions) -> Iterator[Record]:
    """Yield one record per message under `path` (mbox, Maildir, .eml folder or .eml file)."""
    index = _index_message_ids(path, options)

    count = 0
    for raw in iter_messages(path):
        if isinstance(raw, ParseError):
            yield raw
            continue
        count += 1
        yield _record_or_error(raw, options, index)
    logger.debug("read %d messages from %s", count, path)


def _index_message_ids(path: str, options: ReadOptions) -> MessageIdIndex:
    index = MessageIdIndex()
    for raw in iter_messages(path, headers_only=True):
        if not isinstance(raw, RawMessage):
            continue
        try:
            headers = read_headers(parse_message(raw.data, headers_only=True), options)
        except MESSAGE_FAILURES:
            continue  # The second pass reports this message.
        if headers.message_id is not None and headers.date is not None:
            index.add(headers.message_id, int(headers.date.value.timestamp()), sender_address(headers))
    return index


def _record_or_error(raw: RawMessage, options: ReadOptions, index: MessageIdIndex) -> Record:
    try:
        return build_record(raw, options, index)
    except MESSAGE_FAILURES as exc:
        # Only the exception's type: its text may quote the message.
        logger.debug("message at %s %s failed: %s", raw.path, raw.location, type(exc).__name__)
        return ParseError(raw.path, raw.location, f"message cannot be parsed ({type(exc).__name__})")
