"""Streaming split of an mbox file into messages, robust to unescaped "From " lines.

An mbox is a sequence of messages, each introduced by a separator line beginning with
"From ". Writers disagree on the rest of that line: `From alice@example.com Mon Mar  4
09:15:00 2024` (mboxo and mboxrd), `From - Mon Mar 04 09:15:00 2024` (Thunderbird),
`From 1234@xxx Mon Mar 04 09:15:00 +0000 2024` (Google Takeout), and a bare `From `.
Many writers (mboxo) do not escape body lines that begin with "From ". Such a line
cannot be distinguished from a separator by its own text, and Python's `mailbox.mbox`
splits the message there.

Here a "From " line separates messages only when it starts the file or follows a blank
line, and the lines after it form a plausible header block: the first is a header field
("Name: value"), one of the fields is one that every delivered message has (From,
Date, Message-ID, Received...), and the block either runs up to a blank line in fields
and folded continuations or has at least three fields before its first other line. A
body paragraph that begins with "From " and is followed by lines that look like such a
header block is still split there; no rule can tell the two apart.

When the header block has a Content-Length field (mboxcl2, written by Solaris mail and
some MTAs), the body is exactly that many bytes if a separator or the end of the file
follows them, and no "From " line inside it is considered. Otherwise body lines that
begin with ">From " (">>From "...) lose one ">" (mboxrd un-escaping); in mboxo files
this also changes a line that was written as ">From " originally, which is rare.

The file is read line by line and one message is in memory at a time, so files of any
size can be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO, Iterator

SEPARATOR_PREFIX = b"From "
HEADER_FIELD = re.compile(rb"^[!-9;-~]+[ \t]*:")
CONTINUATION = re.compile(rb"^[ \t]")
ESCAPED_FROM = re.compile(rb"^>(>*From )")
CONTENT_LENGTH = re.compile(rb"^Content-Length[ \t]*:[ \t]*(\d+)[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)

# Fields at least one of which every delivered or saved message carries. Thunderbird
# puts X-Mozilla-Status first; Google Takeout puts X-GM-THRID and X-Gmail-Labels first.
MESSAGE_FIELDS = {
    b"from", b"date", b"message-id", b"received", b"return-path", b"delivered-to",
    b"x-mozilla-status", b"x-gm-thrid", b"x-gmail-labels",
}

# Bounds of the look-ahead that checks a header block. Real header blocks are far
# smaller, and the bound stops a "From " line in a huge body from being read to its end.
MAX_HEADER_LINES = 2000
# A header block cut short by a line that is neither a field nor a continuation (from a
# mailer that did not fold a long value) still counts when it has this many distinct
# fields. A body paragraph that looks like one or two fields does not.
MIN_FIELDS_BEFORE_BROKEN_LINE = 3
MAX_HEADER_BYTES = 1024 * 1024


@dataclass(frozen=True)
class MboxMessage:
    """One message of an mbox: its bytes without the separator line, and where it starts."""

    # 1-based line number of the "From " separator line.
    line: int
    data: bytes


@dataclass(frozen=True)
class Preamble:
    """Text before the first separator line, which belongs to no message."""

    line: int


def is_blank(line: bytes) -> bool:
    return line.strip(b" \t\r\n") == b""


def _field_name(line: bytes) -> bytes | None:
    match = HEADER_FIELD.match(line)
    if match is None:
        return None
    return match.group(0).rstrip(b": \t").lower()


def _header_block_follows(stream: BinaryIO) -> bool:
    """Tell whether the lines at the stream's position form a plausible header block.

    The stream position is restored.
    """
    start = stream.tell()
    try:
        names: set[bytes] = set()
        ended_cleanly = False
        size = 0
        for _ in range(MAX_HEADER_LINES):
            line = stream.readline()
            size += len(line)
            if not line or is_blank(line):
                ended_cleanly = True
                break
            name = _field_name(line)
            if name is not None:
                names.add(name)
            elif not names or not CONTINUATION.match(line):
                break
            if size > MAX_HEADER_BYTES:
                break
        if names.isdisjoint(MESSAGE_FIELDS):
            return False
        return ended_cleanly or len(names) >= MIN_FIELDS_BEFORE_BROKEN_LINE
    finally:
        stream.seek(start)


def _body_ends_at(stream: BinaryIO, offset: int) -> bool:
    """Tell whether a Content-Length body ending at `offset` is followed by a separator or EOF."""
    start = stream.tell()
    try:
        stream.seek(offset)
        line = stream.readline()
        if line and is_blank(line):
            line = stream.readline()
        if not line:
            return True
        return line.startswith(SEPARATOR_PREFIX) and _header_block_follows(stream)
    finally:
        stream.seek(start)


class _Splitter:
    def __init__(self, stream: BinaryIO, headers_only: bool) -> None:
        self.stream = stream
        self.headers_only = headers_only
        self.line_number = 0
        self.preamble_line: int | None = None

    def readline(self) -> bytes:
        line = self.stream.readline()
        if line:
            self.line_number += 1
        return line

    def messages(self) -> Iterator[MboxMessage | Preamble]:
        previous_blank = True
        start_line = 0
        header = b""
        body: list[bytes] | None = None

        while line := self.readline():
            if line.startswith(SEPARATOR_PREFIX) and previous_blank and _header_block_follows(self.stream):
                if body is not None:
                    yield self._finish(start_line, header, body)
                elif self.preamble_line is not None and start_line == 0:
                    yield Preamble(self.preamble_line)
                start_line = self.line_number
                header = self._read_header_block()
                body = []
                previous_blank = True
                length = self._content_length(header)
                if length is not None and _body_ends_at(self.stream, self.stream.tell() + length):
                    yield MboxMessage(start_line, header + self._read_exact(length))
                    body = None
                continue

            if body is None:
                if start_line == 0 and self.preamble_line is None and not is_blank(line):
                    self.preamble_line = self.line_number
            elif not self.headers_only:
                body.append(line)
            previous_blank = is_blank(line)

        if body is not None:
            yield self._finish(start_line, header, body)
        elif self.preamble_line is not None and start_line == 0:
            yield Preamble(self.preamble_line)

    def _read_header_block(self) -> bytes:
        lines: list[bytes] = []
        while True:
            position = self.stream.tell()
            line = self.readline()
            if not line:
                break
            if is_blank(line):
                lines.append(line)
                break
            if _field_name(line) is None and not CONTINUATION.match(line):
                # A line that is neither a field nor a continuation starts the body, as
                # RFC 5322 parsers such as Python's email package treat it.
                self.stream.seek(position)
                self.line_number -= 1
                break
            lines.append(line)
        return b"".join(lines)

    @staticmethod
    def _content_length(header: bytes) -> int | None:
        match = CONTENT_LENGTH.search(header)
        return int(match.group(1)) if match else None

    def _read_exact(self, length: int) -> bytes:
        if self.headers_only:
            self.stream.seek(length, 1)
            data = b""
        else:
            data = self.stream.read(length)
            self.line_number += data.count(b"\n")
        # The blank line that ends an mboxcl2 message is not part of its body.
        position = self.stream.tell()
        line = self.readline()
        if line and not is_blank(line):
            self.stream.seek(position)
            self.line_number -= 1
        return data

    def _finish(self, start_line: int, header: bytes, body: list[bytes]) -> MboxMessage:
        # The blank line before the next separator belongs to the mbox format, not to the
        # message.
        if body and is_blank(body[-1]):
            body.pop()
        unescaped = [ESCAPED_FROM.sub(rb"\1", line) if line.startswith(b">") else line for line in body]
        return MboxMessage(start_line, header + b"".join(unescaped))


def split_mbox(stream: BinaryIO, headers_only: bool = False) -> Iterator[MboxMessage | Preamble]:
    """Yield the messages of an mbox opened in binary mode, in file order.

    Text before the first separator is reported once as a `Preamble`.

    With `headers_only`, each message's data ends after its header block, which saves
    building bodies when only headers are needed.
    """
    yield from _Splitter(stream, headers_only).messages()


def starts_like_mbox(head: bytes) -> bool:
    """Tell whether the first bytes of a file look like an mbox (a "From " line, then a field)."""
    lines = head.split(b"\n", 2)
    return len(lines) >= 2 and lines[0].startswith(SEPARATOR_PREFIX) and _field_name(lines[1]) is not None
