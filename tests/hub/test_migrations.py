import logging
import sqlite3
from pathlib import Path

import pytest

from hub.storage.connection import open_connection
from hub.storage.migrations import LATEST_VERSION, MIGRATIONS, MigrationError, migrate, schema_version


def test_migrates_empty_file(tmp_path: Path) -> None:
    connection = open_connection(tmp_path / "new.db", 1000)

    assert migrate(connection) == LATEST_VERSION
    assert schema_version(connection) == LATEST_VERSION
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"interactions", "contacts", "handles", "interaction_participants", "interactions_fts", "tokens"} <= tables
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    connection = open_connection(tmp_path / "db", 1000)
    migrate(connection)

    assert migrate(connection) == LATEST_VERSION


def test_failed_migration_keeps_old_schema(tmp_path: Path) -> None:
    connection = open_connection(tmp_path / "db", 1000)
    migrate(connection)
    broken = [*MIGRATIONS, "CREATE TABLE extra (x INTEGER); INSERT INTO no_such_table VALUES (1);"]

    with pytest.raises(MigrationError, match=f"migration {LATEST_VERSION + 1} failed"):
        migrate(connection, broken)

    assert schema_version(connection) == LATEST_VERSION
    names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "extra" not in names


def test_newer_database_rejected(tmp_path: Path) -> None:
    connection = open_connection(tmp_path / "db", 1000)
    connection.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")

    with pytest.raises(MigrationError, match="newer than this program"):
        migrate(connection)


def test_migration_survives_other_connection(tmp_path: Path) -> None:
    path = tmp_path / "db"
    migrate(open_connection(path, 1000))

    with sqlite3.connect(path) as other:
        assert other.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


def version_3_database(path: Path, rows: list[tuple[int, int, str]]) -> sqlite3.Connection:
    """A database at schema version 3 with (id, occurred_at, content) rows indexed by id."""
    connection = open_connection(path, 1000)
    migrate(connection, MIGRATIONS[:3])
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO interactions (id, source, source_id, type, occurred_at, utc_offset_minutes, content,"
        " participant_count, ingested_at) VALUES (?, 'email', ?, 'email', ?, 0, ?, 0, 0)",
        [(row_id, f"r{row_id}", occurred_at, content) for row_id, occurred_at, content in rows],
    )
    connection.execute("INSERT INTO interactions_fts (rowid, subject, content) SELECT id, subject, content FROM interactions")
    connection.execute("COMMIT")
    return connection


# Pushed out of time order, with two rows in one second, and the first and last years.
OLD_ROWS = [(1, 1_700_000_000, "alpha shared"), (2, 1_600_000_000, "beta shared"),
            (3, 1_700_000_000, "gamma shared"), (4, -62_135_596_800, "delta shared"),
            (5, 253_402_300_799, "epsilon shared")]


def test_search_key_migration_keeps_rows_searchable(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    connection = version_3_database(tmp_path / "db", OLD_ROWS)

    with caplog.at_level(logging.INFO, logger="hub.storage.migrations"):
        migrate(connection)

    assert schema_version(connection) == LATEST_VERSION
    rebuild_lines = [r.getMessage() for r in caplog.records if "rebuilding the full-text index" in r.getMessage()]
    assert len(rebuild_lines) == 1
    assert "of 5 interactions" in rebuild_lines[0]
    connection.execute("INSERT INTO interactions_fts (interactions_fts) VALUES ('integrity-check')")
    for row_id, _, content in OLD_ROWS:
        word = content.split()[0]
        found = connection.execute(
            "SELECT i.id FROM interactions_fts JOIN interactions i ON i.search_key = interactions_fts.rowid"
            " WHERE interactions_fts MATCH ?", (word,)).fetchall()
        assert [tuple(row) for row in found] == [(row_id,)], word
    newest = [row[0] for row in connection.execute(
        "SELECT i.id FROM interactions_fts JOIN interactions i ON i.search_key = interactions_fts.rowid"
        " WHERE interactions_fts MATCH 'shared' ORDER BY interactions_fts.rowid DESC")]
    assert newest == [5, 3, 1, 2, 4]


def test_failed_key_migration_keeps_old_index(tmp_path: Path) -> None:
    connection = version_3_database(tmp_path / "db", OLD_ROWS)
    broken = [*MIGRATIONS[:3], MIGRATIONS[3] + "\nINSERT INTO no_such_table VALUES (1);\n"]

    with pytest.raises(MigrationError, match="migration 4 failed"):
        migrate(connection, broken)

    assert schema_version(connection) == 3
    columns = {row[1] for row in connection.execute("PRAGMA table_info(interactions)")}
    assert "search_key" not in columns
    connection.execute("INSERT INTO interactions_fts (interactions_fts) VALUES ('integrity-check')")
    found = connection.execute("SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH 'shared'"
                               " ORDER BY rowid").fetchall()
    assert [row[0] for row in found] == [1, 2, 3, 4, 5]
    assert migrate(connection) == LATEST_VERSION
