"""Repair the `\\xHH` escapes that Telegram Desktop writes into its JSON export.

Telegram Desktop's JSON writer (`SerializeString` in
`Telegram/SourceFiles/export/output/export_output_json.cpp`) escapes control characters
below U+0020, other than newline, carriage return and tab, as `\\xHH`. JSON has no such
escape, so strict parsers reject the whole file. `EscapeRepairingReader` wraps the binary
file and rewrites every `\\xHH` escape to `\\u00HH` while the parser streams through it.
"""

from __future__ import annotations

import re
from typing import BinaryIO

# A backslash and the character it escapes. Matches are found from left to right, so an
# escaped backslash (`\\`) is consumed as a pair and the `x41` after it stays literal text.
_ESCAPE = re.compile(rb"\\(?:x([0-9A-Fa-f]{2})|[\s\S])")

# Length of the longest escape `_ESCAPE` matches (`\xHH`). Bytes within this distance of
# the end of a buffer may belong to an escape that the next read completes.
_MAX_ESCAPE_LENGTH = 4

UTF8_BOM = b"\xef\xbb\xbf"
CHUNK_SIZE = 64 * 1024


def _rewrite(match: re.Match[bytes]) -> bytes:
    hex_digits = match.group(1)
    if hex_digits is None:
        return match.group(0)
    return b"\\u00" + hex_digits


def repair_escapes(data: bytes) -> bytes:
    """Return `data` with every unescaped `\\xHH` written as `\\u00HH`."""
    return _ESCAPE.sub(_rewrite, data)


def _safe_cut(buffer: bytes) -> int:
    """Return the largest prefix length of `buffer` that ends outside any escape.

    `buffer` must start outside an escape. An escape starting before the cut is complete,
    because the cut keeps the last `_MAX_ESCAPE_LENGTH - 1` bytes back. When such an escape
    reaches past the cut, the cut moves to its end.
    """
    cut = max(len(buffer) - (_MAX_ESCAPE_LENGTH - 1), 0)
    for match in _ESCAPE.finditer(buffer):
        if match.start() >= cut:
            break
        if match.end() > cut:
            return match.end()
    return cut


class EscapeRepairingReader:
    """A binary file wrapper whose `read` returns the file with `\\xHH` escapes repaired.

    An escape split across two reads of the underlying file is held back until the next
    read completes it. A leading UTF-8 byte order mark is dropped, because JSON parsers
    reject it.
    """

    def __init__(self, raw: BinaryIO, chunk_size: int = CHUNK_SIZE) -> None:
        self._raw = raw
        self._chunk_size = chunk_size
        self._pending = b""
        self._ready = b""
        self._at_start = True
        self._at_eof = False

    def read(self, size: int = -1) -> bytes:
        while not self._at_eof and (size < 0 or len(self._ready) < size):
            self._fill()
        if size < 0:
            size = len(self._ready)
        served, self._ready = self._ready[:size], self._ready[size:]
        return served

    def _fill(self) -> None:
        chunk = self._raw.read(self._chunk_size)
        if not chunk:
            self._at_eof = True
        self._pending += chunk
        if self._at_start:
            if len(self._pending) < len(UTF8_BOM) and not self._at_eof:
                return
            self._pending = self._pending.removeprefix(UTF8_BOM)
            self._at_start = False

        cut = len(self._pending) if self._at_eof else _safe_cut(self._pending)
        self._ready += repair_escapes(self._pending[:cut])
        self._pending = self._pending[cut:]
