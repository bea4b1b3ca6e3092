"""Numbered lines of a file or of standard input, yielded as they arrive.

`signal-cli -o json receive` writes one JSON object per line and, in `--timeout -1` or
daemon mode, keeps running. Reading standard input line by line lets
`signal-cli -o json receive | cardmunk-bridge signal -` push each message as it comes.
"""

from __future__ import annotations

import sys
from typing import Iterator

STDIN_PATH = "-"


def numbered_lines(path: str) -> Iterator[tuple[int, bytes]]:
    """Yield `(line number, raw line)` pairs, from 1; raise OSError if `path` cannot be opened.

    Standard input is read without closing it. Iterating a binary stream returns each line
    as soon as its newline arrives, without waiting for a full buffer.
    """
    if path == STDIN_PATH:
        yield from enumerate(sys.stdin.buffer, start=1)
        return
    with open(path, "rb") as stream:
        yield from enumerate(stream, start=1)
