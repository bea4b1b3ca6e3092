"""Ingestion benchmark: the hub over HTTP against raw sqlite3 and sqlite-utils, same data.

    .venv/bin/python -m bench.ingest                      # 200,000 interactions
    .venv/bin/python -m bench.ingest --stored 1000000     # also: pushing onto a million
    .venv/bin/python -m bench.ingest --stored 1000000 --repush-stored   # and the million again

Every figure is one line. The hub runs as a real `cardmunk-hub serve` child process on
127.0.0.1 with 4 concurrent aiohttp clients pushing batches of 500; the request bodies are
encoded before the clock starts, so the figure is the hub's, not the client's JSON encoder.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import aiohttp

from bench import raw_sqlite, sqlite_utils_baseline
from bench.generate import DEFAULT_SEED, generate_items
from bench.hubprocess import HubProcess, create_token, write_config

BATCH_ITEMS = 500
CLIENTS = 4


def report(name: str, value: float, unit: str, note: str = "") -> None:
    print(f"{name:<48} {value:>14,.2f} {unit}{'  ' + note if note else ''}", flush=True)


def chunked(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def timed(function: Callable[[], Any]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def file_bytes(path: Path) -> int:
    """Size of the database with its WAL folded in (checkpointed and truncated first)."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size


async def push_all(url: str, token: str, bodies: list[bytes], clients: int = CLIENTS) -> dict[str, int]:
    """POST every body with `clients` concurrent connections; return the summed counts."""
    counts = {"created": 0, "duplicate": 0, "invalid": 0}
    positions = iter(range(len(bodies)))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    async def client(session: aiohttp.ClientSession) -> None:
        for position in positions:
            async with session.post(f"{url}/api/v1/interactions", data=bodies[position], headers=headers) as response:
                body = await response.json()
                if response.status != 200:
                    raise RuntimeError(f"push failed with {response.status}: {body}")
            for key, value in body["counts"].items():
                counts[key] += value

    timeout = aiohttp.ClientTimeout(total=None, sock_read=600)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await asyncio.gather(*(client(session) for _ in range(clients)))
    return counts


class HubSide:
    """A hub child process on its own database, with an ingest token."""

    def __init__(self, workdir: Path, database: Path) -> None:
        self.database = database
        config = write_config(workdir / f"{database.stem}.toml", database, log_level="WARNING")
        self.token = create_token(config, "ingest", "bench")
        # WARNING hides the "listening on" line the port is read from, so start at INFO
        # and keep the per-request access log out through the level of the hub's config.
        config.write_text(config.read_text().replace('level = "WARNING"', 'level = "INFO"'))
        self.process = HubProcess(config)

    def __enter__(self) -> HubSide:
        self.process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.stop()

    def push(self, bodies: list[bytes], expect: str) -> float:
        """Push every body and return the elapsed seconds; check every item got `expect`."""
        start = time.perf_counter()
        counts = asyncio.run(push_all(self.process.url, self.token, bodies))
        elapsed = time.perf_counter() - start
        if counts[expect] != sum(counts.values()):
            raise RuntimeError(f"expected only {expect} items, got {counts}")
        return elapsed


def run_empty(workdir: Path, items: list[dict[str, Any]], bodies: list[bytes]) -> None:
    count = len(items)
    batches = list(chunked(items, BATCH_ITEMS))

    with HubSide(workdir, workdir / "hub.db") as hub:
        hub_seconds = hub.push(bodies, "created")
        hub_dup_seconds = hub.push(bodies, "duplicate")
        peak_rss = hub.process.peak_rss_kib()
    hub_bytes = file_bytes(workdir / "hub.db")

    raw = raw_sqlite.RawStore(workdir / "raw.db")
    raw_seconds = timed(lambda: [raw.insert_batch(batch) for batch in batches])
    raw_dup_seconds = timed(lambda: [raw.insert_duplicates(batch) for batch in batches])
    raw.close()
    raw_bytes = file_bytes(workdir / "raw.db")

    rows = [sqlite_utils_baseline.flat_row(item) for item in items]
    row_batches = list(chunked(rows, BATCH_ITEMS))
    bulk_seconds = timed(lambda: sqlite_utils_baseline.insert_bulk(workdir / "su-bulk.db", rows))
    incremental = workdir / "su-incremental.db"
    incremental_seconds = timed(
        lambda: sqlite_utils_baseline.insert_incremental(incremental, row_batches, create=True))
    ignore_seconds = timed(
        lambda: sqlite_utils_baseline.insert_incremental(incremental, row_batches, create=False))
    su_bytes = file_bytes(incremental)

    hub_rate, raw_rate = count / hub_seconds, count / raw_seconds
    incremental_rate = count / incremental_seconds
    report("ingest.hub.empty", hub_rate, "interactions/s", f"({count:,} over HTTP, target >= 20,000)")
    report("ingest.raw_sqlite3.empty", raw_rate, "interactions/s")
    report("ingest.sqlite_utils.bulk_insert_then_enable_fts", count / bulk_seconds, "interactions/s")
    report("ingest.sqlite_utils.incremental_with_triggers", incremental_rate, "interactions/s")
    report("ingest.ratio.hub_to_raw", hub_rate / raw_rate, "x", "(target >= 0.7)")
    report("ingest.ratio.hub_to_sqlite_utils_incremental", hub_rate / incremental_rate, "x", "(target >= 1.5)")

    hub_dup_rate, raw_dup_rate = count / hub_dup_seconds, count / raw_dup_seconds
    report("duplicates.hub", hub_dup_rate, "items/s")
    report("duplicates.raw_on_conflict_do_nothing", raw_dup_rate, "items/s")
    report("duplicates.sqlite_utils_insert_ignore", count / ignore_seconds, "items/s")
    report("duplicates.ratio.hub_to_raw", hub_dup_rate / raw_dup_rate, "x")
    report("duplicates.ratio.hub_to_sqlite_utils", hub_dup_rate / (count / ignore_seconds), "x")

    report("memory.hub.peak_rss", peak_rss / 1024, "MiB")
    per_million = 1_000_000 / count / 2**20
    report("size.hub_per_million", hub_bytes * per_million, "MiB")
    report("size.raw_schema_per_million", raw_bytes * per_million, "MiB")
    report("size.sqlite_utils_per_million", su_bytes * per_million, "MiB")
    report("size.ratio.hub_to_raw", hub_bytes / raw_bytes, "x")


