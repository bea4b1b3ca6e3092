"""The score feature's work units: what the hooks and the jobs run in the writer thread."""

from __future__ import annotations

import logging
import sqlite3
import time
from functools import partial
from pathlib import Path
from typing import Callable

from hub.ingest.store import CreatedInteraction
from hub.scores.incremental import apply_ingested, recompute_contacts, remove_contacts
from hub.scores.model import ScoreModel
from hub.scores.recompute import RecomputeReport, RefreshReport, recompute_all, refresh
from hub.scores.storage import write_state
from hub.settings import Settings
from hub.storage.database import Database
from hub.storage.writer import Transaction

logger = logging.getLogger(__name__)

Clock = Callable[[], float]

MODEL_STATE = "model"


def last_run_state(job_id: str) -> str:
    return f"job:{job_id}:last_run"


class ScoreService:
    """Scores of one hub: its model, database and clock, and the writes that keep them right.

    `clock` returns the current time in epoch seconds; tests replace it to drive time.
    """

    def __init__(self, database: Database, settings: Settings, clock: Clock = time.time) -> None:
        self.database = database
        self.settings = settings
        self.model = ScoreModel(settings.scores)
        self.clock = clock
        self._database_file = str(Path(settings.database.path).resolve())

    def now(self) -> int:
        return int(self.clock())

    # Hooks, called in the writer thread inside the transaction that made the change.

    def ingest_hook(self, connection: sqlite3.Connection, created: list[CreatedInteraction]) -> None:
        if created:
            apply_ingested(connection, self.model, created, self.now())

    def change_hook(self, connection: sqlite3.Connection, changed: list[int], removed: list[int]) -> None:
        # The contact edit hooks are process-wide: skip edits made to another hub's database.
        if not self._is_own(connection):
            return
        remove_contacts(connection, removed)
        recompute_contacts(connection, self.model, [c for c in changed if c not in removed], self.now())

    # Jobs, submitted to the writer.

    async def refresh(self, job_id: str = "refresh") -> RefreshReport:
        """Re-anchor future-dated units at the current time and move past_until forward."""
        now = self.now()
        report: RefreshReport = await self.database.writer.submit(partial(self._refresh, now=now, job_id=job_id),
                                                                  name="scores-refresh")
        logger.debug("score refresh: %d future-dated units re-anchored, %d units added to the past keys",
                     report.future_units_moved, report.past_units_added)
        return report

    async def recompute(self, job_id: str = "recompute") -> RecomputeReport:
        """Recompute every score from the interactions, repairing any drift."""
        now = self.now()
        started = time.perf_counter()
        report: RecomputeReport = await self.database.writer.submit(
            partial(self._recompute, now=now, job_id=job_id), name="scores-recompute")
        logger.info("scores recomputed for %d contacts in %.2f s: %d had drifted (largest relative drift %.1e)",
                    report.contacts, time.perf_counter() - started, report.drifted, report.max_relative_drift)
        return report

    async def model_changed(self) -> bool:
        """Tell whether the stored keys were computed with other scoring settings (or never)."""
        stored = await self.database.reader.fetch_one("SELECT value FROM score_state WHERE name = ?", [MODEL_STATE])
        return stored is None or stored[0] != self.model.fingerprint()

    async def last_run(self, job_id: str) -> int | None:
        row = await self.database.reader.fetch_one("SELECT value FROM score_state WHERE name = ?",
                                                   [last_run_state(job_id)])
        return None if row is None else int(row[0])

    def _refresh(self, transaction: Transaction, *, now: int, job_id: str) -> RefreshReport:
        report = refresh(transaction.connection, self.model, now)
        write_state(transaction.connection, last_run_state(job_id), str(now))
        return report

    def _recompute(self, transaction: Transaction, *, now: int, job_id: str) -> RecomputeReport:
        connection = transaction.connection
        report = recompute_all(connection, self.model, now)
        write_state(connection, MODEL_STATE, self.model.fingerprint())
        write_state(connection, last_run_state(job_id), str(now))
        return report

    def _is_own(self, connection: sqlite3.Connection) -> bool:
        row = connection.execute("PRAGMA database_list").fetchone()
        return row is not None and str(Path(row[2]).resolve()) == self._database_file

