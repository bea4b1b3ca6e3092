"""Activity-score benchmark: full recompute, refresh and top-50 on a generated database.

    .venv/bin/python -m bench.scores                                 # 10,000 contacts, 1,000,000 interactions
    .venv/bin/python -m bench.scores --interactions 100000           # a smaller history

The rows are written straight into a temporary database created by the hub's own
migrations (no HTTP, no FTS5 text: scores read neither). The history covers five years up
to now with Zipf-distributed contacts. About 60% are chat messages in sessions of 1-9
messages, one session in ten in a group chat. The rest are emails, calls, video calls,
meetings (one in a hundred dated in the coming weeks) and others. Every figure is one
line; query figures are the median of repeated runs through the hub's read pool.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import itertools
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

from hub.ingest.store import store_items
from hub.ingest.validate import OwnerHandles, ValidItem, validate_item
from hub.scores.incremental import apply_ingested
from hub.scores.model import ScoreModel
from hub.scores.queries import ranked_scores
from hub.scores.recompute import recompute_all, refresh
from hub.settings import Settings
from hub.storage.connection import open_connection
from hub.storage.migrations import migrate
from hub.storage.readers import ReadPool
from hub.storage.writer import Transaction

DAY = 86_400
SPAN_SECONDS = 5 * 365 * DAY
CONTACT_ZIPF_EXPONENT = 1.1
QUERY_RUNS = 20
INGEST_RUNS = 7

# Kinds of generated events with their weights. A chat event is a session of 1-9
# messages, so messages end up about 60% of all interactions.
_EVENTS = [("chat", 23), ("email", 35), ("call", 20), ("video_call", 7), ("meeting", 10), ("other", 5)]


def report(name: str, value: float, unit: str, note: str = "") -> None:
    print(f"{name:<44} {value:>12,.2f} {unit}{'  ' + note if note else ''}", flush=True)


class Generator:
    """Deterministic rows for the contacts, handles, interactions and participants tables."""

    def __init__(self, contacts: int, seed: int, now: int) -> None:
        self.rng = random.Random(seed)
        self.contacts = contacts
        self.now = now
        self.weights = list(itertools.accumulate(1.0 / rank ** CONTACT_ZIPF_EXPONENT
                                                 for rank in range(1, contacts + 1)))
        self.interactions: list[tuple[Any, ...]] = []
        self.participants: list[tuple[int, int]] = []
        self._event_names = [name for name, _ in _EVENTS]
        self._event_weights = list(itertools.accumulate(weight for _, weight in _EVENTS))

    def contact(self) -> int:
        return bisect.bisect(self.weights, self.rng.random() * self.weights[-1]) + 1

    def fill(self, count: int) -> None:
        while len(self.interactions) < count:
            event = self.rng.choices(self._event_names, cum_weights=self._event_weights)[0]
            at = self.now - self.rng.randrange(SPAN_SECONDS)
            person = self.contact()
            if event == "chat":
                self._chat(person, at, count)
            elif event == "meeting":
                if self.rng.random() < 0.01:
                    at = self.now + self.rng.randrange(DAY, 60 * DAY)
                people = {person} | {self.contact() for _ in range(self.rng.randrange(0, 6))}
                self._add("meeting", "meeting", at, None, people, email=True)
            elif event == "email":
                people = {person} | ({self.contact()} if self.rng.random() < 0.2 else set())
                self._add("email", "email", at, None, people, email=True)
            else:
                self._add(event, "phone", at, None, {person}, email=False)

    def _chat(self, person: int, at: int, limit: int) -> None:
        source = self.rng.choice(("whatsapp", "telegram", "signal"))
        group = self.rng.random() < 0.1
        members = {person} | ({self.contact() for _ in range(self.rng.randrange(1, 6))} if group else set())
        thread = f"{source}-{'group-' if group else ''}{person}"
        for _ in range(self.rng.randrange(1, 10)):
            if len(self.interactions) >= limit:
                return
            self._add("message", source, at, thread, members, email=False)
            at += self.rng.randrange(10, 900)

    def _add(self, type_: str, source: str, at: int, thread: str | None, people: set[int], *, email: bool) -> None:
        interaction_id = len(self.interactions) + 1
        self.interactions.append((interaction_id, source, f"{source}-{interaction_id}", type_, at, thread,
                                  len(people), self.now))
        # Handle ids: 2c - 1 is contact c's email address, 2c its phone number.
        self.participants.extend((interaction_id, 2 * c - 1 if email else 2 * c) for c in sorted(people))


def build(path: Path, contacts: int, interactions: int, seed: int, now: int) -> None:
    connection = open_connection(path, 5000)
    migrate(connection)
    generator = Generator(contacts, seed, now)
    generator.fill(interactions)
    # Generation only: a benchmark database need not survive a power cut.
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany("INSERT INTO contacts (id, name, search_name, created_at) VALUES (?, ?, ?, ?)",
                           [(c, f"Contact {c}", f"contact {c}", now) for c in range(1, contacts + 1)])
    connection.executemany("INSERT INTO handles (id, kind, value, contact_id) VALUES (?, ?, ?, ?)",
                           [row for c in range(1, contacts + 1)
                            for row in ((2 * c - 1, "email", f"c{c}@example.com", c),
                                        (2 * c, "phone", f"+4930{10_000_000 + c}", c))])
    connection.executemany(
        "INSERT INTO interactions (id, source, source_id, type, occurred_at, utc_offset_minutes, thread_id,"
        " participant_count, ingested_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)", generator.interactions)
    connection.executemany("INSERT INTO interaction_participants (interaction_id, handle_id) VALUES (?, ?)",
                           generator.participants)
    connection.execute(
        "UPDATE contacts SET (first_interaction_at, last_interaction_at, interaction_count) ="
        " (SELECT min(i.occurred_at), max(i.occurred_at), count(*) FROM handles h"
        "  JOIN interaction_participants p ON p.handle_id = h.id JOIN interactions i ON i.id = p.interaction_id"
        "  WHERE h.contact_id = contacts.id)")
    connection.execute("COMMIT")
    connection.execute("PRAGMA synchronous=FULL")
    connection.close()


def timed_write(path: Path, work: Callable[[Any], Any]) -> tuple[float, Any]:
    """Run `work(connection)` in one write transaction, as the writer thread does; time it."""
    connection = open_connection(path, 5000)
    try:
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        result = work(connection)
        connection.execute("COMMIT")
        return time.perf_counter() - start, result
    finally:
        connection.close()


def new_items(count: int, contacts: int, now: int, seed: int) -> list[ValidItem]:
    """Chat messages in existing one-to-one threads, dated over the last day, as a bridge sends them."""
    rng = random.Random(seed + 1)
    owner = OwnerHandles([], None)
    items = []
    for index in range(count):
        contact = rng.randrange(1, contacts + 1)
        at = now - rng.randrange(DAY)
        raw = {"source": "whatsapp", "source_id": f"new-{index}", "type": "message",
               "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at)),
               "thread_id": f"whatsapp-{contact}",
               "participants": [{"handle": f"+4930{10_000_000 + contact}", "kind": "phone", "role": "from"}]}
        valid = validate_item(index, raw, owner)
        if not isinstance(valid, ValidItem):
            raise ValueError(f"generated item {index} is invalid: {valid}")
        items.append(valid)
    return items


def ingest_seconds(path: Path, items: list[ValidItem], model: ScoreModel | None, now: int) -> float:
    """Store `items` in one transaction, with the score hook or without; roll back after."""
    connection = open_connection(path, 5000)
    hooks = [] if model is None else [lambda conn, created: apply_ingested(conn, model, created, now)]
    try:
        connection.execute("BEGIN IMMEDIATE")
        start = time.perf_counter()
        store_items(Transaction(connection), items, now, hooks)
        seconds = time.perf_counter() - start
        connection.execute("ROLLBACK")
        return seconds
    finally:
        connection.close()


async def median_ms(query: Callable[[], Awaitable[Any]]) -> float:
    await query()  # warm the page cache
    durations = []
    for _ in range(QUERY_RUNS):
        start = time.perf_counter()
        await query()
        durations.append(time.perf_counter() - start)
    return statistics.median(durations) * 1000


async def measure_queries(path: Path, settings: Settings, now: int) -> None:
    reader = ReadPool(path, 1, 5000, 60_000)
    await reader.open()
    try:
        top_sql = ("SELECT s.contact_id, s.score_key, c.name FROM contact_scores s JOIN contacts c"
                   " ON c.id = s.contact_id ORDER BY s.score_key DESC, s.contact_id LIMIT 50")
        report("top-50 query (index only)", await median_ms(lambda: reader.fetch_all(top_sql)), "ms")
        report("ranked_scores, 50 + no fading", await median_ms(
            lambda: ranked_scores(reader, settings, now=now, limit=50, fading_limit=0)), "ms",
            "with 30-days-ago values")
        report("ranked_scores, 50 + 10 fading", await median_ms(
            lambda: ranked_scores(reader, settings, now=now, limit=50, fading_limit=10)), "ms",
            "the GET /api/v1/scores body")
    finally:
        await reader.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the activity scores on a generated database.")
    parser.add_argument("--contacts", type=int, default=10_000, help="number of contacts")
    parser.add_argument("--interactions", type=int, default=1_000_000, help="number of interactions")
    parser.add_argument("--seed", type=int, default=20240308, help="random seed")
    args = parser.parse_args(argv)

    settings = Settings()
    model = ScoreModel(settings.scores)
    now = int(time.time())
    with tempfile.TemporaryDirectory(prefix="cardmunk-bench-scores-") as directory:
        path = Path(directory) / "hub.db"
        start = time.perf_counter()
        build(path, args.contacts, args.interactions, args.seed, now)
        report("generated interactions", args.interactions, "rows", f"{args.contacts:,} contacts, "
               f"{time.perf_counter() - start:.1f} s")

        seconds, _ = timed_write(path, lambda connection: recompute_all(connection, model, now))
        report("full recompute (first, cold cache)", seconds, "s")
        seconds, result = timed_write(path, lambda connection: recompute_all(connection, model, now))
        report("full recompute", seconds, "s", f"{result.contacts:,} contacts scored")
        for hours in (1, 2):
            seconds, moved = timed_write(path, lambda connection: refresh(connection, model, now + hours * 3600))
            report(f"refresh, {hours} h after the recompute", seconds * 1000, "ms",
                   f"{moved.future_units_moved} future-dated units re-anchored, "
                   f"{moved.past_units_added} units added to the past keys")

        items = new_items(1000, args.contacts, now, args.seed)
        # Alternate the two so that a burst of load on the machine hits both alike.
        runs: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(INGEST_RUNS):
            for hooked in (False, True):
                runs[hooked].append(ingest_seconds(path, items, model if hooked else None, now))
        without, with_hook = min(runs[False]), min(runs[True])
        report("ingest 1,000 chat messages, no score hook", without * 1000, "ms")
        report("ingest 1,000 chat messages, score hook", with_hook * 1000, "ms",
               f"hook {1000 * (with_hook - without):.0f} ms")

        asyncio.run(measure_queries(path, settings, now + 7200))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
