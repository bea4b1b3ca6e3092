"""Search keys as FTS5 rowids: time order, ties, extreme years, date ranges and contact plans."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from hub.search import sql
from hub.search.keys import KEY_FACTOR, assign_search_keys, first_key_at, preferred_keys
from hub.search.sql import SearchPlan, build_search_sql
from hub.search.syntax import parse_query
from hub.storage.connection import open_connection
from hub.storage.migrations import migrate
from tests.hub.conftest import Hub, interaction

YEAR_1 = int(datetime(1, 1, 1, tzinfo=timezone.utc).timestamp())
YEAR_9999 = int(datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc).timestamp())


def source_ids(body: dict[str, Any]) -> list[str]:
    return [hit["source_id"] for hit in body["interactions"]]


async def all_pages(hub: Hub, limit: int, **params: Any) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(100):
        body = await hub.get("/api/v1/interactions", limit=limit, **params, **({"cursor": cursor} if cursor else {}))
        seen.extend(source_ids(body))
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("paging did not end")


async def test_newest_first_ignores_push_order(hub: Hub) -> None:
    days = [5, 1, 9, 3, 7, 2, 8]
    for day in days:
        await hub.push(interaction(f"d{day}", occurred_at=f"2024-02-{day:02d}T08:00:00Z", content="lantern"))

    body = await hub.get("/api/v1/interactions", q="lantern", sort="time")

    assert source_ids(body) == [f"d{day}" for day in sorted(days, reverse=True)]


async def test_same_second_pages_cover_all_once(hub: Hub) -> None:
    items = [interaction(f"t{n}", occurred_at="2024-02-01T08:00:00Z", content="tide") for n in range(7)]
    await hub.push(*items[:3])
    await hub.push(interaction("later", occurred_at="2024-02-02T08:00:00Z", content="tide"))
    await hub.push(*items[3:])

    paged = await all_pages(hub, 2, q="tide", sort="time")
    whole = source_ids(await hub.get("/api/v1/interactions", q="tide", sort="time", limit=50))

    assert paged == whole
    assert paged[0] == "later"
    assert sorted(paged[1:]) == sorted(f"t{n}" for n in range(7))


async def test_text_less_listing_pages_by_key(hub: Hub) -> None:
    await hub.push(*[interaction(f"n{n}", occurred_at=f"2024-02-0{1 + n % 3}T08:00:00Z") for n in range(8)])

    paged = await all_pages(hub, 3, sort="time")

    assert len(paged) == 8
    assert len(set(paged)) == 8


async def test_date_filter_bounds_by_key(hub: Hub) -> None:
    await hub.push(
        interaction("before", occurred_at="2024-03-31T23:59:59Z", content="kettle"),
        interaction("first", occurred_at="2024-04-01T00:00:00Z", content="kettle"),
        interaction("last", occurred_at="2024-04-30T23:59:59Z", content="kettle"),
        interaction("after", occurred_at="2024-05-01T00:00:00Z", content="kettle"),
    )

    for sort in ("time", "relevance"):
        body = await hub.get("/api/v1/interactions", q="kettle after:2024-04-01 before:2024-04-30", sort=sort)
        assert sorted(source_ids(body)) == ["first", "last"]


def raw_database(tmp_path: Path, rows: list[tuple[int, int, str]]) -> sqlite3.Connection:
    """A migrated database with (id, occurred_at, content) rows, keyed and indexed as the writer does."""
    connection = open_connection(tmp_path / "keys.db", 1000)
    migrate(connection)
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO interactions (id, source, source_id, type, occurred_at, utc_offset_minutes, content,"
        " participant_count, ingested_at) VALUES (?, 'email', ?, 'email', ?, 0, ?, 0, 0)",
        [(row_id, f"r{row_id}", occurred_at, content) for row_id, occurred_at, content in rows],
    )
    assign_search_keys(connection, 0)
    connection.execute(
        "INSERT INTO interactions_fts (rowid, subject, content) SELECT search_key, subject, content FROM interactions")
    connection.execute("COMMIT")
    return connection


def run_plan(connection: sqlite3.Connection, text: str, sort: str = "time", **fields: Any) -> list[int]:
    plan = SearchPlan(query=parse_query(text), sort=sort, limit=50, **fields)
    query, params = build_search_sql(plan)
    return [row[0] for row in connection.execute(query, params)]


def test_keys_span_years_1_to_9999(tmp_path: Path) -> None:
    connection = raw_database(tmp_path, [(1, 0, "quartz"), (2, YEAR_9999, "quartz"), (3, YEAR_1, "quartz")])

    keys = dict(connection.execute("SELECT id, search_key FROM interactions").fetchall())

    assert keys[3] == YEAR_1 * KEY_FACTOR + 3
    assert keys[2] == YEAR_9999 * KEY_FACTOR + 2
    assert keys[2] < 2**63
    assert run_plan(connection, "quartz") == [2, 1, 3]
    assert run_plan(connection, "quartz before:1969-12-31") == [3]
    assert run_plan(connection, "quartz after:9999-12-31") == [2]
    connection.execute("INSERT INTO interactions_fts (interactions_fts) VALUES ('integrity-check')")


def test_taken_key_moves_to_free_slot(tmp_path: Path) -> None:
    moment = 1_700_000_000
    connection = raw_database(tmp_path, [(5, moment, "ember"), (5 + KEY_FACTOR, moment, "ember"),
                                         (5 + 2 * KEY_FACTOR, moment, "ember")])

    keys = sorted(row[0] for row in connection.execute("SELECT search_key FROM interactions"))

    assert keys == [first_key_at(moment) + 5, first_key_at(moment) + 6, first_key_at(moment) + 7]
    assert sorted(run_plan(connection, "ember")) == [5, 5 + KEY_FACTOR, 5 + 2 * KEY_FACTOR]


def test_full_second_slots_wrap_to_start(tmp_path: Path) -> None:
    moment = 1_700_000_000
    last_slot = KEY_FACTOR - 1
    connection = raw_database(tmp_path, [(last_slot, moment, "ember"), (2 * KEY_FACTOR - 1, moment, "ember")])

    keys = sorted(row[0] for row in connection.execute("SELECT search_key FROM interactions"))

    assert keys == [first_key_at(moment), first_key_at(moment) + last_slot]



def test_preferred_keys_skip_taken_keys(tmp_path: Path) -> None:
    moment = 1_700_000_000
    connection = raw_database(tmp_path, [(7, moment, "ember")])

    keys = preferred_keys(connection, [(7 + KEY_FACTOR, moment), (8, moment), (8 + KEY_FACTOR, moment),
                                       (9, moment + 1)])

    assert keys == [None, first_key_at(moment) + 8, None, first_key_at(moment + 1) + 9]


async def test_pushed_keys_follow_time_then_id(hub: Hub) -> None:
    await hub.push(interaction("k1", occurred_at="2024-03-01T10:00:00Z"),
                   interaction("k2", occurred_at="2024-03-01T10:00:00Z"))

    with sqlite3.connect(hub.settings.database.path) as connection:
        rows = connection.execute("SELECT id, occurred_at, search_key FROM interactions ORDER BY id").fetchall()

    assert [key for _, _, key in rows] == [first_key_at(at) + row_id for row_id, at, _ in rows]

CONTACT_WORDS = ["river", "river stone", "stone", "river", "meadow", "river meadow", "river"]


@pytest.fixture
async def contact_hub(hub: Hub) -> tuple[Hub, int]:
    """Bob in a few interactions, Carol in many, with text each plan must match the same way."""
    bob = {"handle": "bob@example.com", "kind": "email", "name": "Bob Example", "role": "from"}
    carol = {"handle": "carol@example.com", "kind": "email", "name": "Carol Example", "role": "from"}
    items = []
    for n, words in enumerate(CONTACT_WORDS):
        items.append(interaction(f"b{n}", occurred_at=f"2024-01-{n + 1:02d}T09:00:00Z", content=words,
                                 participants=[bob]))
    for n in range(40):
        items.append(interaction(f"c{n}", occurred_at=f"2024-01-{n % 28 + 1:02d}T10:00:00Z",
                                 content="river" if n % 2 else "stone", participants=[carol]))
    items.append(interaction("both", occurred_at="2024-01-15T11:00:00Z", content="river both",
                             participants=[bob, carol]))
    await hub.push(*items)
    contacts = await hub.get("/api/v1/contacts", q="Bob")
    return hub, contacts["contacts"][0]["id"]


@pytest.mark.parametrize("seek_cost", [1e-9, 1e9], ids=["walk-contact", "walk-fts"])
@pytest.mark.parametrize("q", ["river", "river*", '"river stone"', "stone after:2024-01-02", "stone river"])
async def test_contact_plans_match_reference(contact_hub: tuple[Hub, int], monkeypatch: pytest.MonkeyPatch,
                                             seek_cost: float, q: str) -> None:
    hub, bob = contact_hub
    monkeypatch.setattr(sql, "SEEK_COST_IN_CHECKS", seek_cost)
    reference = _reference(hub, q, bob)

    newest = await all_pages(hub, 2, q=q, sort="time", contact=str(bob))
    ranked = await all_pages(hub, 2, q=q, sort="relevance", contact=str(bob))

    assert newest == reference
    assert sorted(ranked) == sorted(reference)


def _reference(hub: Hub, q: str, contact_id: int) -> list[str]:
    """Source ids of Bob's matches, newest first, by a plain query without the search plans."""
    query = parse_query(q)
    match = sql.fts_match_expression(query.terms)
    bounds = ""
    params: list[Any] = [match, contact_id]
    if query.since is not None:
        bounds = " AND i.occurred_at >= ?"
        params.append(int(query.since.timestamp()))
    with sqlite3.connect(hub.settings.database.path) as connection:
        return [row[0] for row in connection.execute(
            "SELECT i.source_id FROM interactions i WHERE i.search_key IN"
            " (SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH ?)"
            " AND i.id IN (SELECT p.interaction_id FROM interaction_participants p"
            "  JOIN handles h ON h.id = p.handle_id WHERE h.contact_id = ?)"
            f"{bounds} ORDER BY i.occurred_at DESC, i.id DESC",
            params,
        )]
