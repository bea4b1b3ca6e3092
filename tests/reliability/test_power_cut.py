"""Power cuts: no acknowledged interaction is lost with the hub's settings.

The hub's writer path (its pragmas, migrations, `Writer._transact` and `store_items`) runs
on the power-cut VFS of powercut.py and the power goes off at one write or sync after
another. After each cut the surviving files are opened as the hub opens them after a
reboot. With the hub's `synchronous=FULL` every batch whose COMMIT returned must be there;
the same harness with `synchronous=NORMAL` loses acknowledged batches, which shows that it
can catch a durability bug.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import apsw
import pytest

from hub.ingest.store import store_items
from hub.ingest.validate import OwnerHandles, ValidItem, validate_item
from hub.storage.connection import connection_pragmas, open_connection
from hub.storage.migrations import migrate
from hub.storage.writer import Writer, _Work
from tests.reliability.powercut import PowerCutVFS, quiet_power_cuts

OWNER = OwnerHandles(["email:me@example.com"], None)
NOW = 1_700_000_000
# A checkpoint every 8 pages (the hub uses 10,000) makes checkpoints happen inside the small
# workload, so cuts also land in the middle of a checkpoint.
SMALL_CHECKPOINT_PAGES = 8


def make_batches(count: int, size: int) -> list[list[dict[str, Any]]]:
    rng = random.Random(7)
    batches = []
    for number in range(count):
        batch = []
        for position in range(size):
            serial = number * size + position
            batch.append({
                "source": "email",
                "source_id": f"b{number}-m{position}",
                "type": "email",
                "occurred_at": f"2024-03-{1 + serial % 28:02d}T10:00:00+01:00",
                "subject": f"subject {serial}",
                "content": " ".join(rng.choice(["lunch", "report", "invoice", "trip", "plan"])
                                    for _ in range(rng.randrange(20, 200))),
                "participants": [{"handle": f"person{serial % 9}@example.com", "kind": "email",
                                  "name": f"Person {serial % 9}", "role": "from"}],
            })
        batches.append(batch)
    return batches


@dataclass
class Outcome:
    acknowledged: list[set[str]]  # source ids of each batch whose COMMIT returned
    attempted: list[set[str]]  # source ids of every batch that was started
    operations: int


def run_workload(directory: Path, vfs: PowerCutVFS, batches: list[list[dict[str, Any]]], *,
                 synchronous: str | None = None, checkpoint_pages: int | None = None) -> Outcome:
    """Run the hub's writer over the VFS until the batches are done or the power is cut."""
    path = directory / "hub.db"
    acknowledged: list[set[str]] = []
    attempted: list[set[str]] = []
    connection = apsw.Connection(str(path), vfs=vfs.name)
    try:
        for pragma in connection_pragmas(5000):
            connection.execute(pragma)
        if synchronous is not None:
            connection.execute(f"PRAGMA synchronous={synchronous}")
        if checkpoint_pages is not None:
            connection.execute(f"PRAGMA wal_autocheckpoint={checkpoint_pages}")
        migrate(connection)  # type: ignore[arg-type]

        # The hub's own writer transaction (BEGIN IMMEDIATE, the work, the FTS5 feed, COMMIT)
        # on the apsw connection instead of its thread and queue.
        writer = Writer(path, 5000, 5000)
        writer._connection = connection  # type: ignore[assignment]
        for batch in batches:
            valid = [validate_item(index, raw, OWNER) for index, raw in enumerate(batch)]
            assert all(isinstance(item, ValidItem) for item in valid)
            source_ids = {raw["source_id"] for raw in batch}
            attempted.append(source_ids)
            work = _Work(partial(store_items, items=valid, now=NOW), None, None, True)  # type: ignore[arg-type]
            writer._transact([work])
            if vfs.cut:
                # SQLite ignores a failed sync in a few places and carries on, but the
                # machine is off: nothing after the cut is acknowledged.
                break
            acknowledged.append(source_ids)
    except apsw.Error:
        if not vfs.cut:
            raise
    finally:
        _close(connection, vfs)
    return Outcome(acknowledged, attempted, vfs.operations)


def _close(connection: apsw.Connection, vfs: PowerCutVFS) -> None:
    # Closing checkpoints the WAL, so the last cut points fall inside close().
    try:
        connection.close(True)
    except apsw.Error:
        if not vfs.cut:
            raise


@dataclass
class Survivors:
    source_ids: set[str]
    integrity: str
    fts_ok: bool


def open_after_reboot(directory: Path) -> Survivors:
    """Open the restored files with the hub's own sqlite3 connection and migrations."""
    connection = open_connection(directory / "hub.db", 5000)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        migrate(connection)
        try:
            connection.execute("INSERT INTO interactions_fts (interactions_fts) VALUES ('integrity-check')")
            fts_ok = True
        except sqlite3.DatabaseError:
            fts_ok = False
        source_ids = {row[0] for row in connection.execute("SELECT source_id FROM interactions")}
    finally:
        connection.close()
    return Survivors(source_ids, integrity, fts_ok)


