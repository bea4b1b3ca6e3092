"""The dead-letter file: records the hub rejected or the reader could not parse.

JSON Lines, appended, one object per record:
`{"item": ..., "errors": [{"field": ..., "message": ...}], "file": ..., "location": ...}`.
`item` is the interaction as sent, or null for a parse error. The file contains private
data, so it is created with mode 0600, and only when there is something to write.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

from bridges.core.summary import pluralize


class DeadLetterFile:
    """Appends rejected records to one JSON Lines file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.written = 0
        # Entries without an item: parse errors and files a reader failed on.
        self.unreadable = 0
        # Entries with an item: interactions the hub rejected or that were too large to send.
        self.rejected = 0
        self._stream: IO[str] | None = None

    def write(self, item: dict[str, Any] | None, errors: list[dict[str, Any]], file: str, location: str) -> None:
        """Append one record and flush, so a killed bridge loses nothing written."""
        if self._stream is None:
            self._stream = self._open()
        entry = {"item": item, "errors": errors, "file": file, "location": location}
        self._stream.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._stream.flush()
        self.written += 1
        if item is None:
            self.unreadable += 1
        else:
            self.rejected += 1

    def describe(self) -> str:
        """Return what this run wrote, such as "2 records that could not be read were written to PATH"."""
        parts = []
        if self.unreadable:
            parts.append(f"{pluralize(self.unreadable, 'record')} that could not be read")
        if self.rejected:
            parts.append(f"{pluralize(self.rejected, 'interaction')} rejected by the hub")
        verb = "was" if self.written == 1 else "were"
        return f"{' and '.join(parts)} {verb} written to {self.path}"

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def _open(self) -> IO[str]:
        if self.path.parent != Path(""):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(descriptor, "a", encoding="utf-8")
