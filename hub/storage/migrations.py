"""Schema migrations, numbered by SQLite's `user_version`.

Each migration runs in one transaction together with the `user_version` bump, so a failed
migration leaves the previous schema and version intact. Append new migrations; never edit
one that has shipped.
"""

from __future__ import annotations

import logging
import sqlite3

logger = logging.getLogger(__name__)

MIGRATIONS: list[str] = [
    # 1: interactions, contacts, handles, participants, FTS5 index, tokens.
    """
    CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        -- Case-folded name without diacritics, for contact search.
        search_name TEXT NOT NULL,
        -- 1 while the name is only a handle, so a real name seen later replaces it.
        name_is_handle INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        first_interaction_at INTEGER,
        last_interaction_at INTEGER,
        interaction_count INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX contacts_search_name ON contacts (search_name, id);
    CREATE INDEX contacts_last_interaction ON contacts (last_interaction_at, id);

    CREATE TABLE handles (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        contact_id INTEGER NOT NULL REFERENCES contacts (id),
        UNIQUE (kind, value)
    );
    CREATE INDEX handles_contact ON handles (contact_id);

    -- occurred_at is UTC epoch seconds: integer arithmetic for recency is about twice as
    -- cheap as parsing ISO text. utc_offset_minutes keeps the offset the bridge sent.
    CREATE TABLE interactions (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        source_id TEXT NOT NULL,
        type TEXT NOT NULL,
        occurred_at INTEGER NOT NULL,
        utc_offset_minutes INTEGER NOT NULL,
        direction TEXT,
        duration_seconds INTEGER,
        subject TEXT,
        content TEXT,
        thread_id TEXT,
        metadata TEXT NOT NULL DEFAULT '{}',
        participant_count INTEGER NOT NULL,
        ingested_at INTEGER NOT NULL,
        UNIQUE (source, source_id)
    );
    CREATE INDEX interactions_occurred_at ON interactions (occurred_at, id);
    CREATE INDEX interactions_thread ON interactions (thread_id, occurred_at) WHERE thread_id IS NOT NULL;

    CREATE TABLE interaction_participants (
        interaction_id INTEGER NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
        handle_id INTEGER NOT NULL REFERENCES handles (id) ON DELETE CASCADE,
        role TEXT,
        name TEXT,
        PRIMARY KEY (interaction_id, handle_id)
    ) WITHOUT ROWID;
    CREATE INDEX interaction_participants_handle ON interaction_participants (handle_id, interaction_id);

    -- External-content FTS5 table: the text is stored once, in interactions. The writer
    -- feeds it once per transaction, which writes one index segment per transaction
    -- instead of one per row as an AFTER INSERT trigger would.
    CREATE VIRTUAL TABLE interactions_fts USING fts5 (
        subject, content,
        content = 'interactions', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    -- Rank by bm25 with a match in the subject weighing twice one in the content.
    INSERT INTO interactions_fts (interactions_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0)');

    CREATE TABLE tokens (
        id INTEGER PRIMARY KEY,
        key_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL UNIQUE,
        scope TEXT NOT NULL,
        secret_hash BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
    );
    """,
    # 2: login sessions of the web page.
    """
    -- A row per login. The cookie holds a random session id; only its SHA-256 digest is
    -- stored, so a copy of the database cannot be used to take over a session.
    CREATE TABLE web_sessions (
        id INTEGER PRIMARY KEY,
        id_digest BLOB NOT NULL UNIQUE,
        -- "admin" (password or admin token) or "read" (read token: may look, not merge).
        role TEXT NOT NULL,
        -- The API token used to log in, if any: revoking it ends the session too.
        token_key_id TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE INDEX web_sessions_expires ON web_sessions (expires_at);
    """,
    # 3: activity scores (hub/scores/, docs/scores.md).
    """
    -- One row per contact with a score above 0. score_key is the time, in epoch seconds,
    -- at which the score decays to 1 without further interaction:
    -- score(t) = 2 ** ((score_key - t) / half_life). It does not change as time passes,
    -- so the index orders contacts by their score at any time. past_key is the same over
    -- the units dated up to score_state 'past_until' (about 30 days ago; NULL: none), for
    -- the score 30 days ago.
    CREATE TABLE contact_scores (
        contact_id INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
        score_key REAL NOT NULL,
        past_key REAL
    );
    CREATE INDEX contact_scores_key ON contact_scores (score_key, contact_id);
    CREATE INDEX contact_scores_past ON contact_scores (past_key, contact_id);

    -- Units dated later than the moment they were stored. Until its date a unit counts in
    -- full; score_key holds it as if it occurred at anchored_at, reads add the difference,
    -- and the refresh job moves anchored_at forward and drops the row once the date passed.
    CREATE TABLE score_future_units (
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        interaction_id INTEGER NOT NULL,
        occurred_at INTEGER NOT NULL,
        anchored_at REAL NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (contact_id, interaction_id)
    ) WITHOUT ROWID;

    -- The scoring parameters the keys were computed with, past_until, and when each
    -- job last ran.
    CREATE TABLE score_state (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 4: search keys ordered by time as the FTS5 rowids (hub/search/keys.py); rebuilds the index.
    """
    -- occurred_at * 2**24 + slot, unique. The writer sets it in the transaction that stores
    -- the row (hub/ingest/store.py); NULL is never committed, but SQLite cannot add a NOT
    -- NULL column without rebuilding the table. Here the slots number the interactions of
    -- each second in id order.
    ALTER TABLE interactions ADD COLUMN search_key INTEGER;
    UPDATE interactions SET search_key = numbered.search_key
        FROM (SELECT id, occurred_at * 16777216
                         + row_number() OVER (PARTITION BY occurred_at ORDER BY id) - 1 AS search_key
              FROM interactions) AS numbered
        WHERE numbered.id = interactions.id;
    CREATE UNIQUE INDEX interactions_search_key ON interactions (search_key);

    DROP TABLE interactions_fts;
    -- prefix = '2 3': prefix queries of two and three letters read one term of a prefix
    -- index instead of merging the doclists of every word that starts with those letters.
    CREATE VIRTUAL TABLE interactions_fts USING fts5 (
        subject, content,
        content = 'interactions', content_rowid = 'search_key',
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
    );
    INSERT INTO interactions_fts (interactions_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0)');
    INSERT INTO interactions_fts (interactions_fts) VALUES ('rebuild');
    """,
]

LATEST_VERSION = len(MIGRATIONS)
# The migration that rebuilds the FTS5 index, and how long it took for 1,000,000
# generated interactions on 2 shared cores (docs/benchmarks.md, Search).
_FTS_REBUILD = 4
_REBUILD_TIME = "40 s"


class MigrationError(Exception):
    """A migration failed or the database is newer than this program."""


def schema_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def migrate(connection: sqlite3.Connection, migrations: list[str] | None = None) -> int:
    """Apply pending migrations, each in its own transaction; return the final version."""
    steps = MIGRATIONS if migrations is None else migrations
    version = schema_version(connection)
    if version > len(steps):
        raise MigrationError(
            f"database schema version {version} is newer than this program ({len(steps)}); "
            "upgrade cardmunk-hub"
        )

    for number in range(version + 1, len(steps) + 1):
        if number == _FTS_REBUILD and version >= 1:
            count = connection.execute("SELECT count(*) FROM interactions").fetchone()[0]
            logger.info("applying schema migration %d: rebuilding the full-text index of %d interactions"
                        " (about %s per million; the hub starts when it is done)", number, count, _REBUILD_TIME)
        else:
            logger.info("applying schema migration %d", number)
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in _split_statements(steps[number - 1]):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")
            connection.execute("COMMIT")
        except sqlite3.Error as exc:
            connection.execute("ROLLBACK")
            raise MigrationError(f"schema migration {number} failed: {exc}") from exc
    return len(steps)


def _split_statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit on its own)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
