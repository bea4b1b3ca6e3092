"""Search benchmark: latency of the hub's search API against datasette's `?_search=`.

    .venv/bin/python -m bench.search                 # 200,000 interactions
    .venv/bin/python -m bench.search --size 1000000
    .venv/bin/python -m bench.search --during-ingestion 100000

The database is filled with generated interactions (bench/raw_sqlite.py: the hub's own
schema and FTS5 layout), then served at once by a `cardmunk-hub serve` and a `datasette`
child process on 127.0.0.1. Each query runs `--repeat` times, one request at a time, and
each line gives p50, p95, p99 and the maximum in milliseconds, measured by the client.

datasette's table search filters with `id IN (SELECT rowid FROM fts WHERE fts MATCH ?)` and
orders by id. It does not rank, so the "ranked" rows compare with that default order. It
has no contact filter: those rows show only the hub.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bench import raw_sqlite
from bench.generate import DEFAULT_SEED, generate_items, vocabulary
from bench.hubprocess import HubProcess, create_token, write_config
from bench.ingest import chunked, push_all

TARGET_P95_MS = 50
TARGET_MAX_MS = 500
INGEST_BATCH = 500


@dataclass(frozen=True)
class Query:
    name: str
    text: str  # hub syntax
    fts: str | None  # datasette `_search` value (FTS5 syntax), None when it has no equivalent


def queries(seed: int) -> list[Query]:
    words = vocabulary(seed)
    common, medium, rare = words[0], words[300], words[20_000]
    return [
        Query("common-word", common, common),
        Query("medium-word", medium, medium),
        Query("rare-word", rare, rare),
        Query("two-words", f"{common} {medium}", f"{common} {medium}"),
        Query("short-prefix", f"{common[:2]}*", f"{common[:2]}*"),
        Query("prefix", f"{medium[:3]}*", f"{medium[:3]}*"),
        Query("phrase", f'"{words[1]} {words[0]}"', f'"{words[1]} {words[0]}"'),
    ]


@dataclass(frozen=True)
class Filter:
    name: str
    hub_query: str  # appended to the hub's q
    hub_params: dict[str, str]
    datasette_params: dict[str, str] | None


def filters(contact_id: int) -> list[Filter]:
    since, until = 1_640_995_200, 1_656_633_600  # 2022-01-01 and 2022-07-01, UTC
    return [
        Filter("alone", "", {}, {}),
        Filter("source", " source:whatsapp", {}, {"source": "whatsapp"}),
        Filter("dates", " after:2022-01-01 before:2022-06-30", {},
               {"occurred_at__gte": str(since), "occurred_at__lt": str(until)}),
        Filter("contact", "", {"contact": str(contact_id)}, None),
    ]


def percentiles(samples: list[float]) -> tuple[float, float, float, float]:
    ordered = sorted(samples)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98], ordered[-1]


def timed_get(session: requests.Session, url: str, params: dict[str, str], headers: dict[str, str]) -> float:
    start = time.perf_counter()
    response = session.get(url, params=params, headers=headers, timeout=60)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} {params} failed with {response.status_code}: {response.text[:300]}")
    return elapsed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Datasette:
    """`datasette serve` on the same file, without facet suggestions, 20 rows a page."""

    def __init__(self, database: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/{database.stem}/interactions.json"
        self._process = subprocess.Popen(
            [sys.executable, "-m", "datasette", "serve", str(database), "-h", "127.0.0.1", "-p", str(self.port),
             "--setting", "suggest_facets", "off", "--setting", "default_page_size", "20",
             "--setting", "sql_time_limit_ms", "5000"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        started = threading.Event()
        threading.Thread(target=self._drain, args=(started,), daemon=True).start()
        if not started.wait(60):
            self.stop()
            raise RuntimeError("datasette did not start within 60 s")

    @staticmethod
    def search_params(text: str) -> dict[str, str]:
        # datasette finds the FTS table of a table only when its SQL reads content="table";
        # the hub's migration writes content = 'interactions', so it is named here.
        return {"_search": text, "_searchmode": "raw", "_fts_table": "interactions_fts", "_fts_pk": "id",
                "_size": "20"}

    def check_search(self) -> None:
        """Fail unless `_search` filters: a word that is in no interaction finds no row."""
        response = requests.get(self.url, params=self.search_params("zzqnotaword"), timeout=60)
        rows = response.json().get("rows")
        if response.status_code != 200 or rows != []:
            raise RuntimeError(f"datasette search is not applied: {response.status_code} {response.text[:200]}")

    def _drain(self, started: threading.Event) -> None:
        assert self._process.stderr is not None
        for line in self._process.stderr:
            if "Uvicorn running on" in line:
                started.set()
        started.set()

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=60)
        if self._process.stderr is not None:
            self._process.stderr.close()


def report(name: str, hub: list[float], other: list[float] | None) -> None:
    p50, p95, p99, worst = percentiles(hub)
    line = f"{name:<40} hub p50 {p50:7.1f} p95 {p95:7.1f} p99 {p99:7.1f} max {worst:7.1f} ms"
    if other:
        o50, o95, _, oworst = percentiles(other)
        line += f" | datasette p50 {o50:8.1f} p95 {o95:8.1f} max {oworst:8.1f} ms | p50 ratio {o50 / p50:6.1f}x"
    print(line, flush=True)


def run(workdir: Path, size: int, repeat: int, seed: int) -> None:
    database = workdir / "search.db"
    start = time.perf_counter()
    raw_sqlite.fill(database, chunked(generate_items(size, seed), 5000))
    print(f"{'fill.raw':<40} {size / (time.perf_counter() - start):,.0f} interactions/s ({size:,} interactions)")

    config = write_config(workdir / "search.toml", database)
    token = create_token(config, "read", "bench-search")
    headers = {"Authorization": f"Bearer {token}"}
    top_contact = raw_sqlite.top_contact(database)

    hub = HubProcess(config)
    hub.start()
    datasette: Datasette | None = None
    hub_all: list[float] = []
    over_target: list[str] = []
    try:
        datasette = Datasette(database)
        datasette.check_search()
        with requests.Session() as session:
            for query in queries(seed):
                for search_filter in filters(top_contact):
                    for sort in ("relevance", "time"):
                        name = f"{query.name}.{search_filter.name}.{'ranked' if sort == 'relevance' else 'newest'}"
                        params = {"q": query.text + search_filter.hub_query, "sort": sort, "limit": "20",
                                  **search_filter.hub_params}
                        url = f"{hub.url}/api/v1/interactions"
                        timed_get(session, url, params, headers)  # warm the page cache
                        samples = [timed_get(session, url, params, headers) for _ in range(repeat)]
                        hub_all.extend(samples)

                        other = None
                        if query.fts is not None and search_filter.datasette_params is not None:
                            extra = {} if sort == "relevance" else {"_sort_desc": "occurred_at"}
                            ds_params = {**datasette.search_params(query.fts), **search_filter.datasette_params,
                                         **extra}
                            timed_get(session, datasette.url, ds_params, {})
                            other = [timed_get(session, datasette.url, ds_params, {}) for _ in range(repeat)]
                        report(name, samples, other)
                        if percentiles(samples)[1] > TARGET_P95_MS or max(samples) > TARGET_MAX_MS:
                            over_target.append(name)
    finally:
        if datasette is not None:
            datasette.stop()
        hub.stop()

    summarize("all.hub", hub_all, over_target)


def summarize(name: str, samples: list[float], over_target: list[str]) -> None:
    p50, p95, p99, worst = percentiles(samples)
    print(f"{name:<40} p50 {p50:.1f} p95 {p95:.1f} p99 {p99:.1f} max {worst:.1f} ms "
          f"({len(samples)} requests; target p95 < {TARGET_P95_MS} ms, none over {TARGET_MAX_MS} ms)")
    print(f"{name + '.over_target':<40} {len(over_target)}: {', '.join(over_target) or 'none'}")


def run_during_ingestion(workdir: Path, size: int, pushed: int, seed: int) -> None:
    """Time the hub's searches while 4 clients push `pushed` new interactions to the same hub.

    The ingestion runs in a thread of its own with its own event loop; the searches stop as
    soon as it ends, so every sample is taken under write load.
    """
    database = workdir / "search-live.db"
    raw_sqlite.fill(database, chunked(generate_items(size, seed), 5000))
    config = write_config(workdir / "search-live.toml", database)
    read_token = create_token(config, "read", "bench-search")
    ingest_token = create_token(config, "ingest", "bench-push")
    headers = {"Authorization": f"Bearer {read_token}"}
    top_contact = raw_sqlite.top_contact(database)
    bodies = [json.dumps({"interactions": batch}).encode()
              for batch in chunked(generate_items(pushed, seed + 1, id_prefix="live-"), INGEST_BATCH)]

    hub = HubProcess(config)
    hub.start()
    finished = threading.Event()
    outcome: dict[str, object] = {}

    def ingest() -> None:
        start = time.perf_counter()
        try:
            outcome["counts"] = asyncio.run(push_all(hub.url, ingest_token, bodies))
        except Exception as exc:  # reported below; the searches must stop either way
            outcome["error"] = exc
        outcome["seconds"] = time.perf_counter() - start
        finished.set()

    samples_by_name: dict[str, list[float]] = {}
    try:
        pusher = threading.Thread(target=ingest, name="bench-ingest")
        pusher.start()
        with requests.Session() as session:
            url = f"{hub.url}/api/v1/interactions"
            while not finished.is_set():
                for query in queries(seed):
                    for search_filter in filters(top_contact)[:2]:
                        for sort in ("relevance", "time"):
                            if finished.is_set():
                                break
                            name = f"live.{query.name}.{search_filter.name}.{'ranked' if sort == 'relevance' else 'newest'}"
                            params = {"q": query.text + search_filter.hub_query, "sort": sort, "limit": "20",
                                      **search_filter.hub_params}
                            samples_by_name.setdefault(name, []).append(timed_get(session, url, params, headers))
        pusher.join()
    finally:
        hub.stop()

    if "error" in outcome:
        raise RuntimeError(f"the ingestion during the searches failed: {outcome['error']}")
    seconds = float(outcome["seconds"])  # type: ignore[arg-type]
    print(f"{'live.ingest':<40} {pushed / seconds:,.0f} interactions/s while searching "
          f"({outcome['counts']})")
    all_samples: list[float] = []
    over_target: list[str] = []
    for name, samples in samples_by_name.items():
        if len(samples) < 2:
            continue  # percentiles need two samples; the ingestion ended during this query
        report(name, samples, None)
        all_samples.extend(samples)
        if percentiles(samples)[1] > TARGET_P95_MS or max(samples) > TARGET_MAX_MS:
            over_target.append(name)
    summarize("live.all.hub", all_samples, over_target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000, help="interactions in the database (default 200,000)")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each query (default 20)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the generated data")
    parser.add_argument("--workdir", type=Path, help="keep the database here (default: a temporary folder)")
    parser.add_argument("--during-ingestion", type=int, metavar="N", default=0,
                        help="instead, time searches while 4 clients push N new interactions (batches of 500)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cardmunk-search-") as temporary:
        workdir = args.workdir or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        if args.during_ingestion:
            run_during_ingestion(workdir, args.size, args.during_ingestion, args.seed)
        else:
            run(workdir, args.size, args.repeat, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
