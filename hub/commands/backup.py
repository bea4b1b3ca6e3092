"""`cardmunk-hub backup PATH`: a consistent copy through SQLite's online backup API.

The copy is written to a temporary file beside PATH and renamed into place only once it is
complete and passes `PRAGMA quick_check`, so PATH never holds a half-written backup.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from pathlib import Path

from hub.settings import Settings
from hub.storage.connection import open_connection

logger = logging.getLogger(__name__)

# All pages in one step (-1). The online backup restarts from the first page whenever
# another connection writes between two steps, so a backup taken in steps never finishes
# while bridges keep pushing. One step reads one WAL snapshot, which does not block writers.
PAGES_PER_STEP = -1


def run(args: argparse.Namespace, settings: Settings) -> int:
    target: Path = args.path
    source_path = settings.database.path
    if not source_path.exists():
        print(f"cardmunk-hub backup: database {source_path} does not exist", file=sys.stderr)
        return 2
    if not target.parent.is_dir():
        print(f"cardmunk-hub backup: folder {target.parent} does not exist; create it first", file=sys.stderr)
        return 2
    if target.exists():
        print(f"cardmunk-hub backup: {target} already exists; choose a new file", file=sys.stderr)
        return 2
    try:
        backup_database(source_path, target, settings.database.busy_timeout_ms)
    except (sqlite3.Error, OSError) as exc:
        print(f"cardmunk-hub backup: writing {target} failed: {exc}", file=sys.stderr)
        return 1
    print(f"backup written to {target}")
    return 0


def backup_database(source_path: Path, target: Path, busy_timeout_ms: int) -> None:
    temporary = target.with_name(f".{target.name}.partial")
    temporary.unlink(missing_ok=True)
    source = open_connection(source_path, busy_timeout_ms)
    try:
        destination = sqlite3.connect(temporary)
        try:
            source.backup(destination, pages=PAGES_PER_STEP, progress=_log_progress)
            destination.execute("PRAGMA journal_mode=DELETE")
            result = destination.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise sqlite3.DatabaseError(f"backup failed its integrity check: {result}")
        finally:
            destination.close()
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        source.close()


def _log_progress(status: int, remaining: int, total: int) -> None:
    if total:
        logger.info("backup: %d of %d pages copied", total - remaining, total)
