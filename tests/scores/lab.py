"""A hub database driven synchronously: real ingestion, real score hooks, a chosen clock."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from hub.contacts import edits
from hub.ingest.store import store_items
from hub.ingest.validate import OwnerHandles, ValidItem, validate_item
from hub.scores.incremental import apply_ingested, recompute_contacts, remove_contacts
from hub.scores.model import Interaction, ScoreModel, Unit, score_as_of
from hub.scores.queries import ranked_scores
from hub.scores.recompute import recompute_all, refresh, stored_scores
from hub.scores.settings import ScoresSettings
from hub.settings import Settings
from hub.storage.connection import open_connection
from hub.storage.migrations import migrate
from hub.storage.readers import ReadPool
from hub.storage.writer import Transaction

START = 1_700_000_000  # 2023-11-14T22:13:20Z


def message(source_id: str, at: int, handles: list[str], *, thread: str | None = "chat", type_: str = "message",
            source: str = "whatsapp") -> dict[str, Any]:
    """An interaction item with the given phone handles as participants."""
    item: dict[str, Any] = {
        "source": source,
        "source_id": source_id,
        "type": type_,
        "occurred_at": datetime.fromtimestamp(at, timezone.utc).isoformat(),
        "participants": [{"handle": handle, "kind": "phone", "role": "to"} for handle in handles],
    }
    if thread is not None:
        item["thread_id"] = thread
    return item


class Lab:
    """One temporary hub database with the score hooks of `settings`."""

    def __init__(self, settings: ScoresSettings | None = None) -> None:
        self._directory = tempfile.TemporaryDirectory()
        self.path = Path(self._directory.name) / "hub.db"
        self.connection = open_connection(self.path, 1000)
        migrate(self.connection)
        self.settings = Settings(scores=settings or ScoresSettings())
        self.model = ScoreModel(self.settings.scores)
        self.owner = OwnerHandles([], None)

    def close(self) -> None:
        self.connection.close()
        self._directory.cleanup()

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, function: Any) -> Any:
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            result = function(self.connection)
            self.connection.execute("COMMIT")
            return result
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise

    def ingest(self, items: list[dict[str, Any]], now: int) -> None:
        valid = [validate_item(index, item, self.owner) for index, item in enumerate(items)]
        if not all(isinstance(v, ValidItem) for v in valid):
            raise ValueError(f"invalid test items: {valid}")

        def store(connection: sqlite3.Connection) -> None:
            hook = lambda conn, created: apply_ingested(conn, self.model, created, now)  # noqa: E731
            store_items(Transaction(connection), valid, now, [hook])  # type: ignore[arg-type]

        self.write(store)

    def refresh(self, now: int) -> None:
        self.write(lambda connection: refresh(connection, self.model, now))

    def recompute(self, now: int) -> None:
        self.write(lambda connection: recompute_all(connection, self.model, now))

    def merge(self, target: int, source: int, now: int) -> None:
        def hook(connection: sqlite3.Connection, changed: list[int], removed: list[int]) -> None:
            remove_contacts(connection, removed)
            recompute_contacts(connection, self.model, changed, now)

        edits.change_hooks.append(hook)
        try:
            self.write(lambda connection: edits.merge_contacts(connection, target, source))
        finally:
            edits.change_hooks.remove(hook)

    def contact_of(self, handle: str) -> int:
        row = self.connection.execute("SELECT contact_id FROM handles WHERE value = ?", (handle,)).fetchone()
        return int(row[0])

    def stored(self, now: int) -> dict[int, float]:
        """Scores at `now` as stored by the incremental path (or the last recompute)."""
        return stored_scores(self.connection, self.model, now)

    def recomputed(self, now: int) -> dict[int, float]:
        """Scores at `now` from a full recompute, leaving the stored keys as they were."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            recompute_all(self.connection, self.model, now)
            return stored_scores(self.connection, self.model, now)
        finally:
            self.connection.execute("ROLLBACK")

    def ranked_body(self, now: int, limit: int = 10_000, fading_limit: int = 0) -> dict[str, Any]:
        """The body of GET /api/v1/scores at `now`, through ranked_scores."""
        async def query() -> dict[str, Any]:
            reader = ReadPool(self.path, 1, 1000, 10_000)
            await reader.open()
            try:
                return await ranked_scores(reader, self.settings, now=now, limit=limit, fading_limit=fading_limit)
            finally:
                await reader.close()

        return asyncio.run(query())

    def ranked(self, now: int) -> dict[int, tuple[float, float]]:
        """(score, score_30_days_ago) of every scored contact, through ranked_scores."""
        return {entry["contact_id"]: (entry["score"], entry["score_30_days_ago"])
                for entry in self.ranked_body(now)["scores"]}

    def last_interactions(self) -> dict[int, int]:
        return {int(row[0]): int(row[1]) for row in self.connection.execute(
            "SELECT id, last_interaction_at FROM contacts WHERE last_interaction_at IS NOT NULL")}

    def reference(self, now: int) -> dict[int, float]:
        """Scores at `now` straight from the model, one contact at a time."""
        scores = {}
        for contact_id, units in self.units().items():
            score = sum(self.model.contribution(unit, now) for unit in units)
            if score > 0:
                scores[contact_id] = score
        return scores

    def reference_as_of(self, moment: int) -> dict[int, float]:
        """Scores at a past `moment`, straight from the model (contacts scored now only)."""
        return {contact_id: score_as_of(self.model, units, moment) for contact_id, units in self.units().items()
                if units}

    def units(self) -> dict[int, list[Unit]]:
        result = {}
        for (contact_id,) in self.connection.execute("SELECT id FROM contacts").fetchall():
            rows = self.connection.execute(
                "SELECT i.id, i.type, i.source, i.occurred_at, i.thread_id, i.participant_count"
                " FROM interactions i WHERE i.id IN (SELECT p.interaction_id FROM interaction_participants p"
                " JOIN handles h ON h.id = p.handle_id WHERE h.contact_id = ?)", (contact_id,)).fetchall()
            result[int(contact_id)] = self.model.units(Interaction(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows)
        return result


def assert_scores_close(actual: dict[int, float], expected: dict[int, float], tolerance: float = 1e-9) -> None:
    assert set(actual) == set(expected), (actual, expected)
    for contact_id, value in expected.items():
        assert abs(actual[contact_id] - value) <= tolerance * max(1.0, abs(value)), (contact_id, actual, expected)
