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


class DeadLetterFile:
    """Appends rejected records to one JSON Lines file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.written = 0
        self._stream: IO[str] | None = None

    def write(self, item: dict[str, Any] | None, errors: list[dict[str, Any]], file: str, location: str) -> None:
        """Append one record and flush, so a killed bridge loses nothing written."""
        if self._stream is None:
            self._stream = self._open()
        entry = {"item": item, "errors": errors, "file": file, "location": location}
        self._stream.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._stream.flush()
        self.written += 1

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def _open(self) -> IO[str]:
        if self.path.parent != Path(""):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(descriptor, "a", encoding="utf-8")