@dataclass
class CutResult:
    cut_at: int
    lost: set[str]
    partial_batches: int
    integrity: str
    fts_ok: bool


def cut_and_check(tmp_path: Path, cut_at: int, batches: list[list[dict[str, Any]]], *,
                  synchronous: str | None = None, checkpoint_pages: int | None = None,
                  keep_unsynced: random.Random | None = None) -> CutResult:
    live, rebooted = tmp_path / f"live-{cut_at}", tmp_path / f"rebooted-{cut_at}"
    live.mkdir()
    vfs = PowerCutVFS(f"powercut-{cut_at}", cut_at)
    try:
        with quiet_power_cuts():
            outcome = run_workload(live, vfs, batches, synchronous=synchronous,
                                   checkpoint_pages=checkpoint_pages)
        vfs.restore(rebooted, keep_unsynced)
    finally:
        vfs.unregister()

    survivors = open_after_reboot(rebooted)
    lost = set().union(*outcome.acknowledged) - survivors.source_ids
    partial_batches = sum(1 for ids in outcome.attempted if 0 < len(ids & survivors.source_ids) < len(ids))
    return CutResult(cut_at, lost, partial_batches, survivors.integrity, survivors.fts_ok)


def count_operations(tmp_path: Path, batches: list[list[dict[str, Any]]], **settings: Any) -> int:
    directory = tmp_path / "uncut"
    directory.mkdir()
    vfs = PowerCutVFS("powercut-uncut")
    try:
        outcome = run_workload(directory, vfs, batches, **settings)
    finally:
        vfs.unregister()
    assert len(outcome.acknowledged) == len(batches)
    return outcome.operations


def cut_points(total: int, count: int) -> list[int]:
    """`count` cut points spread over the whole run, first and last operation included."""
    if count >= total:
        return list(range(1, total + 1))
    return sorted({1 + round(i * (total - 1) / (count - 1)) for i in range(count)})


def sweep(tmp_path: Path, batches: list[list[dict[str, Any]]], points: int, **settings: Any) -> list[CutResult]:
    keep_unsynced = settings.pop("keep_unsynced", None)
    total = count_operations(tmp_path, batches, **settings)
    results = []
    for cut_at in cut_points(total, points):
        rng = random.Random(cut_at) if keep_unsynced else None
        results.append(cut_and_check(tmp_path, cut_at, batches, keep_unsynced=rng, **settings))
    return results


def assert_nothing_lost(results: list[CutResult]) -> None:
    assert len(results) > 10
    assert [r.cut_at for r in results if r.integrity != "ok"] == []
    assert [r.cut_at for r in results if not r.fts_ok] == []
    assert [(r.cut_at, sorted(r.lost)[:3]) for r in results if r.lost] == []
    assert [r.cut_at for r in results if r.partial_batches] == []


FAST_BATCHES = (6, 15)
SLOW_BATCHES = (20, 25)


@pytest.mark.parametrize("checkpoint_pages", [None, SMALL_CHECKPOINT_PAGES], ids=["hub-checkpoints", "small-checkpoints"])
def test_power_cut_loses_nothing(tmp_path: Path, checkpoint_pages: int | None) -> None:
    results = sweep(tmp_path, make_batches(*FAST_BATCHES), 100, checkpoint_pages=checkpoint_pages)

    assert_nothing_lost(results)


def test_power_cut_with_partly_flushed_cache(tmp_path: Path) -> None:
    results = sweep(tmp_path, make_batches(*FAST_BATCHES), 100, checkpoint_pages=SMALL_CHECKPOINT_PAGES,
                    keep_unsynced=True)

    assert_nothing_lost(results)


def test_power_cut_harness_catches_normal_sync(tmp_path: Path) -> None:
    results = sweep(tmp_path, make_batches(*FAST_BATCHES), 100, synchronous="NORMAL")

    losing = [r for r in results if r.lost]
    assert len(losing) >= 5, "synchronous=NORMAL should lose acknowledged batches at some cuts"
    assert [r.cut_at for r in results if r.integrity != "ok"] == []


@pytest.mark.slow
@pytest.mark.parametrize("checkpoint_pages", [None, SMALL_CHECKPOINT_PAGES], ids=["hub-checkpoints", "small-checkpoints"])
@pytest.mark.parametrize("keep_unsynced", [False, True], ids=["unsynced-dropped", "unsynced-partly-kept"])
def test_power_cut_every_operation(tmp_path: Path, checkpoint_pages: int | None, keep_unsynced: bool) -> None:
    results = sweep(tmp_path, make_batches(*SLOW_BATCHES), 10_000, checkpoint_pages=checkpoint_pages,
                    keep_unsynced=keep_unsynced)

    assert_nothing_lost(results)
