"""The sqlite-utils side of the ingestion comparison.

sqlite-utils stores each item as one flat row (participants as a JSON column), keyed by
`(source, source_id)`, with an FTS5 table over subject and content. It runs through the
Python API that the `sqlite-utils insert` and `enable-fts` commands call, with the same
durability as the hub (WAL, synchronous=FULL), in transactions of the batch size:

- bulk: `insert` of everything in one transaction, then `enable-fts` (builds the index once);
- incremental: `enable-fts --create-triggers` first, then `insert --ignore` batch by batch,
  the way a bridge would push into it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Iterable

import sqlite_utils

_COLUMNS = {
    "source": str, "source_id": str, "type": str, "occurred_at": str, "direction": str,
    "duration_seconds": int, "subject": str, "content": str, "thread_id": str, "participants": str,
}


def flat_row(item: dict[str, Any]) -> dict[str, Any]:
    row = {name: item.get(name) for name in _COLUMNS}
    row["participants"] = json.dumps(item["participants"], ensure_ascii=False)
    return row


def open_database(path: Path) -> sqlite_utils.Database:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    return sqlite_utils.Database(connection)


def create_table(database: sqlite_utils.Database, *, triggers: bool) -> sqlite_utils.db.Table:
    table = database.table("interactions")
    table.create(_COLUMNS, pk=("source", "source_id"))
    if triggers:
        table.enable_fts(["subject", "content"], fts_version="FTS5", create_triggers=True)
    return table


def insert_bulk(path: Path, rows: list[dict[str, Any]]) -> None:
    """`insert` everything, then `enable-fts`."""
    database = open_database(path)
    table = create_table(database, triggers=False)
    table.insert_all(rows, batch_size=500)
    table.enable_fts(["subject", "content"], fts_version="FTS5")
    database.close()


def insert_incremental(path: Path, batches: Iterable[list[dict[str, Any]]], *, create: bool) -> None:
    """`insert --ignore` one batch per transaction into a table with FTS triggers."""
    database = open_database(path)
    table = create_table(database, triggers=True) if create else database.table("interactions")
    for batch in batches:
        table.insert_all(batch, batch_size=len(batch), ignore=True)
    database.close()
