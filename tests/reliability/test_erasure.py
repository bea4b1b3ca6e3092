"""Erasure: a deleted contact's text is gone from search, the database, the WAL and backups.

The canary words are checked for by their tails. FTS5 stores each term of an index segment
without the prefix it shares with the previous term, so only a term's end is sure to
appear in the file as written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hub.commands.backup import backup_database
from tests.hub.conftest import Hub, interaction

CANARY_WORD = "erasecanaryq7x9k2"
CANARY_NAME = "Zelda Qmwxvbenz"
CANARY_HANDLE = "zelda.qmwxvbenz@example.com"
# Parts that can only come from the canaries above.
CANARY_TAILS = [b"q7x9k2", b"qmwxvbenz", b"Qmwxvbenz"]


def canary_items(count: int) -> list[dict[str, Any]]:
    zelda = [{"handle": CANARY_HANDLE, "kind": "email", "name": CANARY_NAME, "role": "from"}]
    return [interaction(f"zelda-{n}", subject=f"{CANARY_WORD} plans", content=f"the {CANARY_WORD} is {n}",
                        participants=zelda) for n in range(count)]


def filler_items(start: int, count: int) -> list[dict[str, Any]]:
    bob = [{"handle": "bob@example.com", "kind": "email", "name": "Bob Example", "role": "from"}]
    return [interaction(f"bob-{n}", subject="weekly report", content=f"numbers for week {n} and the budget",
                        participants=bob) for n in range(start, start + count)]


def canaries_in(path: Path) -> list[bytes]:
    data = path.read_bytes() if path.exists() else b""
    return [tail for tail in CANARY_TAILS if tail in data]


async def delete_contact(hub: Hub) -> dict[str, Any]:
    contacts = (await hub.get("/api/v1/contacts", q=CANARY_HANDLE))["contacts"]
    assert len(contacts) == 1
    response = await hub.client.delete(f"/api/v1/contacts/{contacts[0]['id']}", headers=hub.auth("admin"))
    assert response.status == 200, await response.text()
    return dict(await response.json())


async def fill_with_canaries(hub: Hub) -> None:
    """Canaries first, then enough other batches that FTS5 has written several segments."""
    await hub.push(*canary_items(30))
    for batch in range(12):
        await hub.push(*filler_items(batch * 50, 50))
    database = hub.settings.database.path
    assert canaries_in(database) or canaries_in(database.with_name(database.name + "-wal"))


async def test_deleted_contact_leaves_no_text(hub: Hub, tmp_path: Path) -> None:
    await fill_with_canaries(hub)

    report = await delete_contact(hub)
    search = await hub.get("/api/v1/interactions", q=CANARY_WORD)
    contacts = await hub.get("/api/v1/contacts", q="qmwxvbenz")
    backup = tmp_path / "after.db"
    backup_database(hub.settings.database.path, backup, 5000)

    database = hub.settings.database.path
    assert report["interactions_erased"] == 30
    assert search["interactions"] == []
    assert contacts["contacts"] == []
    assert canaries_in(database) == []
    assert canaries_in(database.with_name(database.name + "-wal")) == []
    assert canaries_in(backup) == []
    assert (await hub.get("/api/v1/interactions", q="budget"))["interactions"], "other contacts' data must stay"
