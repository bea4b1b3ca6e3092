"""A write connection for commands that run beside (or without) `serve`."""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Iterator

from hub.settings import Settings
from hub.storage.connection import open_connection
from hub.storage.migrations import migrate


@contextlib.contextmanager
def write_transaction(settings: Settings) -> Iterator[sqlite3.Connection]:
    """Open the database, migrate it, and run the block in BEGIN IMMEDIATE ... COMMIT."""
    connection = open_connection(settings.database.path, settings.database.busy_timeout_ms)
    try:
        migrate(connection)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    finally:
        connection.close()
