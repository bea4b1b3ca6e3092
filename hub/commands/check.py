"""`cardmunk-hub check`: validate settings and the database, print a short report."""

from __future__ import annotations

import argparse
import sqlite3
import sys

from hub.contacts.handles import InvalidHandle
from hub.ingest.validate import OwnerHandles
from hub.settings import Settings
from hub.storage.connection import open_connection
from hub.storage.migrations import LATEST_VERSION, MigrationError, migrate


def run(args: argparse.Namespace, settings: Settings) -> int:
    problems: list[str] = []
    print(f"config: ok (database {settings.database.path}, listening on "
          f"{settings.server.host}:{settings.server.port})")

    try:
        OwnerHandles(settings.owner.handles, settings.owner.phone_region)
        print(f"owner handles: {len(settings.owner.handles)} configured")
    except InvalidHandle as exc:
        problems.append(f"owner.handles: a handle {exc}")

    try:
        connection = open_connection(settings.database.path, settings.database.busy_timeout_ms)
    except (sqlite3.Error, OSError) as exc:
        problems.append(f"database {settings.database.path}: cannot open: {exc}")
    else:
        try:
            _check_database(connection, problems)
        finally:
            connection.close()

    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    print("check: ok" if not problems else f"check: {len(problems)} problem(s)")
    return 0 if not problems else 1


def _check_database(connection: sqlite3.Connection, problems: list[str]) -> None:
    try:
        version = migrate(connection)
        print(f"schema: version {version} (latest {LATEST_VERSION})")
    except MigrationError as exc:
        problems.append(str(exc))
        return

    result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        problems.append(f"SQLite integrity check: {result}")
    try:
        connection.execute("INSERT INTO interactions_fts (interactions_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as exc:
        problems.append(f"FTS5 index does not match the interactions: {exc}")

    counts = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("interactions", "contacts", "handles", "tokens")}
    print("rows: " + ", ".join(f"{n} {table}" for table, n in counts.items()))
    if counts["tokens"] == 0:
        print("note: no API tokens yet; create one with `cardmunk-hub token create --scope ingest --name NAME`")
