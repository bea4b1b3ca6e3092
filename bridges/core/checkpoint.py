"""The checkpoint file: how many records of each input file the hub has acknowledged.

A re-run skips that many records of an unchanged file and skips a finished unchanged file
entirely, so a bridge killed half-way resumes where it stopped. A file counts as unchanged
while its fingerprint (size, modification time and a hash of its first and last 64 KiB)
stays the same. Entries are grouped by scope (source, hub and the options that change what
a reader yields), so a run against another hub or with another --since starts afresh.

The file is JSON, written atomically (temporary file, fsync, rename) under an exclusive
lock, and merged with what is on disk at each save, so two bridges sharing one checkpoint
file keep each other's entries. Only regular files are checkpointed: standard input and
other streams have no fingerprint.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import stat
import tempfile
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
FINGERPRINT_CHUNK_BYTES = 64 * 1024


def fingerprint(path: str) -> str | None:
    """Return `size:mtime_ns:hash` for a regular file, or None for anything else."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None

    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        digest.update(stream.read(FINGERPRINT_CHUNK_BYTES))
        if status.st_size > FINGERPRINT_CHUNK_BYTES:
            # Files up to 128 KiB are hashed whole; larger ones by their head and tail.
            stream.seek(max(FINGERPRINT_CHUNK_BYTES, status.st_size - FINGERPRINT_CHUNK_BYTES))
            digest.update(stream.read(FINGERPRINT_CHUNK_BYTES))
    return f"{status.st_size}:{status.st_mtime_ns}:{digest.hexdigest()[:32]}"


def scope_key(source: str, hub: str, settings: dict[str, Any]) -> str:
    """Return a scope name such as `email http://127.0.0.1:8080 3f2a9c1e0b4d5a6f`.

    `settings` contains the options that change a reader's output; only their hash is stored,
    so the owner's handles never appear in the file.
    """
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()
    return f"{source} {hub} {digest[:16]}"


@dataclass(frozen=True)
class FileProgress:
    """One input file's entry: records acknowledged so far and whether the file is done."""

    fingerprint: str
    records_done: int
    complete: bool


class CheckpointFile:
    """The entries of one scope in one checkpoint file."""

    def __init__(self, path: Path, scope: str) -> None:
        self.path = path
        self.scope = scope
        self._entries: dict[str, FileProgress] = {}
        self._changed: dict[str, FileProgress] = {}

    def load(self) -> None:
        """Read this scope's entries; a missing or unreadable file means no entries."""
        scope = _read_document(self.path).get("scopes", {}).get(self.scope, {})
        for file, entry in scope.get("files", {}).items():
            try:
                self._entries[file] = FileProgress(
                    fingerprint=str(entry["fingerprint"]),
                    records_done=int(entry["records_done"]),
                    complete=bool(entry["complete"]),
                )
            except (KeyError, TypeError, ValueError):
                logger.warning("ignoring a malformed entry in the checkpoint file %s", self.path)

    def progress_for(self, file: str, current_fingerprint: str) -> FileProgress | None:
        """Return the entry for `file` if the file is unchanged since it was written."""
        entry = self._entries.get(file)
        if entry is None or entry.fingerprint != current_fingerprint:
            return None
        return entry

    def update(self, file: str, progress: FileProgress) -> None:
        """Record progress in memory; `save` writes it."""
        self._entries[file] = progress
        self._changed[file] = progress

    def save(self) -> None:
        """Merge the changed entries into the file on disk, atomically and under a lock."""
        if not self._changed:
            return
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with _locked(self.path):
            document = _read_document(self.path)
            document["version"] = FORMAT_VERSION
            scope = document.setdefault("scopes", {}).setdefault(self.scope, {})
            files = scope.setdefault("files", {})
            now = datetime.now(timezone.utc).isoformat(timespec="seconds")
            for file, progress in self._changed.items():
                files[file] = {**asdict(progress), "updated_at": now}
            _write_atomically(self.path, json.dumps(document, indent=1, ensure_ascii=False))
        self._changed.clear()


def _read_document(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        logger.warning("cannot read the checkpoint file %s (%s); starting without it", path, exc)
        return {}
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        logger.warning("the checkpoint file %s has an unknown format; starting without it", path)
        return {}
    return document


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _write_atomically(path: Path, text: str) -> None:
    # mkstemp creates the file with mode 0600: the checkpoint lists the paths of private exports.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # makes the rename itself durable
    finally:
        os.close(directory)
