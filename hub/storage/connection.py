"""Open SQLite connections with the pragmas every hub connection needs.

WAL with `synchronous=FULL`: in WAL mode `NORMAL` skips the fsync of the WAL at each
commit, so a power cut can lose commits that were already acknowledged to a bridge.
`FULL` syncs the WAL on every commit, which is what "a response is sent only after
COMMIT" needs to mean.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

# Checkpointing every 10,000 pages instead of SQLite's default 1,000 keeps the writer from
# stalling on checkpoints in the middle of large imports.
WAL_AUTOCHECKPOINT_PAGES = 10_000


def connection_pragmas(busy_timeout_ms: int) -> list[str]:
    return [
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=FULL",
        f"PRAGMA busy_timeout={int(busy_timeout_ms)}",
        "PRAGMA foreign_keys=ON",
        f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}",
        # Deleted rows are overwritten with zeros, so an erased contact's messages do not
        # linger in free pages of the database file.
        "PRAGMA secure_delete=ON",
    ]


def open_connection(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
    """Open a connection in autocommit mode; callers issue BEGIN IMMEDIATE themselves.

    A new database (and its folder) is readable by its owner only: it holds every message.
    SQLite gives the -wal and -shm files the database file's permissions.
    """
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    connection = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, timeout=busy_timeout_ms / 1000
    )
    connection.row_factory = sqlite3.Row
    for pragma in connection_pragmas(busy_timeout_ms):
        connection.execute(pragma)
    return connection
