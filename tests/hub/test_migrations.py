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
