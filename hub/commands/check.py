"""`cardmunk-hub check`: validate settings and the database, print a short report.

The check changes nothing: a missing database is reported, not created, and pending schema
migrations are listed for `serve` to apply.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

from bot.app_setup import check_settings
from bot.settings import TOKEN_ENVIRONMENT_VARIABLE
from hub.contacts.handles import InvalidHandle
from hub.ingest.validate import OwnerHandles
from hub.settings import Settings, SettingsError
from hub.storage.migrations import LATEST_VERSION, schema_version


def run(args: argparse.Namespace, settings: Settings) -> int:
    problems: list[str] = []
    print(f"config: ok (database {settings.database.path}, listening on "
          f"{settings.server.host}:{settings.server.port})")

    try:
        OwnerHandles(settings.owner.handles, settings.owner.phone_region)
        print(f"owner handles: {len(settings.owner.handles)} configured")
    except InvalidHandle as exc:
        problems.append(f"owner.handles: a handle {exc}")

    if os.environ.get(TOKEN_ENVIRONMENT_VARIABLE, "").strip():
        try:
            check_settings(settings.telegram)
            print(f"telegram bot: on ({settings.telegram.mode}, {len(settings.telegram.owner_ids)} owner ids)")
        except SettingsError as exc:
            problems.append(str(exc))
    else:
        print(f"telegram bot: off ({TOKEN_ENVIRONMENT_VARIABLE} is not set)")

    _check_database(settings.database.path, problems)

    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    print("check: ok" if not problems else f"check: {len(problems)} problem{'s' if len(problems) > 1 else ''}")
    return 0 if not problems else 1


def _check_database(path: Path, problems: list[str]) -> None:
    if not path.exists():
        problems.append(f"database {path} does not exist; `cardmunk-hub serve` creates it on its first start")
        return
    try:
        # mode=rw never creates the file; nothing below writes (FTS5's integrity-check only
        # reads, but SQLite refuses it on a read-only connection).
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
    except sqlite3.Error as exc:
        problems.append(f"database {path}: cannot open: {exc}")
        return
    try:
        _check_contents(connection, problems)
    except sqlite3.DatabaseError as exc:
        problems.append(f"database {path}: {exc}")
    finally:
        connection.close()


def _check_contents(connection: sqlite3.Connection, problems: list[str]) -> None:
    version = schema_version(connection)
    if version > LATEST_VERSION:
        problems.append(f"schema version {version} is newer than this program ({LATEST_VERSION}); upgrade cardmunk-hub")
        return
    pending = LATEST_VERSION - version
    print(f"schema: version {version} of {LATEST_VERSION}"
          + (f" ({pending} migration{'s' if pending > 1 else ''} pending; `serve` applies them)" if pending else ""))

    result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        problems.append(f"SQLite integrity check: {result}")
    if version == 0:
        return
    try:
        # The 'integrity-check' command writes nothing; it compares the index with the table.
        connection.execute("INSERT INTO interactions_fts (interactions_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as exc:
        problems.append(f"FTS5 index does not match the interactions: {exc}")

    counts = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("interactions", "contacts", "handles", "tokens")}
    print("rows: " + ", ".join(f"{n} {table}" for table, n in counts.items()))
    if counts["tokens"] == 0:
        print("note: no API tokens yet; create one with `cardmunk-hub token create --scope ingest --name NAME`")
