"""Logs: with every logger at DEBUG, no token and no message text reaches the hub's log.

A real `cardmunk-hub serve` runs at log level DEBUG through ingestion, searches, reads and
contact edits, all carrying canary strings. Its whole stderr is then searched for them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp

from bench.hubprocess import HubProcess, create_token, write_config

CONTENT = "logcanarycontent"
SUBJECT = "logcanarysubject"
NAME = "Logcanary Personname"
RENAMED = "Logcanary Renamed"
HANDLE = "logcanary.handle@example.com"
EXTRA_HANDLE = "+4930555012345"
QUERY = "logcanaryquery"


def items() -> list[dict[str, Any]]:
    person = [{"handle": HANDLE, "kind": "email", "name": NAME, "role": "from"}]
    other = [{"handle": EXTRA_HANDLE, "kind": "phone", "name": NAME, "role": "from"}]
    return [
        {"source": "email", "source_id": f"log-{n}", "type": "email", "occurred_at": "2024-05-01T09:00:00Z",
         "subject": f"{SUBJECT} {n}", "content": f"{CONTENT} {QUERY} body {n}", "participants": person}
        for n in range(20)
    ] + [
        {"source": "phone", "source_id": "log-call", "type": "call", "occurred_at": "2024-05-02T09:00:00Z",
         "duration_seconds": 60, "participants": other},
        # Rejected items: their errors must not echo the text either.
        {"source": "email", "source_id": "log-bad", "type": "email", "occurred_at": "not a date",
         "content": CONTENT, "participants": person},
        {"source": "email", "source_id": "log-bad-handle", "type": "email", "occurred_at": "2024-05-01T09:00:00Z",
         "content": CONTENT, "participants": [{"handle": f"{NAME} no at sign", "kind": "email"}]},
    ]


async def exercise(url: str, tokens: dict[str, str]) -> None:
    def auth(scope: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[scope]}"}

    async with aiohttp.ClientSession() as session:
        async def call(method: str, path: str, scope: str, **kwargs: Any) -> Any:
            async with session.request(method, f"{url}{path}", headers=auth(scope), **kwargs) as response:
                assert response.status < 500, await response.text()
                return await response.json()

        pushed = await call("POST", "/api/v1/interactions", "ingest", json={"interactions": items()})
        assert pushed["counts"] == {"created": 21, "duplicate": 0, "invalid": 2}
        await call("POST", "/api/v1/interactions", "ingest", json={"interactions": items()[:3]})

        for query in (QUERY, f'"{CONTENT} {QUERY}"', f"{QUERY[:6]}*", f"with:{NAME.split()[0]} {QUERY}"):
            found = await call("GET", "/api/v1/interactions", "read", params={"q": query})
            assert found["interactions"], query
        await call("GET", "/api/v1/interactions", "read", params={"q": f"{QUERY} before:garbage"})
        await call("GET", "/api/v1/interactions/1", "read")
        contacts = await call("GET", "/api/v1/contacts", "read", params={"q": NAME})
        contact_id = contacts["contacts"][0]["id"]
        other = (await call("GET", "/api/v1/contacts", "read", params={"q": EXTRA_HANDLE}))["contacts"][0]["id"]

        await call("PATCH", f"/api/v1/contacts/{contact_id}", "admin", json={"name": RENAMED})
        await call("POST", f"/api/v1/contacts/{contact_id}/handles", "admin",
                   json={"kind": "telegram", "handle": "@logcanarytelegram"})
        await call("POST", f"/api/v1/contacts/{contact_id}/merge", "admin", json={"source_contact_id": other})
        await call("POST", "/api/v1/contacts", "admin", json={"name": RENAMED, "handles": [
            {"kind": "email", "handle": HANDLE}]})  # 409: the handle is taken
        await call("DELETE", f"/api/v1/contacts/{contact_id}", "admin")
        # A wrong token of the right shape must not be echoed either.
        async with session.get(f"{url}/api/v1/contacts", headers={"Authorization": "Bearer cmk_00_logcanarysecret"}) as response:
            assert response.status == 401


def test_debug_logs_leak_nothing(tmp_path: Path) -> None:
    config = write_config(tmp_path / "hub.toml", tmp_path / "hub.db", log_level="DEBUG")
    tokens = {scope: create_token(config, scope, f"log-{scope}") for scope in ("ingest", "read", "admin")}
    hub = HubProcess(config)
    hub.start()
    try:
        asyncio.run(exercise(hub.url, tokens))
    finally:
        hub.stop()

    log = hub.log_text()
    assert "DEBUG" in log, "the hub did not log at DEBUG"
    secrets = [token.rsplit("_", 1)[1] for token in tokens.values()]
    canaries = [CONTENT, SUBJECT, QUERY, "logcanary", "Logcanary", HANDLE, EXTRA_HANDLE, "555012345",
                "logcanarysecret", *secrets]
    leaked = [canary for canary in canaries if canary in log]
    assert leaked == [], f"found in the log: {leaked}"