def run_stored(workdir: Path, stored: int, bodies: list[bytes], items: list[dict[str, Any]],
               seed: int, repush: bool) -> None:
    """Push the same items onto a database that already contains `stored` interactions.

    With `repush`, then push the `stored` interactions again, all duplicates.
    """
    base = workdir / "stored-base.db"
    start = time.perf_counter()

    def stored_items() -> Iterator[dict[str, Any]]:
        return generate_items(stored, seed + 1, id_prefix="old-")

    raw_sqlite.fill(base, chunked(stored_items(), 5000))
    report("stored.prefill_raw", stored / (time.perf_counter() - start), "interactions/s",
           f"({stored:,} written first)")
    file_bytes(base)
    shutil.copyfile(base, workdir / "stored-raw.db")
    shutil.move(base, workdir / "stored-hub.db")

    old_batches = list(chunked(stored_items(), BATCH_ITEMS)) if repush else []
    old_bodies = [json.dumps({"interactions": batch}).encode() for batch in old_batches]

    with HubSide(workdir, workdir / "stored-hub.db") as hub:
        hub_seconds = hub.push(bodies, "created")
        hub_dup_seconds = hub.push(old_bodies, "duplicate") if repush else 0.0
    raw = raw_sqlite.RawStore(workdir / "stored-raw.db")
    raw_seconds = timed(lambda: [raw.insert_batch(batch) for batch in chunked(items, BATCH_ITEMS)])
    raw_dup_seconds = timed(lambda: [raw.insert_duplicates(batch) for batch in old_batches])
    raw.close()

    hub_rate, raw_rate = len(items) / hub_seconds, len(items) / raw_seconds
    report("stored.hub", hub_rate, "interactions/s", f"(onto {stored:,}, target >= 10,000)")
    report("stored.raw_sqlite3", raw_rate, "interactions/s")
    report("stored.ratio.hub_to_raw", hub_rate / raw_rate, "x")
    if repush:
        hub_dup_rate, raw_dup_rate = stored / hub_dup_seconds, stored / raw_dup_seconds
        report("stored.duplicates.hub", hub_dup_rate, "items/s", f"({stored:,} pushed again)")
        report("stored.duplicates.raw_on_conflict_do_nothing", raw_dup_rate, "items/s")
        report("stored.duplicates.ratio.hub_to_raw", hub_dup_rate / raw_dup_rate, "x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000, help="interactions pushed (default 200,000)")
    parser.add_argument("--stored", type=int, default=0,
                        help="also push the same interactions onto a database holding this many first")
    parser.add_argument("--repush-stored", action="store_true",
                        help="with --stored, also push the stored interactions again (all duplicates)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the generated data")
    parser.add_argument("--workdir", type=Path, help="keep the databases here (default: a temporary folder)")
    args = parser.parse_args(argv)

    items = list(generate_items(args.size, args.seed))
    bodies = [json.dumps({"interactions": batch}).encode() for batch in chunked(items, BATCH_ITEMS)]
    with tempfile.TemporaryDirectory(prefix="cardmunk-bench-") as temporary:
        workdir = args.workdir or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        run_empty(workdir, items, bodies)
        if args.stored:
            run_stored(workdir, args.stored, bodies, items, args.seed, args.repush_stored)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
