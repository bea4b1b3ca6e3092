"""Storage failures that callers turn into HTTP statuses."""

from __future__ import annotations

import sqlite3


class StorageUnavailable(Exception):
    """The database cannot take the write now (disk full, I/O error, lock timeout).

    Nothing of the failed transaction was kept; the client may retry later.
    """


class QueryTimeout(Exception):
    """A read query ran past its time budget and was interrupted."""


def is_storage_failure(exc: BaseException) -> bool:
    """Tell storage-level failures (retryable) from programming errors (bugs)."""
    if isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)):
        return False
    return isinstance(exc, (sqlite3.OperationalError, sqlite3.DatabaseError, OSError))
